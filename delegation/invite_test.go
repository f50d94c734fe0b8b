package delegation_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/delegation"
	"github.com/inboxkit/inboxkit/provider"
)

func inviteKey(b byte) []byte { return bytes.Repeat([]byte{b}, delegation.MinInviteKeyLen) }

func newInviter(t testing.TB, c *clock) (*delegation.Inviter, *delegation.MemoryRedeemed) {
	t.Helper()
	used := &delegation.MemoryRedeemed{Clock: c.Now}
	iv, err := delegation.NewInviter(inviteKey(7), used, &delegation.Options{Clock: c.Now, InviteTTL: 48 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return iv, used
}

func TestInviter_RoundTrip(t *testing.T) {
	ctx := context.Background()
	c := newClock()
	iv, _ := newInviter(t, c)
	token, inv, err := iv.Invite(" Max@Example.com ", "rita", "team-7")
	if err != nil {
		t.Fatal(err)
	}
	if inv.Email != "Max@Example.com" || inv.InvitedBy != "rita" || inv.Note != "team-7" || inv.ExpiresAt.Sub(inv.IssuedAt) != 48*time.Hour {
		t.Errorf("Invitation = %+v", inv)
	}
	if strings.ContainsAny(token, "+/=?&# ") {
		t.Errorf("token %q is not URL-safe", token)
	}
	seen, err := iv.Verify(token)
	if err != nil || seen.ID != inv.ID {
		t.Errorf("Verify = %+v, %v; want the invitation", seen, err)
	}
	got, err := iv.Redeem(ctx, token, provider.Account{Email: "max@example.COM"})
	if err != nil {
		t.Fatalf("Redeem = %v", err)
	}
	if got.ID != inv.ID || got.InvitedBy != "rita" || !got.ExpiresAt.Equal(inv.ExpiresAt) {
		t.Errorf("Redeem = %+v; want %+v", got, inv)
	}
}

func TestInviter_RedeemErrors(t *testing.T) {
	ctx := context.Background()
	max := provider.Account{Email: "max@example.com"}
	tests := []struct {
		name string
		// do gets a fresh inviter, its clock and a valid token for max.
		do      func(iv *delegation.Inviter, c *clock, token string) error
		wantErr error
	}{
		{
			name: "twice",
			do: func(iv *delegation.Inviter, _ *clock, token string) error {
				if _, err := iv.Redeem(ctx, token, max); err != nil {
					return err
				}
				_, err := iv.Redeem(ctx, token, max)
				return err
			},
			wantErr: delegation.ErrInviteUsed,
		},
		{
			name: "after expiry",
			do: func(iv *delegation.Inviter, c *clock, token string) error {
				c.Advance(48 * time.Hour)
				_, err := iv.Redeem(ctx, token, max)
				return err
			},
			wantErr: delegation.ErrInviteExpired,
		},
		{
			name: "mailbox of another address",
			do: func(iv *delegation.Inviter, _ *clock, token string) error {
				_, err := iv.Redeem(ctx, token, provider.Account{Email: "rita@example.com"})
				return err
			},
			wantErr: provider.ErrAccountMismatch,
		},
		{
			name: "alias of the invited address does not count",
			do: func(iv *delegation.Inviter, _ *clock, token string) error {
				_, err := iv.Redeem(ctx, token, provider.Account{Email: "other@example.com", Aliases: []string{"max@example.com"}})
				return err
			},
			wantErr: provider.ErrAccountMismatch,
		},
		{
			name: "payload tampered",
			do: func(iv *delegation.Inviter, _ *clock, token string) error {
				parts := strings.Split(token, ".")
				payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
				payload = bytes.Replace(payload, []byte("max@example.com"), []byte("eve@example.com"), 1)
				parts[1] = base64.RawURLEncoding.EncodeToString(payload)
				_, err := iv.Redeem(ctx, strings.Join(parts, "."), provider.Account{Email: "eve@example.com"})
				return err
			},
			wantErr: delegation.ErrInviteInvalid,
		},
		{
			name: "signature tampered",
			do: func(iv *delegation.Inviter, _ *clock, token string) error {
				b := []byte(token)
				if b[len(b)-2] == 'A' {
					b[len(b)-2] = 'B'
				} else {
					b[len(b)-2] = 'A'
				}
				_, err := iv.Redeem(ctx, string(b), max)
				return err
			},
			wantErr: delegation.ErrInviteInvalid,
		},
		{
			name: "signed with another key",
			do: func(_ *delegation.Inviter, c *clock, token string) error {
				other, _ := delegation.NewInviter(inviteKey(8), &delegation.MemoryRedeemed{}, &delegation.Options{Clock: c.Now})
				_, err := other.Redeem(ctx, token, max)
				return err
			},
			wantErr: delegation.ErrInviteInvalid,
		},
		{
			name: "signature dropped",
			do: func(iv *delegation.Inviter, _ *clock, token string) error {
				_, err := iv.Redeem(ctx, token[:strings.LastIndexByte(token, '.')], max)
				return err
			},
			wantErr: delegation.ErrInviteInvalid,
		},
		{
			name: "other format prefix",
			do: func(iv *delegation.Inviter, _ *clock, token string) error {
				_, err := iv.Redeem(ctx, "ikinv2"+strings.TrimPrefix(token, "ikinv1"), max)
				return err
			},
			wantErr: delegation.ErrInviteInvalid,
		},
		{
			name: "garbage",
			do: func(iv *delegation.Inviter, _ *clock, _ string) error {
				_, err := iv.Redeem(ctx, "not a token", max)
				return err
			},
			wantErr: delegation.ErrInviteInvalid,
		},
		{
			name: "empty",
			do: func(iv *delegation.Inviter, _ *clock, _ string) error {
				_, err := iv.Redeem(ctx, "", max)
				return err
			},
			wantErr: delegation.ErrInviteInvalid,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newClock()
			iv, _ := newInviter(t, c)
			token, _, err := iv.Invite("max@example.com", "rita", "")
			if err != nil {
				t.Fatal(err)
			}
			err = tc.do(iv, c, token)
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("error = %v; want %v", err, tc.wantErr)
			}
		})
	}
}

