package automail_test

import (
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/internal/automail"
)

// TestMayBeAutomatic_coversTheClassifierLists: #12 item 5. The download
// pre-filter accepts every subject the classifier's lists accept, so the
// two cannot drift apart again.
func TestMayBeAutomatic_coversTheClassifierLists(t *testing.T) {
	for _, p := range automail.AutoReplySubjects() {
		for _, s := range []string{p, p + " Ihre Nachricht", "Automatic reply: " + p} {
			if automail.IsAutoReplySubject(s) && !automail.MayBeAutomatic(s) {
				t.Errorf("MayBeAutomatic(%q) = false; IsAutoReplySubject says true", s)
			}
		}
	}
	for _, p := range automail.BounceSubjects() {
		if !automail.IsBounceSubject("Mail: "+p) || !automail.MayBeAutomatic("Mail: "+p) {
			t.Errorf("bounce subject %q is not accepted", p)
		}
	}
}

func TestNormalizeSubject(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Re: Hello", "hello"},
		{"RE: AW: SV: Fwd:  Hello   World", "hello world"},
		{"Re[2]: [EXT] Hello", "hello"},
		{"回复：Hello", "hello"},
		{"Hello: world", "hello: world"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := automail.NormalizeSubject(tc.in); got != tc.want {
			t.Errorf("NormalizeSubject(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzSubjects(f *testing.F) {
	f.Add("Re: Automatic reply: hello")
	f.Add("[[[[:::")
	f.Fuzz(func(t *testing.T, s string) {
		if automail.IsAutoReplySubject(s) && !automail.MayBeAutomatic(s) {
			t.Fatalf("MayBeAutomatic(%q) is false where IsAutoReplySubject is true", s)
		}
		if n := automail.NormalizeSubject(s); n != strings.TrimSpace(n) || strings.Contains(n, "  ") {
			t.Fatalf("NormalizeSubject(%q) = %q; want folded white space", s, n)
		}
	})
}
