package intent

import (
	"context"
	"strings"
)

// Rules is the built-in classifier: phrase rules in English, German,
// French, Spanish, Portuguese, Italian, Dutch, Swedish, Polish and
// Japanese (see the package documentation). The zero value is ready to
// use and safe for concurrent use; it never returns an error other than
// a done ctx.
type Rules struct{}

var _ Classifier = Rules{}

// builtin is the compiled built-in lexicon; never modified after.
var builtin, builtinErr = compile(lexiconEN, lexiconDE, lexiconFR, lexiconES, lexiconPT, lexiconIT,
	lexiconNL, lexiconSV, lexiconPL, lexiconJA)

// Classify decides m's intent from m.Text alone.
func (Rules) Classify(ctx context.Context, m Message) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	return Decide(m), nil
}

// Decide is Rules.Classify without a context.
func Decide(m Message) Result {
	if builtinErr != nil || strings.TrimSpace(m.Text) == "" {
		return Result{Intent: Other}
	}
	t := tokenize(normalize(m.Text))
	ms := builtin.find(t)
	f := gather(t, ms)
	ref := referral(t, ms, m)
	return Result{Intent: f.decide(ref != ""), Referral: ref}.withReferral()
}

func (r Result) withReferral() Result {
	if r.Intent != WrongPerson {
		r.Referral = ""
	}
	return r
}

// flags are the cues found in one part of a text.
type flags struct {
	accept, like, ask, later, decline, wrong, unsub bool
}

func (f flags) decisive() bool { return f.accept || f.like || f.ask || f.later || f.decline }

func (f *flags) or(g flags) {
	f.accept = f.accept || g.accept
	f.like = f.like || g.like
	f.ask = f.ask || g.ask
	f.later = f.later || g.later
	f.decline = f.decline || g.decline
	f.wrong = f.wrong || g.wrong
	f.unsub = f.unsub || g.unsub
}

// verdict is what gather found: the flags of each segment (the parts
// between contrast words).
type verdict struct {
	segs []flags
}

func (v *verdict) seg(i int) *flags {
	for len(v.segs) <= i {
		v.segs = append(v.segs, flags{})
	}
	return &v.segs[i]
}

// decide applies the order of the package documentation.
func (v verdict) decide(referred bool) Intent {
	var all flags
	for _, s := range v.segs {
		all.or(s)
	}
	if all.unsub {
		return Unsubscribe
	}
	if all.wrong || referred {
		return WrongPerson
	}
	f := all
	for i := len(v.segs) - 1; i > 0; i-- {
		if v.segs[i].decisive() {
			f = v.segs[i]
			break
		}
	}
	switch {
	case f.accept:
		return Interested
	case f.ask:
		return Question
	case f.later:
		return Later
	case f.decline:
		return NotInterested
	case f.like:
		return Interested
	}
	return Other
}

const (
	negBefore = 4 // words before a cue searched for a negation
	negAfter  = 3 // words after a cue searched for a post-negation
)