func TestInviter_InviteInvalidMatchesErrInvalid(t *testing.T) {
	iv, _ := newInviter(t, newClock())
	_, err := iv.Verify("ikinv1.e30.AAAA")
	if !errors.Is(err, delegation.ErrInviteInvalid) || !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("Verify(forged) = %v; want ErrInviteInvalid matching provider.ErrInvalid", err)
	}
}

func TestInviter_MismatchLeavesTokenUnused(t *testing.T) {
	ctx := context.Background()
	iv, _ := newInviter(t, newClock())
	token, _, _ := iv.Invite("max@example.com", "rita", "")
	if _, err := iv.Redeem(ctx, token, provider.Account{Email: "wrong@example.com"}); !errors.Is(err, provider.ErrAccountMismatch) {
		t.Fatalf("Redeem(wrong mailbox) = %v; want ErrAccountMismatch", err)
	}
	if _, err := iv.Redeem(ctx, token, provider.Account{Email: "max@example.com"}); err != nil {
		t.Errorf("Redeem(right mailbox) after a mismatch = %v; want nil", err)
	}
}

func TestInviter_ConcurrentRedeemOnce(t *testing.T) {
	ctx := context.Background()
	iv, _ := newInviter(t, newClock())
	token, _, _ := iv.Invite("max@example.com", "rita", "")
	const n = 16
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = iv.Redeem(ctx, token, provider.Account{Email: "max@example.com"})
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, delegation.ErrInviteUsed):
			t.Errorf("losing Redeem = %v; want ErrInviteUsed", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d concurrent redeems succeeded; want 1", ok)
	}
}

func TestInviter_InvalidInput(t *testing.T) {
	if _, err := delegation.NewInviter(make([]byte, 31), &delegation.MemoryRedeemed{}, nil); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("NewInviter(31-byte key) = %v; want ErrInvalid", err)
	}
	if _, err := delegation.NewInviter(inviteKey(1), nil, nil); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("NewInviter(nil store) = %v; want ErrInvalid", err)
	}
	iv, err := delegation.NewInviter(inviteKey(1), &delegation.MemoryRedeemed{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := iv.Invite("not an address", "rita", ""); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("Invite(bad address) = %v; want ErrInvalid", err)
	}
	if _, _, err := iv.Invite("max@example.com\r\nBcc: x@y", "rita", ""); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("Invite(header injection) = %v; want ErrInvalid", err)
	}
	if _, _, err := iv.Invite("max@example.com", "", ""); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("Invite(no inviter) = %v; want ErrInvalid", err)
	}
	// The default lifetime applies with nil Options.
	_, inv, err := iv.Invite("max@example.com", "rita", "")
	if err != nil || inv.ExpiresAt.Sub(inv.IssuedAt) != delegation.DefaultInviteTTL {
		t.Errorf("default TTL = %v, %v; want %v", inv.ExpiresAt.Sub(inv.IssuedAt), err, delegation.DefaultInviteTTL)
	}
}

