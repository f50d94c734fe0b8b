package intent

import (
	"fmt"
	"strings"
)

// cue is what a phrase signals.
type cue uint8

// The cues. A phrase has one cue, and optionally another it turns into
// when a negation stands before it in its clause (or after it, for a
// post-negation word).
const (
	cueNone     cue = iota
	cueAccept       // explicit acceptance: let's talk, count me in, I'm interested
	cueLike         // mild interest: interesting, a chat, yes
	cueAsk          // asks for information: send me, job description, salary
	cueLater        // later: next year, circle back, not now
	cueDecline      // no: not interested, no thanks, we already have
	cueWrong        // wrong person: not the right person, no longer work there
	cueUnsub        // unsubscribe: remove me, stop emailing
	cueMeta         // a question about us, not the offer: who is this?
	cueSlot         // a day or time: tuesday, tomorrow, 10am
	cueFits         // a time fits: works, suits, passt
	cueNo           // a bare no: declines when its sentence is short; also negates
	cueNeg          // a negation word before what it negates: not, kein, ne
	cuePostNeg      // a negation word that may also follow what it negates: nicht, pas, inte
	cueContrast     // but, aber, mais: what follows decides
	cueRefer        // a verb that sends us elsewhere: contact, try, write to
	cueSelf         // the address is the sender's own: email me at, my email
	cueHedge        // absorbs words that would mislead: no problem, no worries
	cueWh           // a question word: what, wie, quel; opening a sentence, it asks
)

var cueLetters = map[byte]cue{
	'-': cueNone, 'A': cueAccept, 'a': cueLike, 'Q': cueAsk, 'L': cueLater, 'N': cueDecline,
	'W': cueWrong, 'U': cueUnsub, 'M': cueMeta, 'S': cueSlot, 'F': cueFits, 'O': cueNo,
	'X': cueNeg, 'P': cuePostNeg, 'C': cueContrast, 'R': cueRefer, 'E': cueSelf, 'H': cueHedge, 'K': cueWh,
}

// phrase is one compiled lexicon entry. A word ending in '~' matches any
// word it begins; "*" matches up to three words; a phrase starting with
// "^" matches only at the start of a clause (for short Japanese words
// that also occur inside longer ones); a phrase ending in "$" only at the
// end of one ("I'm in" but not "I'm in sales").
type phrase struct {
	words []string
	start bool // only at the start of a clause
	end   bool // only at the end of a clause
	cue   cue
	neg   cue // what the cue becomes when negated; cueNone: negation ignored
}

// lexicon is a compiled phrase table, indexed by first word (exact) and
// by the first bytes of a prefix first word. Never modified after
// compilation.
type lexicon struct {
	phrases []phrase
	exact   map[string][]int
	prefix  map[string][]int // keyed by the prefix itself (up to prefixKey bytes)
}

const prefixKey = 4

// compile parses lexicon sources. Each line is "K: phrase; phrase" or
// "K/N: phrase; …", where K and N are cue letters (see cueLetters) and
// N is what K turns into under negation; blank lines and lines starting
// with '#' are skipped.
func compile(sources ...string) (*lexicon, error) {
	lx := &lexicon{exact: map[string][]int{}, prefix: map[string][]int{}}
	for _, src := range sources {
		for n, line := range strings.Split(src, "\n") {
			line = strings.TrimSpace(line)
			if line == "" || line[0] == '#' {
				continue
			}
			head, body, ok := strings.Cut(line, ":")
			if !ok {
				return nil, fmt.Errorf("intent: lexicon line %d: no ':' in %q", n+1, line)
			}
			k, neg, err := parseHead(strings.TrimSpace(head))
			if err != nil {
				return nil, fmt.Errorf("intent: lexicon line %d: %w", n+1, err)
			}
			for _, p := range strings.Split(body, ";") {
				p = strings.TrimSpace(p)
				if p == "" {
					continue
				}
				start := strings.HasPrefix(p, "^")
				end := strings.HasSuffix(p, "$")
				words := phraseWords(strings.TrimSuffix(strings.TrimPrefix(p, "^"), "$"))
				if len(words) == 0 || words[0] == "*" {
					return nil, fmt.Errorf("intent: lexicon line %d: bad phrase %q", n+1, p)
				}
				lx.add(phrase{words: words, cue: k, neg: neg, start: start, end: end})
			}
		}
	}
	return lx, nil
}

