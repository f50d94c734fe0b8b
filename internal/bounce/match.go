package bounce

import "strings"

// phraseMatcher finds many phrases in one pass over a text: an
// Aho–Corasick automaton compiled to a DFA over byte classes, matching
// ASCII letters case-insensitively. It is built once and never changed,
// so one value may be shared by any number of goroutines.
type phraseMatcher struct {
	class   [256]uint16 // byte → class; 0 is "in no phrase"
	nclass  int
	next    []int32 // next[state*nclass+class]
	outs    []int32 // outs[outAt[s]:outAt[s+1]]: phrase ids ending at state s
	outAt   []int32
	lens    []int // phrase lengths by id
	maxLen  int
	phrases []string
}

// newPhraseMatcher compiles phrases (matched as lower-cased text; the
// id of a phrase is its index).
func newPhraseMatcher(phrases []string) *phraseMatcher {
	m := &phraseMatcher{phrases: phrases, lens: make([]int, len(phrases))}
	m.nclass = 1
	for _, p := range phrases {
		for i := 0; i < len(p); i++ {
			c := lowerByte(p[i])
			if m.class[c] == 0 {
				m.class[c] = uint16(m.nclass)
				m.nclass++
			}
		}
	}
	for c := 'A'; c <= 'Z'; c++ {
		m.class[c] = m.class[c+'a'-'A']
	}
	// The trie, with transitions in a sparse map while building.
	type node struct {
		child map[uint16]int32
		out   []int32
	}
	nodes := []node{{child: map[uint16]int32{}}}
	for id, p := range phrases {
		m.lens[id] = len(p)
		if len(p) > m.maxLen {
			m.maxLen = len(p)
		}
		s := int32(0)
		for i := 0; i < len(p); i++ {
			c := m.class[lowerByte(p[i])]
			n, ok := nodes[s].child[c]
			if !ok {
				n = int32(len(nodes))
				nodes = append(nodes, node{child: map[uint16]int32{}})
				nodes[s].child[c] = n
			}
			s = n
		}
		nodes[s].out = append(nodes[s].out, int32(id))
	}
	// Breadth-first: failure links, the full transition table and
	// outputs merged along failure links.
	m.next = make([]int32, len(nodes)*m.nclass)
	fail := make([]int32, len(nodes))
	queue := make([]int32, 0, len(nodes))
	for c, n := range nodes[0].child {
		m.next[int(c)] = n
		queue = append(queue, n)
	}
	for qi := 0; qi < len(queue); qi++ {
		s := queue[qi]
		f := fail[s]
		nodes[s].out = append(nodes[s].out, nodes[f].out...)
		for c := 0; c < m.nclass; c++ {
			if n, ok := nodes[s].child[uint16(c)]; ok {
				fail[n] = m.next[int(f)*m.nclass+c]
				m.next[int(s)*m.nclass+c] = n
				queue = append(queue, n)
			} else {
				m.next[int(s)*m.nclass+c] = m.next[int(f)*m.nclass+c]
			}
		}
	}
	m.outAt = make([]int32, len(nodes)+1)
	for s := range nodes {
		m.outAt[s] = int32(len(m.outs))
		m.outs = append(m.outs, nodes[s].out...)
	}
	m.outAt[len(nodes)] = int32(len(m.outs))
	return m
}

func lowerByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// foldText returns s ready for matching: as is when it is ASCII (the
// automaton folds ASCII case itself), else lower-cased with Unicode
// rules as the phrases were written.
func foldText(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return strings.ToLower(s)
		}
	}
	return s
}

// each calls fn for every phrase occurrence in s (already folded), with
// the phrase id and the offset just past the occurrence, until fn
// returns false.
func (m *phraseMatcher) each(s string, fn func(id int32, end int) bool) {
	state := int32(0)
	nc := int32(m.nclass)
	for i := 0; i < len(s); i++ {
		state = m.next[state*nc+int32(m.class[s[i]])]
		if lo, hi := m.outAt[state], m.outAt[state+1]; lo < hi {
			for _, id := range m.outs[lo:hi] {
				if !fn(id, i+1) {
					return
				}
			}
		}
	}
}

