package beacon_test

import (
	"testing"

	"github.com/inboxkit/inboxkit/tracking/beacon"
)

// FuzzSigner_Verify feeds arbitrary tokens and targets to Verify. It must
// never panic, and a token it accepts must be exactly the one Sign makes
// for the same claims: tokens are not malleable.
func FuzzSigner_Verify(f *testing.F) {
	s := testSigner(f)
	for _, kind := range []beacon.TokenKind{beacon.TokenOpen, beacon.TokenClick, beacon.TokenUnsubscribe} {
		target := ""
		if kind == beacon.TokenClick {
			target = "https://example.org/a?b=c"
		}
		c := testClaims(kind)
		tok, err := s.Sign(c, target)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(tok, target, byte(kind))
		f.Add(tok[:len(tok)-1], target, byte(kind))
		f.Add(tok, target+"x", byte(kind))
	}
	f.Add("", "", byte(1))
	f.Add("AQEC", "", byte(1))
	f.Fuzz(func(t *testing.T, tok, target string, kind byte) {
		c, err := s.Verify(tok, beacon.TokenKind(kind), target, tokenNow)
		if err != nil {
			if c != (beacon.Claims{}) && !(c.Kind != 0 && err == beacon.ErrTokenExpired) {
				t.Fatalf("Verify returned claims %+v with %v", c, err)
			}
			return
		}
		again, err := s.Sign(c, target)
		if err != nil {
			t.Fatalf("accepted claims %+v cannot be signed again: %v", c, err)
		}
		if again != tok {
			t.Fatalf("Verify accepted %q, but Sign makes %q for the same claims", tok, again)
		}
	})
}
