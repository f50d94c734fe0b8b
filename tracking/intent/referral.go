package intent

import "strings"

// referral returns the address a reply points us to: an address in the
// text that is neither the sender's nor ours, named in a sentence that
// refers us elsewhere ("contact", "try", "write to" …) or in a reply
// that says we have the wrong person. An address the sender gives as
// their own ("email me at") is not one.
func referral(t *text, ms []match, m Message) string {
	var cands []token
	for _, tok := range t.toks {
		if tok.addr == "" || strings.EqualFold(tok.addr, m.From) || containsFold(m.Own, tok.addr) {
			continue
		}
		cands = append(cands, tok)
	}
	if len(cands) == 0 {
		return ""
	}
	refer := make([]bool, len(t.sentences)+1)
	self := make([]bool, len(t.sentences)+1)
	wrong := false
	for k, mt := range ms {
		s := t.toks[mt.start].sentence
		switch mt.cue {
		case cueRefer:
			refer[s] = true
		case cueSelf:
			self[s] = true
		case cueWrong:
			wrong = true
		}
		if mt.neg == cueWrong && negated(t, ms, k) {
			wrong = true
		}
	}
	for _, c := range cands {
		if refer[c.sentence] && !self[c.sentence] {
			return c.addr
		}
	}
	if wrong {
		for _, c := range cands {
			if !self[c.sentence] {
				return c.addr
			}
		}
	}
	return ""
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