// contains reports whether any phrase occurs in s.
func (m *phraseMatcher) contains(s string) bool {
	s = foldText(s)
	state := int32(0)
	nc := int32(m.nclass)
	for i := 0; i < len(s); i++ {
		state = m.next[state*nc+int32(m.class[s[i]])]
		if m.outAt[state] < m.outAt[state+1] {
			return true
		}
	}
	return false
}

// index returns the offset in s of the earliest-starting phrase
// occurrence, or -1. s must be ASCII-folded or ASCII (offsets are byte
// offsets in s).
func (m *phraseMatcher) index(s string) int {
	best := -1
	state := int32(0)
	nc := int32(m.nclass)
	for i := 0; i < len(s); i++ {
		if best >= 0 && i-best >= m.maxLen {
			break // nothing ending later can start before best
		}
		state = m.next[state*nc+int32(m.class[s[i]])]
		for _, id := range m.outs[m.outAt[state]:m.outAt[state+1]] {
			if start := i + 1 - m.lens[id]; best < 0 || start < best {
				best = start
			}
		}
	}
	return best
}

// maxReasonPhrases bounds the distinct phrases of textRules, so that
// the set of phrases found fits a fixed bitset on the stack.
const maxReasonPhrases = 64 * 64

// reasonMatcher decides textRules in one pass over a diagnostic.
type reasonMatcher struct {
	rules  []reasonRule
	pm     *phraseMatcher
	ruleOf []int32 // per phrase id: the first rule listing it in any, or -1
	seqs   []seqRule
}

// seqRule is one in-order phrase sequence of a rule.
type seqRule struct {
	rule int32
	ids  []int32
	seq  []string
}

// newReasonMatcher compiles rules; phrases past maxReasonPhrases would
// not fit the bitset and are reported by ok=false.
func newReasonMatcher(rules []reasonRule) (rm *reasonMatcher, ok bool) {
	rm = &reasonMatcher{rules: rules}
	ids := map[string]int32{}
	var phrases []string
	id := func(p string) int32 {
		p = strings.ToLower(p)
		if i, ok := ids[p]; ok {
			return i
		}
		i := int32(len(phrases))
		ids[p] = i
		phrases = append(phrases, p)
		rm.ruleOf = append(rm.ruleOf, -1)
		return i
	}
	for ri, r := range rules {
		for _, p := range r.any {
			if i := id(p); rm.ruleOf[i] < 0 {
				rm.ruleOf[i] = int32(ri)
			}
		}
		for _, seq := range r.all {
			sr := seqRule{rule: int32(ri), seq: seq}
			for _, p := range seq {
				sr.ids = append(sr.ids, id(p))
			}
			rm.seqs = append(rm.seqs, sr)
		}
	}
	rm.pm = newPhraseMatcher(phrases)
	return rm, len(phrases) <= maxReasonPhrases
}

// reason returns the reason of the first rule matching diag, or "".
func (rm *reasonMatcher) reason(diag string) string {
	d := foldText(diag)
	var found [maxReasonPhrases / 64]uint64
	best := int32(len(rm.rules))
	pm := rm.pm
	state := int32(0)
	nc := int32(pm.nclass)
	for i := 0; i < len(d); i++ {
		state = pm.next[state*nc+int32(pm.class[d[i]])]
		lo, hi := pm.outAt[state], pm.outAt[state+1]
		for _, id := range pm.outs[lo:hi] {
			if id < maxReasonPhrases {
				found[id>>6] |= 1 << (id & 63)
			}
			if r := rm.ruleOf[id]; r >= 0 && r < best {
				best = r
			}
		}
	}
	lowered := ""
	for _, sr := range rm.seqs {
		if sr.rule >= best {
			break // seqs are in rule order
		}
		all := true
		for _, id := range sr.ids {
			if id >= maxReasonPhrases || found[id>>6]&(1<<(id&63)) == 0 {
				all = false
				break
			}
		}
		if !all {
			continue
		}
		if lowered == "" {
			lowered = asciiLower(d)
		}
		if containsInOrder(lowered, sr.seq) {
			best = sr.rule
			break
		}
	}
	if best == int32(len(rm.rules)) {
		return ""
	}
	return rm.rules[best].reason
}
