package intent

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxTokens bounds the words looked at.
const maxTokens = 1500

// token is one word of a normalised text (an e-mail address is one token
// "@" whose address is kept), or one character of Japanese or Chinese
// text, which has no spaces between words.
type token struct {
	s        string
	addr     string // the address, for an address token
	sentence int    // index of the sentence (ended by . ! ? ; a line break)
	clause   int    // index of the clause (ended also by , : and brackets)
}

// sentence is what is known of one sentence.
type sentence struct {
	question bool // ends with '?' (or the Japanese particle か)
	first    int  // index of its first token
	n        int  // its token count
}

// text is a tokenised reply.
type text struct {
	toks      []token
	sentences []sentence
}

// isCJK reports whether r belongs to a script written without spaces.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) || r == 'ー' || r == '々'
}

// tokenize splits a normalised text into tokens, sentences and clauses.
func tokenize(s string) *text {
	t := &text{}
	sent, clause := 0, 0
	sentStart := 0
	closeSentence := func(question bool) {
		if len(t.toks) > sentStart {
			q := question
			if !q {
				// Japanese asks with か at the end of a sentence.
				if last := t.toks[len(t.toks)-1].s; last == "か" {
					q = true
				}
			}
			t.sentences = append(t.sentences, sentence{question: q, first: sentStart, n: len(t.toks) - sentStart})
			sent++
			clause++
			sentStart = len(t.toks)
		}
	}
	add := func(tok token) {
		tok.sentence, tok.clause = sent, clause
		t.toks = append(t.toks, tok)
	}
	for i := 0; i < len(s) && len(t.toks) < maxTokens; {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case isCJK(r):
			j := i + size
			for j < len(s) {
				m, ms := utf8.DecodeRuneInString(s[j:])
				if !unicode.Is(unicode.Mn, m) {
					break
				}
				j += ms
			}
			add(token{s: s[i:j]})
			i = j
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if a, n := addressAt(s[i:]); n > 0 {
				add(token{s: "@", addr: a})
				i += n
				continue
			}
			j := i + size
			for j < len(s) {
				m, ms := utf8.DecodeRuneInString(s[j:])
				if m == '\'' && j+1 < len(s) {
					// an apostrophe inside a word: don't, l'offre
					n, _ := utf8.DecodeRuneInString(s[j+1:])
					if unicode.IsLetter(n) && !isCJK(n) {
						j += ms
						continue
					}
					break
				}
				if m == '.' && unicode.IsDigit(r) && j+1 < len(s) && s[j+1] >= '0' && s[j+1] <= '9' {
					j += ms // 10.30
					continue
				}
				if (!unicode.IsLetter(m) && !unicode.IsDigit(m) && !unicode.Is(unicode.Mn, m)) || isCJK(m) {
					break
				}
				j += ms
			}
			add(token{s: s[i:j]})
			i = j
			continue
		}
		switch r {
		case '?', '？':
			closeSentence(true)
		case '.', '!', ';', '\n', '。', '！', '…':
			closeSentence(false)
		case ',', ':', '(', ')', '"', '–', '—', '、', '，', '「', '」', '/':
			clause++
		case '-':
			if i > 0 && s[i-1] == ' ' && i+1 < len(s) && s[i+1] == ' ' {
				clause++ // a spaced dash: "I'm curious - who is it?"
			}
		}
		i += size
	}
	closeSentence(false)
	return t
}

// addressAt returns the lower-cased e-mail address at the start of s and
// its length, or 0.
func addressAt(s string) (string, int) {
	at, dot, end := -1, -1, 0
	for end < len(s) && end < 254 {
		c := s[end]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '_', c == '%', c == '+', c == '-':
		case c == '@':
			if at >= 0 {
				return "", 0
			}
			at = end
		case c == '.':
			if at >= 0 {
				dot = end
			}
		default:
			goto done
		}
		end++
	}
done:
	e := strings.TrimRight(s[:end], ".-")
	dot = strings.LastIndexByte(e, '.')
	if at <= 0 || dot < at+2 || len(e) <= dot+1 {
		return "", 0
	}
	return e, len(e)
}