func TestInviter_KeyIsCopied(t *testing.T) {
	key := inviteKey(3)
	c := newClock()
	iv, _ := delegation.NewInviter(key, &delegation.MemoryRedeemed{}, &delegation.Options{Clock: c.Now})
	token, _, _ := iv.Invite("max@example.com", "rita", "")
	key[0] ^= 0xff
	if _, err := iv.Verify(token); err != nil {
		t.Errorf("Verify after the caller changed its key slice = %v; want nil", err)
	}
}

func TestMemoryRedeemed_ForgetsExpired(t *testing.T) {
	ctx := context.Background()
	c := newClock()
	s := &delegation.MemoryRedeemed{Clock: c.Now}
	start := c.Now()
	_ = s.MarkRedeemed(ctx, "a", start.Add(time.Hour))
	_ = s.MarkRedeemed(ctx, "b", start.Add(3*time.Hour))
	if err := s.MarkRedeemed(ctx, "a", start.Add(time.Hour)); !errors.Is(err, delegation.ErrInviteUsed) {
		t.Errorf("MarkRedeemed(a) again = %v; want ErrInviteUsed", err)
	}
	c.Advance(2 * time.Hour)
	_ = s.MarkRedeemed(ctx, "c", start.Add(5*time.Hour))
	if got := s.Len(); got != 2 {
		t.Errorf("Len after a expired = %d; want 2 (b, c)", got)
	}
}

// FuzzInviter_Verify feeds arbitrary tokens: none may panic, and none but
// the genuine one verifies.
func FuzzInviter_Verify(f *testing.F) {
	// Deterministic, so every fuzz worker process issues the same token.
	c := newClock()
	iv, err := delegation.NewInviter(inviteKey(7), &delegation.MemoryRedeemed{}, &delegation.Options{
		Clock: c.Now, InviteTTL: 1 << 62, NewID: func() string { return "inv-1" },
	})
	if err != nil {
		f.Fatal(err)
	}
	genuine, _, err := iv.Invite("max@example.com", "rita", "note")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(genuine)
	f.Add("ikinv1.e30.")
	f.Add("ikinv1..")
	f.Add("....")
	f.Add(genuine + "A")
	f.Fuzz(func(t *testing.T, token string) {
		inv, err := iv.Verify(token)
		if err != nil {
			if !errors.Is(err, delegation.ErrInviteInvalid) && !errors.Is(err, delegation.ErrInviteExpired) {
				t.Fatalf("Verify(%q) = %v; want ErrInviteInvalid or ErrInviteExpired", token, err)
			}
			return
		}
		if strings.TrimSpace(token) != genuine || inv.Email != "max@example.com" {
			t.Fatalf("Verify(%q) accepted a token that was never issued: %+v", token, inv)
		}
	})
}

// TestInviter_SignedButMalformed signs bad payloads with the right key, as
// a leaked key or a bug in an older issuer could: each is still refused.
func TestInviter_SignedButMalformed(t *testing.T) {
	iv, _ := newInviter(t, newClock())
	sign := func(payload string) string {
		signed := "ikinv1." + payload
		h := hmac.New(sha256.New, inviteKey(7))
		h.Write([]byte(signed))
		return signed + "." + base64.RawURLEncoding.EncodeToString(h.Sum(nil))
	}
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for name, token := range map[string]string{
		"payload not base64": sign("!!!"),
		"payload not JSON":   sign(enc("not json")),
		"no ID":              sign(enc(`{"email":"max@example.com","exp":"2030-01-01T00:00:00Z"}`)),
		"no email":           sign(enc(`{"id":"x","exp":"2030-01-01T00:00:00Z"}`)),
		"no expiry":          sign(enc(`{"id":"x","email":"max@example.com"}`)),
	} {
		if _, err := iv.Verify(token); !errors.Is(err, delegation.ErrInviteInvalid) {
			t.Errorf("Verify(%s) = %v; want ErrInviteInvalid", name, err)
		}
	}
	if inv, err := iv.Verify(sign(enc(`{"id":"x","email":"max@example.com","exp":"2030-01-01T00:00:00Z"}`))); err != nil || inv.ID != "x" {
		t.Errorf("Verify(well-formed, signed) = %+v, %v; want accepted (the control case)", inv, err)
	}
}
