package bounce

import (
	"strings"
	"testing"
)

func TestReasonMatcherFits(t *testing.T) {
	if !reasonsOK {
		t.Fatalf("textRules hold more than %d distinct phrases", maxReasonPhrases)
	}
}

// TestReasonMatcherAgreesWithScan checks the automaton against the
// plain rule-by-rule substring scan it replaces.
func TestReasonMatcherAgreesWithScan(t *testing.T) {
	slow := func(diag string) string {
		d := strings.ToLower(diag)
		for _, r := range textRules {
			for _, p := range r.any {
				if strings.Contains(d, strings.ToLower(p)) {
					return r.reason
				}
			}
			for _, seq := range r.all {
				if containsInOrder(d, seq) {
					return r.reason
				}
			}
		}
		return ""
	}
	inputs := []string{
		"", "550 5.1.1 <a@b.example>: Recipient address rejected: User unknown in local recipient table",
		"552 Mailbox FULL", "Account is over QUOTA", "mailbox kijitora is full", "quota for mailbox exceeded",
		"550 5.7.1 IP address blacklisted by recipient", "Boîte pleine", "BOÎTE PLEINE", "nothing to see here",
		"host mx.example.com refused to talk to me: 554 blocked", "this user doesn't have a yahoo.com account",
	}
	for _, r := range textRules {
		for _, p := range r.any {
			inputs = append(inputs, "x "+strings.ToUpper(p)+" y")
		}
		for _, seq := range r.all {
			inputs = append(inputs, strings.Join(seq, "zz"))
		}
	}
	for _, in := range inputs {
		if got, want := reasons.reason(in), slow(in); got != want {
			t.Errorf("reason(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPhraseMatcherIndex(t *testing.T) {
	m := newPhraseMatcher([]string{"bcd", "abcdef", "zz"})
	tests := []struct {
		in   string
		want int
	}{
		{"", -1}, {"xxABCDEF", 2}, {"xbcd", 1}, {"no", -1}, {"zzabcdef", 0}, {"aBcDe", 1},
	}
	for _, tt := range tests {
		if got := m.index(tt.in); got != tt.want {
			t.Errorf("index(%q) = %d, want %d", tt.in, got, tt.want)
		}
		if got, want := m.contains(tt.in), tt.want >= 0; got != want {
			t.Errorf("contains(%q) = %v, want %v", tt.in, got, want)
		}
	}
}

func TestIndexFold(t *testing.T) {
	tests := []struct {
		s, sub string
		want   int
	}{
		{"Final-Recipient: rfc822; a@b", "final-recipient:", 0}, {"xx MESSAGE-ID: <a>", "message-id:", 3},
		{"abc", "", 0}, {"ab", "abc", -1}, {"aab", "ab", 1},
	}
	for _, tt := range tests {
		if got := indexFold(tt.s, tt.sub); got != tt.want {
			t.Errorf("indexFold(%q, %q) = %d, want %d", tt.s, tt.sub, got, tt.want)
		}
	}
}
