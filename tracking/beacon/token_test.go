package beacon_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/tracking/beacon"
)

func testSigner(t testing.TB) *beacon.Signer {
	t.Helper()
	s, err := beacon.NewSigner("k2", map[string][]byte{
		"k1": bytes.Repeat([]byte{1}, 32),
		"k2": bytes.Repeat([]byte{2}, 64),
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var tokenNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func testClaims(kind beacon.TokenKind) beacon.Claims {
	return beacon.Claims{
		Kind:      kind,
		MessageID: "m1@example.com",
		Account:   "me@example.com",
		Recipient: "ann@example.org",
		Campaign:  "spring",
		Expires:   tokenNow.Add(time.Hour),
	}
}

func TestSigner_roundTrip(t *testing.T) {
	s := testSigner(t)
	for _, tc := range []struct {
		name   string
		kind   beacon.TokenKind
		target string
	}{
		{"open", beacon.TokenOpen, ""},
		{"click", beacon.TokenClick, "https://example.org/a?b=c&d=e#f"},
		{"unsubscribe", beacon.TokenUnsubscribe, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := testClaims(tc.kind)
			tok, err := s.Sign(want, tc.target)
			if err != nil {
				t.Fatal(err)
			}
			if strings.ContainsAny(tok, "+/=?&#%") {
				t.Errorf("token %q is not URL-safe", tok)
			}
			got, err := s.Verify(tok, tc.kind, tc.target, tokenNow)
			if err != nil {
				t.Fatalf("Verify = %v", err)
			}
			if got != want {
				t.Errorf("Verify = %+v; want %+v", got, want)
			}
		})
	}
}

func TestSigner_rotation(t *testing.T) {
	old, err := beacon.NewSigner("k1", map[string][]byte{"k1": bytes.Repeat([]byte{1}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := old.Sign(testClaims(beacon.TokenOpen), "")
	if err != nil {
		t.Fatal(err)
	}
	rotated := testSigner(t) // primary k2, still knows k1
	if _, err := rotated.Verify(tok, beacon.TokenOpen, "", tokenNow); err != nil {
		t.Errorf("token of the old key after rotation: %v", err)
	}
	only2, err := beacon.NewSigner("k2", map[string][]byte{"k2": bytes.Repeat([]byte{2}, 64)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := only2.Verify(tok, beacon.TokenOpen, "", tokenNow); !errors.Is(err, beacon.ErrTokenInvalid) {
		t.Errorf("token of a retired key: err = %v; want ErrTokenInvalid", err)
	}
	// Same ID, other key bytes: a forged key ID does not help.
	forged, err := beacon.NewSigner("k1", map[string][]byte{"k1": bytes.Repeat([]byte{9}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := forged.Verify(tok, beacon.TokenOpen, "", tokenNow); !errors.Is(err, beacon.ErrTokenInvalid) {
		t.Errorf("same key ID, other key: err = %v; want ErrTokenInvalid", err)
	}
}

func TestSigner_badTokens(t *testing.T) {
	s := testSigner(t)
	const target = "https://example.org/offer"
	click, err := s.Sign(testClaims(beacon.TokenClick), target)
	if err != nil {
		t.Fatal(err)
	}
	open, err := s.Sign(testClaims(beacon.TokenOpen), "")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.RawURLEncoding.DecodeString(click)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) string {
		b := append([]byte(nil), raw...)
		b[i] ^= 0x01
		return base64.RawURLEncoding.EncodeToString(b)
	}
	for _, tc := range []struct {
		name, token, target string
		kind                beacon.TokenKind
	}{
		{"empty", "", target, beacon.TokenClick},
		{"truncated by one char", click[:len(click)-1], target, beacon.TokenClick},
		{"truncated by four chars", click[:len(click)-4], target, beacon.TokenClick},
		{"truncated to the key ID", click[:8], target, beacon.TokenClick},
		{"extra char", click + "A", target, beacon.TokenClick},
		{"not base64", strings.Replace(click, click[5:6], "*", 1), target, beacon.TokenClick},
		{"padding", click + "==", target, beacon.TokenClick},
		{"tampered version", flip(0), target, beacon.TokenClick},
		{"tampered kind", flip(1), target, beacon.TokenClick},
		{"tampered key ID", flip(3), target, beacon.TokenClick},
		{"tampered expiry", flip(5), target, beacon.TokenClick},
		{"tampered message ID", flip(10), target, beacon.TokenClick},
		{"tampered tag", flip(len(raw) - 1), target, beacon.TokenClick},
		{"replayed for another URL", click, "https://evil.example/offer", beacon.TokenClick},
		{"replayed for a longer URL", click, target + "/x", beacon.TokenClick},
		{"click without URL", click, "", beacon.TokenClick},
		{"click token as open", click, "", beacon.TokenOpen},
		{"open token as click", open, target, beacon.TokenClick},
		{"open token as unsubscribe", open, "", beacon.TokenUnsubscribe},
		{"open with a target", open, target, beacon.TokenOpen},
		{"too long", strings.Repeat("A", beacon.MaxTokenLen+4), "", beacon.TokenOpen},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := s.Verify(tc.token, tc.kind, tc.target, tokenNow)
			if !errors.Is(err, beacon.ErrTokenInvalid) {
				t.Errorf("Verify = %+v, %v; want ErrTokenInvalid", c, err)
			}
			if c != (beacon.Claims{}) {
				t.Errorf("Verify returned claims %+v with an invalid token", c)
			}
		})
	}
}

func TestSigner_expired(t *testing.T) {
	s := testSigner(t)
	c := testClaims(beacon.TokenOpen)
	tok, err := s.Sign(c, "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Verify(tok, beacon.TokenOpen, "", c.Expires)
	if !errors.Is(err, beacon.ErrTokenExpired) {
		t.Fatalf("at expiry: err = %v; want ErrTokenExpired", err)
	}
	if got.MessageID != c.MessageID {
		t.Errorf("expired claims MessageID = %q; want %q", got.MessageID, c.MessageID)
	}
	if _, err := s.Verify(tok, beacon.TokenOpen, "", c.Expires.Add(-time.Second)); err != nil {
		t.Errorf("a second before expiry: %v", err)
	}
	c.Expires = time.Time{}
	never, err := s.Sign(c, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Verify(never, beacon.TokenOpen, "", tokenNow.AddDate(100, 0, 0)); err != nil {
		t.Errorf("token without expiry, a century later: %v", err)
	}
}

func TestSigner_signErrors(t *testing.T) {
	s := testSigner(t)
	long := strings.Repeat("x", 300)
	for _, tc := range []struct {
		name   string
		edit   func(*beacon.Claims)
		target string
	}{
		{"unknown kind", func(c *beacon.Claims) { c.Kind = 9 }, ""},
		{"click without target", func(c *beacon.Claims) { c.Kind = beacon.TokenClick }, ""},
		{"open with target", func(c *beacon.Claims) {}, "https://example.org/"},
		{"no message ID", func(c *beacon.Claims) { c.MessageID = "" }, ""},
		{"long message ID", func(c *beacon.Claims) { c.MessageID = long }, ""},
		{"long recipient", func(c *beacon.Claims) { c.Recipient = long }, ""},
		{"long campaign", func(c *beacon.Claims) { c.Campaign = long }, ""},
		{"non-UTF-8 campaign", func(c *beacon.Claims) { c.Campaign = "\xff" }, ""},
		{"long target", func(c *beacon.Claims) { c.Kind = beacon.TokenClick }, "https://example.org/" + strings.Repeat("a", beacon.MaxTargetLen)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := testClaims(beacon.TokenOpen)
			tc.edit(&c)
			if tok, err := s.Sign(c, tc.target); err == nil || !strings.HasPrefix(err.Error(), "beacon: ") {
				t.Errorf("Sign = %q, %v; want a beacon: error", tok, err)
			}
		})
	}
}

func TestNewSigner_errors(t *testing.T) {
	key := bytes.Repeat([]byte{1}, 32)
	for _, tc := range []struct {
		name    string
		primary string
		keys    map[string][]byte
	}{
		{"no keys", "a", nil},
		{"primary missing", "b", map[string][]byte{"a": key}},
		{"short key", "a", map[string][]byte{"a": key[:31]}},
		{"bad key ID", "a b", map[string][]byte{"a b": key}},
		{"long key ID", strings.Repeat("a", 33), map[string][]byte{strings.Repeat("a", 33): key}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := beacon.NewSigner(tc.primary, tc.keys); err == nil {
				t.Error("NewSigner: no error")
			}
		})
	}
}

func TestSigner_keyNotInError(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	_, err := beacon.NewSigner("zz", map[string][]byte{"a": key})
	if err == nil || strings.Contains(err.Error(), string(key)) {
		t.Errorf("err = %v; want an error without key bytes", err)
	}
}
