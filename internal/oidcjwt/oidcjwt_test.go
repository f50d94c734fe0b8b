package oidcjwt_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/internal/oidcjwt"
	"github.com/inboxkit/inboxkit/internal/oidcjwt/oidcjwttest"
)

const (
	audience = "https://app.example/gmail/push"
	account  = "push@project.iam.gserviceaccount.com"
)

var keys oidcjwttest.Keys

// jwksServer publishes the keys in *set with Cache-Control max-age=600,
// counting requests.
type jwksServer struct {
	*httptest.Server
	mu    sync.Mutex
	set   []map[string]string
	calls atomic.Int32
}

func newJWKS(t *testing.T, keys ...map[string]string) *jwksServer {
	s := &jwksServer{set: keys}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.calls.Add(1)
		s.mu.Lock()
		body, _ := json.Marshal(map[string]any{"keys": s.set})
		s.mu.Unlock()
		w.Header().Set("Cache-Control", "public, max-age=600, must-revalidate, no-transform")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) publish(keys ...map[string]string) {
	s.mu.Lock()
	s.set = keys
	s.mu.Unlock()
}

type clock struct{ t atomic.Int64 }

func (c *clock) now() time.Time          { return time.Unix(c.t.Load(), 0) }
func (c *clock) advance(d time.Duration) { c.t.Add(int64(d / time.Second)) }

func goodClaims(now time.Time) map[string]any {
	return map[string]any{
		"iss": "https://accounts.google.com", "aud": audience, "sub": "1234567890",
		"email": account, "email_verified": true,
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	}
}

func setup(t *testing.T) (*oidcjwt.Verifier, *jwksServer, *clock) {
	a, _ := keys.Get(t)
	srv := newJWKS(t, oidcjwttest.JWK("a", &a.PublicKey))
	clk := &clock{}
	clk.t.Store(time.Date(2026, 12, 6, 2, 0, 0, 0, time.UTC).Unix())
	keys := &oidcjwt.Keys{URL: srv.URL, Client: srv.Client(), Now: clk.now}
	v := &oidcjwt.Verifier{Keys: keys, Issuers: oidcjwt.GoogleIssuers(), Audience: audience, Email: account, Now: clk.now}
	return v, srv, clk
}

