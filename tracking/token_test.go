package tracking_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/tracking"
)

func testSigner(t testing.TB) *tracking.Signer {
	t.Helper()
	s, err := tracking.NewSigner("k2", map[string][]byte{
		"k1": bytes.Repeat([]byte{1}, 32),
		"k2": bytes.Repeat([]byte{2}, 64),
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var tokenNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func testClaims(kind tracking.TokenKind) tracking.Claims {
	return tracking.Claims{
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
		kind   tracking.TokenKind
		target string
	}{
		{"open", tracking.TokenOpen, ""},
		{"click", tracking.TokenClick, "https://example.org/a?b=c&d=e#f"},
		{"unsubscribe", tracking.TokenUnsubscribe, ""},
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
	old, err := tracking.NewSigner("k1", map[string][]byte{"k1": bytes.Repeat([]byte{1}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := old.Sign(testClaims(tracking.TokenOpen), "")
	if err != nil {
		t.Fatal(err)
	}
	rotated := testSigner(t) // primary k2, still knows k1
	if _, err := rotated.Verify(tok, tracking.TokenOpen, "", tokenNow); err != nil {
		t.Errorf("token of the old key after rotation: %v", err)
	}
	only2, err := tracking.NewSigner("k2", map[string][]byte{"k2": bytes.Repeat([]byte{2}, 64)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := only2.Verify(tok, tracking.TokenOpen, "", tokenNow); !errors.Is(err, tracking.ErrTokenInvalid) {
		t.Errorf("token of a retired key: err = %v; want ErrTokenInvalid", err)
	}
	// Same ID, other key bytes: a forged key ID does not help.
	forged, err := tracking.NewSigner("k1", map[string][]byte{"k1": bytes.Repeat([]byte{9}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := forged.Verify(tok, tracking.TokenOpen, "", tokenNow); !errors.Is(err, tracking.ErrTokenInvalid) {
		t.Errorf("same key ID, other key: err = %v; want ErrTokenInvalid", err)
	}
}

func TestSigner_badTokens(t *testing.T) {
	s := testSigner(t)
	const target = "https://example.org/offer"
	click, err := s.Sign(testClaims(tracking.TokenClick), target)
	if err != nil {
		t.Fatal(err)
	}
	open, err := s.Sign(testClaims(tracking.TokenOpen), "")
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
		kind                tracking.TokenKind
	}{
		{"empty", "", target, tracking.TokenClick},
		{"truncated by one char", click[:len(click)-1], target, tracking.TokenClick},
		{"truncated by four chars", click[:len(click)-4], target, tracking.TokenClick},
		{"truncated to the key ID", click[:8], target, tracking.TokenClick},
		{"extra char", click + "A", target, tracking.TokenClick},
		{"not base64", strings.Replace(click, click[5:6], "*", 1), target, tracking.TokenClick},
		{"padding", click + "==", target, tracking.TokenClick},
		{"tampered version", flip(0), target, tracking.TokenClick},
		{"tampered kind", flip(1), target, tracking.TokenClick},
		{"tampered key ID", flip(3), target, tracking.TokenClick},
		{"tampered expiry", flip(5), target, tracking.TokenClick},
		{"tampered message ID", flip(10), target, tracking.TokenClick},
		{"tampered tag", flip(len(raw) - 1), target, tracking.TokenClick},
		{"replayed for another URL", click, "https://evil.example/offer", tracking.TokenClick},
		{"replayed for a longer URL", click, target + "/x", tracking.TokenClick},
		{"click without URL", click, "", tracking.TokenClick},
		{"click token as open", click, "", tracking.TokenOpen},
		{"open token as click", open, target, tracking.TokenClick},
		{"open token as unsubscribe", open, "", tracking.TokenUnsubscribe},
		{"open with a target", open, target, tracking.TokenOpen},
		{"too long", strings.Repeat("A", tracking.MaxTokenLen+4), "", tracking.TokenOpen},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := s.Verify(tc.token, tc.kind, tc.target, tokenNow)
			if !errors.Is(err, tracking.ErrTokenInvalid) {
				t.Errorf("Verify = %+v, %v; want ErrTokenInvalid", c, err)
			}
			if c != (tracking.Claims{}) {
				t.Errorf("Verify returned claims %+v with an invalid token", c)
			}
		})
	}
}

func TestSigner_expired(t *testing.T) {
	s := testSigner(t)
	c := testClaims(tracking.TokenOpen)
	tok, err := s.Sign(c, "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Verify(tok, tracking.TokenOpen, "", c.Expires)
	if !errors.Is(err, tracking.ErrTokenExpired) {
		t.Fatalf("at expiry: err = %v; want ErrTokenExpired", err)
	}
	if got.MessageID != c.MessageID {
		t.Errorf("expired claims MessageID = %q; want %q", got.MessageID, c.MessageID)
	}
	if _, err := s.Verify(tok, tracking.TokenOpen, "", c.Expires.Add(-time.Second)); err != nil {
		t.Errorf("a second before expiry: %v", err)
	}
	c.Expires = time.Time{}
	never, err := s.Sign(c, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Verify(never, tracking.TokenOpen, "", tokenNow.AddDate(100, 0, 0)); err != nil {
		t.Errorf("token without expiry, a century later: %v", err)
	}
}

func TestSigner_signErrors(t *testing.T) {
	s := testSigner(t)
	long := strings.Repeat("x", 300)
	for _, tc := range []struct {
		name   string
		edit   func(*tracking.Claims)
		target string
	}{
		{"unknown kind", func(c *tracking.Claims) { c.Kind = 9 }, ""},
		{"click without target", func(c *tracking.Claims) { c.Kind = tracking.TokenClick }, ""},
		{"open with target", func(c *tracking.Claims) {}, "https://example.org/"},
		{"no message ID", func(c *tracking.Claims) { c.MessageID = "" }, ""},
		{"long message ID", func(c *tracking.Claims) { c.MessageID = long }, ""},
		{"long recipient", func(c *tracking.Claims) { c.Recipient = long }, ""},
		{"long campaign", func(c *tracking.Claims) { c.Campaign = long }, ""},
		{"non-UTF-8 campaign", func(c *tracking.Claims) { c.Campaign = "\xff" }, ""},
		{"long target", func(c *tracking.Claims) { c.Kind = tracking.TokenClick }, "https://example.org/" + strings.Repeat("a", tracking.MaxTargetLen)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := testClaims(tracking.TokenOpen)
			tc.edit(&c)
			if tok, err := s.Sign(c, tc.target); err == nil || !strings.HasPrefix(err.Error(), "tracking: ") {
				t.Errorf("Sign = %q, %v; want a tracking: error", tok, err)
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
			if _, err := tracking.NewSigner(tc.primary, tc.keys); err == nil {
				t.Error("NewSigner: no error")
			}
		})
	}
}

func TestSigner_keyNotInError(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	_, err := tracking.NewSigner("zz", map[string][]byte{"a": key})
	if err == nil || strings.Contains(err.Error(), string(key)) {
		t.Errorf("err = %v; want an error without key bytes", err)
	}
}