func parseHead(h string) (k, neg cue, err error) {
	if len(h) != 1 && !(len(h) == 3 && h[1] == '/') {
		return 0, 0, fmt.Errorf("bad cue %q", h)
	}
	k, ok := cueLetters[h[0]]
	if !ok {
		return 0, 0, fmt.Errorf("bad cue %q", h)
	}
	if len(h) == 3 {
		if neg, ok = cueLetters[h[2]]; !ok {
			return 0, 0, fmt.Errorf("bad cue %q", h)
		}
	}
	return k, neg, nil
}

// phraseWords tokenises a phrase exactly as a text is tokenised, keeping
// the '~' and '*' markers.
func phraseWords(p string) []string {
	var out []string
	for _, f := range strings.Fields(p) {
		switch {
		case f == "*":
			out = append(out, "*")
			continue
		case strings.HasSuffix(f, "~"):
			ws := tokenize(normalize(strings.TrimSuffix(f, "~"))).toks
			for i, w := range ws {
				s := w.s
				if i == len(ws)-1 {
					s += "~"
				}
				out = append(out, s)
			}
			continue
		}
		for _, w := range tokenize(normalize(f)).toks {
			out = append(out, w.s)
		}
	}
	return out
}

func (lx *lexicon) add(p phrase) {
	i := len(lx.phrases)
	lx.phrases = append(lx.phrases, p)
	w := p.words[0]
	if strings.HasSuffix(w, "~") {
		key := strings.TrimSuffix(w, "~")
		if len(key) > prefixKey {
			key = key[:prefixKey]
		}
		lx.prefix[key] = append(lx.prefix[key], i)
		return
	}
	lx.exact[w] = append(lx.exact[w], i)
}

// wordMatches reports whether text word s matches lexicon word w.
func wordMatches(w, s string) bool {
	if strings.HasSuffix(w, "~") {
		return strings.HasPrefix(s, w[:len(w)-1])
	}
	return w == s
}

// match is one phrase found in a text: tokens [start, end).
type match struct {
	start, end int
	cue, neg   cue
}

// matchAt returns the end of phrase p matched at toks[i] within one
// sentence, or -1.
func matchAt(p *phrase, toks []token, i int) int {
	if p.start && i > 0 && toks[i-1].clause == toks[i].clause {
		return -1
	}
	e := matchFrom(p.words, toks, i, toks[i].sentence)
	if p.end && e > 0 && e < len(toks) && toks[e].clause == toks[e-1].clause {
		return -1
	}
	return e
}

func matchFrom(words []string, toks []token, i, sent int) int {
	if len(words) == 0 {
		return i
	}
	if words[0] == "*" {
		for skip := 0; skip <= 3; skip++ {
			if e := matchFrom(words[1:], toks, i+skip, sent); e >= 0 {
				return e
			}
			if i+skip >= len(toks) || toks[i+skip].sentence != sent {
				break
			}
		}
		return -1
	}
	if i >= len(toks) || toks[i].sentence != sent || !wordMatches(words[0], toks[i].s) {
		return -1
	}
	return matchFrom(words[1:], toks, i+1, sent)
}

// find returns the phrases in t, longest first at each place; matched
// words are consumed.
func (lx *lexicon) find(t *text) []match {
	var out []match
	for i := 0; i < len(t.toks); {
		best := match{end: -1}
		try := func(idx []int) {
			for _, pi := range idx {
				p := &lx.phrases[pi]
				if e := matchAt(p, t.toks, i); e > best.end {
					best = match{start: i, end: e, cue: p.cue, neg: p.neg}
				}
			}
		}
		w := t.toks[i].s
		try(lx.exact[w])
		for k := 1; k <= prefixKey && k <= len(w); k++ {
			try(lx.prefix[w[:k]])
		}
		if best.end > i {
			out = append(out, best)
			i = best.end
			continue
		}
		i++
	}
	return out
}