// #12 item 10: a token Google would send passes; every forgery or misfit
// is rejected with ErrInvalid (or ErrMalformed).
func TestItem10_verify(t *testing.T) {
	v, _, clk := setup(t)
	a, b := keys.Get(t)
	now := clk.now()
	with := func(k string, val any) map[string]any {
		c := goodClaims(now)
		if val == nil {
			delete(c, k)
		} else {
			c[k] = val
		}
		return c
	}
	good := oidcjwttest.Sign(t, a, "a", goodClaims(now))
	for _, tc := range []struct {
		name  string
		token string
		want  error // nil: accepted
	}{
		{"good", good, nil},
		{"issuer without scheme", oidcjwttest.Sign(t, a, "a", with("iss", "accounts.google.com")), nil},
		{"audience in an array", oidcjwttest.Sign(t, a, "a", with("aud", []string{"other", audience})), nil},
		{"email_verified as a string", oidcjwttest.Sign(t, a, "a", with("email_verified", "true")), nil},
		{"expired within the skew", oidcjwttest.Sign(t, a, "a", with("exp", now.Add(-30*time.Second).Unix())), nil},
		{"expired", oidcjwttest.Sign(t, a, "a", with("exp", now.Add(-2*time.Minute).Unix())), oidcjwt.ErrInvalid},
		{"no exp", oidcjwttest.Sign(t, a, "a", with("exp", nil)), oidcjwt.ErrInvalid},
		{"not yet valid", oidcjwttest.Sign(t, a, "a", with("nbf", now.Add(10*time.Minute).Unix())), oidcjwt.ErrInvalid},
		{"issued in the future", oidcjwttest.Sign(t, a, "a", with("iat", now.Add(10*time.Minute).Unix())), oidcjwt.ErrInvalid},
		{"other issuer", oidcjwttest.Sign(t, a, "a", with("iss", "https://evil.example")), oidcjwt.ErrInvalid},
		{"other audience", oidcjwttest.Sign(t, a, "a", with("aud", "https://evil.example/push")), oidcjwt.ErrInvalid},
		{"other service account", oidcjwttest.Sign(t, a, "a", with("email", "attacker@evil.iam.gserviceaccount.com")), oidcjwt.ErrInvalid},
		{"email not verified", oidcjwttest.Sign(t, a, "a", with("email_verified", false)), oidcjwt.ErrInvalid},
		{"signed with another key", oidcjwttest.Sign(t, b, "a", goodClaims(now)), oidcjwt.ErrInvalid},
		{"unknown key id", oidcjwttest.Sign(t, b, "b", goodClaims(now)), oidcjwt.ErrInvalid},
		{"payload swapped", swapPayload(good, oidcjwttest.Sign(t, a, "a", with("email", "x@y.z"))), oidcjwt.ErrInvalid},
		{"alg none", unsigned("none", goodClaims(now)), oidcjwt.ErrInvalid},
		{"alg HS256", unsigned("HS256", goodClaims(now)), oidcjwt.ErrInvalid},
		{"two parts", "a.b", oidcjwt.ErrMalformed},
		{"padded base64", good + "=", oidcjwt.ErrMalformed},
		{"empty", "", oidcjwt.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			claims, err := v.Verify(context.Background(), tc.token)
			if tc.want == nil {
				if err != nil || claims.Email != account {
					t.Fatalf("Verify = %+v, %v; want the claims", claims, err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("Verify = %+v, %v; want %v", claims, err, tc.want)
			}
		})
	}
}

func swapPayload(a, b string) string {
	pa := splitToken(a)
	pb := splitToken(b)
	return pa[0] + "." + pb[1] + "." + pa[2]
}

func splitToken(s string) [3]string {
	var out [3]string
	i := 0
	for j := range s {
		if s[j] == '.' {
			i++
			continue
		}
		out[i] += string(s[j])
	}
	return out
}

func unsigned(alg string, claims map[string]any) string {
	h, _ := json.Marshal(map[string]string{"alg": alg, "kid": "a"})
	c, _ := json.Marshal(claims)
	return oidcjwttest.B64(h) + "." + oidcjwttest.B64(c) + "." + oidcjwttest.B64([]byte("signature"))
}

// #12 item 10: the key set is fetched once and reused for its max-age,
// fetched again when it is stale, and when a token names a new key (a
// rotation), but not more than once a minute for made-up key ids.
func TestItem10_keyCaching(t *testing.T) {
	v, srv, clk := setup(t)
	a, b := keys.Get(t)
	for range 3 {
		if _, err := v.Verify(context.Background(), oidcjwttest.Sign(t, a, "a", goodClaims(clk.now()))); err != nil {
			t.Fatal(err)
		}
	}
	if got := srv.calls.Load(); got != 1 {
		t.Fatalf("%d key set fetches for 3 tokens; want 1", got)
	}
	// Google rotates: a token signed with the new key "b" fetches again.
	srv.publish(oidcjwttest.JWK("a", &a.PublicKey), oidcjwttest.JWK("b", &b.PublicKey))
	clk.advance(2 * time.Minute)
	if _, err := v.Verify(context.Background(), oidcjwttest.Sign(t, b, "b", goodClaims(clk.now()))); err != nil {
		t.Fatalf("token signed with the rotated-in key: %v", err)
	}
	if got := srv.calls.Load(); got != 2 {
		t.Fatalf("%d fetches after a rotation; want 2", got)
	}
	// Made-up key ids fetch again at most once a minute.
	clk.advance(2 * time.Minute)
	for range 5 {
		if _, err := v.Verify(context.Background(), oidcjwttest.Sign(t, b, "forged", goodClaims(clk.now()))); !errors.Is(err, oidcjwt.ErrInvalid) {
			t.Fatalf("unknown kid = %v; want ErrInvalid", err)
		}
	}
	if got := srv.calls.Load(); got != 3 {
		t.Errorf("%d fetches after 5 tokens with an unknown kid; want 3 (one refresh)", got)
	}
	// Past max-age (600s) the set is fetched again.
	clk.advance(11 * time.Minute)
	if _, err := v.Verify(context.Background(), oidcjwttest.Sign(t, a, "a", goodClaims(clk.now()))); err != nil {
		t.Fatal(err)
	}
	if got := srv.calls.Load(); got != 4 {
		t.Errorf("%d fetches after max-age ran out; want 4", got)
	}
}

// A key set that cannot be fetched fails the verification (never passes
// it) with an error that is not ErrInvalid, so a host can answer 5xx and
// let Pub/Sub redeliver.
func TestItem10_keySetUnavailable(t *testing.T) {
	a, _ := keys.Get(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	v := &oidcjwt.Verifier{Keys: &oidcjwt.Keys{URL: srv.URL, Client: srv.Client()}, Issuers: oidcjwt.GoogleIssuers(), Audience: audience}
	_, err := v.Verify(context.Background(), oidcjwttest.Sign(t, a, "a", goodClaims(time.Now())))
	if err == nil || errors.Is(err, oidcjwt.ErrInvalid) {
		t.Fatalf("Verify with the key set down = %v; want a fetch error", err)
	}
}

func TestParseJWKS_refusesWeakKeys(t *testing.T) {
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"keys": []any{oidcjwttest.JWK("s", &small.PublicKey)}})
	if _, err := oidcjwt.ParseJWKS(body); err == nil {
		t.Error("a 1024-bit key was accepted")
	}
}