// gather turns the matches into flags per segment, resolving negation,
// short answers, times that fit and questions.
func gather(t *text, ms []match) verdict {
	var v verdict
	segOf := make([]int, len(t.toks)) // segment of each token
	seg := 0
	mi := 0
	for i := range t.toks {
		for mi < len(ms) && ms[mi].start == i {
			if ms[mi].cue == cueContrast {
				seg++
			}
			mi++
		}
		segOf[i] = seg
	}
	// Per sentence and per clause: which cues they hold.
	type sentCues struct{ slot, fits, meeting bool }
	type clauseCues struct{ blocksAsk, wh, accept, later bool }
	sc := make([]sentCues, len(t.sentences))
	nClauses := 0
	if len(t.toks) > 0 {
		nClauses = t.toks[len(t.toks)-1].clause + 1
	}
	cc := make([]clauseCues, nClauses)
	clauseOf := func(i int) *clauseCues { return &cc[t.toks[i].clause] }
	for k, m := range ms {
		c := m.cue
		if m.neg != cueNone && negated(t, ms, k) {
			c = m.neg
		}
		tok := t.toks[m.start]
		s := &sc[tok.sentence]
		cl := clauseOf(m.start)
		f := v.seg(segOf[m.start])
		switch c {
		case cueAccept:
			f.accept = true
			cl.blocksAsk, cl.accept = true, true
		case cueLike:
			f.like = true
			s.meeting, cl.blocksAsk = true, true
		case cueAsk:
			f.ask = true
		case cueLater:
			f.later = true
			cl.blocksAsk, cl.later = true, true
		case cueDecline:
			f.decline = true
			cl.blocksAsk = true
		case cueWrong:
			f.wrong = true
		case cueUnsub:
			f.unsub = true
		case cueMeta:
			cl.blocksAsk = true
		case cueWh:
			cl.wh = cl.wh || m.start == clauseStart(t, m.start)
		case cueSlot:
			s.slot = true
		case cueFits:
			s.fits = true
		case cueNo:
			if t.sentences[tok.sentence].n <= 3 {
				f.decline = true
				cl.blocksAsk = true
			}
		}
	}
	// A meeting tied to a later time in the same clause ("can we talk in
	// January?", "podemos falar mais para frente?") defers: later.
	for i := range t.toks {
		if i > 0 && t.toks[i].clause == t.toks[i-1].clause {
			continue
		}
		if cl := clauseOf(i); cl.accept && cl.later {
			f := v.seg(segOf[i])
			f.accept = false
			for j := range cc {
				if cc[j].accept && !cc[j].later {
					f.accept = true // another clause accepts outright
				}
			}
		}
	}
	for i, st := range t.sentences {
		s := sc[i]
		last := st.first + st.n - 1
		if s.slot && (s.fits || s.meeting) {
			v.seg(segOf[last]).accept = true
			continue
		}
		// A question mark asks in the sentence's last clause; a question
		// word asks in the clause it opens.
		for j := st.first; j <= last; j++ {
			if j > st.first && t.toks[j].clause == t.toks[j-1].clause {
				continue
			}
			cl := clauseOf(j)
			lastClause := t.toks[j].clause == t.toks[last].clause
			if (cl.wh || (st.question && lastClause)) && !cl.blocksAsk {
				v.seg(segOf[j]).ask = true
			}
		}
	}
	return v
}

// clauseStart returns the index of the first token of token i's clause.
func clauseStart(t *text, i int) int {
	c := t.toks[i].clause
	for i > 0 && t.toks[i-1].clause == c {
		i--
	}
	return i
}

// negated reports whether match k is negated: an odd number of negation
// words before it in its clause (within negBefore words) and post-
// negation words after it (within negAfter words), so "can't say I'm not
// curious" is curious. French "ne" does not count: the "pas", "plus" or
// "jamais" that goes with it does.
func negated(t *text, ms []match, k int) bool {
	m := ms[k]
	n := 0
	clause := t.toks[m.start].clause
	for j := k - 1; j >= 0; j-- {
		p := ms[j]
		if m.start-p.end >= negBefore || t.toks[p.start].clause != clause {
			break
		}
		if (p.cue == cueNeg || p.cue == cuePostNeg || p.cue == cueNo) && !isNe(t.toks[p.start].s) {
			n++
		}
	}
	endClause := t.toks[m.end-1].clause
	for j := k + 1; j < len(ms); j++ {
		p := ms[j]
		if p.start-m.end >= negAfter || t.toks[p.start].clause != endClause {
			break
		}
		if p.cue == cuePostNeg || p.cue == cueNo {
			n++
		}
	}
	return n%2 == 1
}

// isNe reports the first half of the French negation, which needs its
// second half to negate.
func isNe(w string) bool { return w == "ne" || w == "n" }
