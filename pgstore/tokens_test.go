package pgstore_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/pgstore"
	"github.com/inboxkit/inboxkit/pgstore/internal/pgtest"
	"github.com/inboxkit/inboxkit/provider"
	"golang.org/x/oauth2"
)

// tokenEndpoint is an OAuth token endpoint that rotates the refresh token
// on every refresh, refuses a used one with invalid_grant (as Microsoft's
// and Google's do when rotation is on), and counts refreshes.
type tokenEndpoint struct {
	mu        sync.Mutex
	refreshes int
	current   string        // the one valid refresh token
	lifetime  time.Duration // of the access tokens issued; zero: an hour
	at        []time.Time   // when each refresh happened
}

func (e *tokenEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "refresh_token" {
		http.Error(w, `{"error":"invalid_request"}`, http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if r.PostForm.Get("refresh_token") != e.current {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"error":"invalid_grant","error_description":"refresh token already used"}`)
		return
	}
	e.refreshes++
	e.at = append(e.at, time.Now())
	e.current = fmt.Sprintf("rt-secret-%d", e.refreshes+1)
	lifetime := e.lifetime
	if lifetime == 0 {
		lifetime = time.Hour
	}
	_ = json.NewEncoder(w).Encode(map[string]any{
		"access_token": fmt.Sprintf("at-secret-%d", e.refreshes), "token_type": "Bearer",
		"refresh_token": e.current, "expires_in": int(lifetime / time.Second),
	})
}

func (e *tokenEndpoint) count() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.refreshes
}

func newEndpoint(t *testing.T) (*tokenEndpoint, *oauth2.Config) {
	e := &tokenEndpoint{current: "rt-secret-1"}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return e, &oauth2.Config{ClientID: "c", Endpoint: oauth2.Endpoint{TokenURL: srv.URL, AuthStyle: oauth2.AuthStyleInParams}}
}

func testKeyring(t *testing.T) *crypto.Keyring {
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	ring, err := crypto.NewKeyring("k1", map[string][]byte{"k1": key})
	if err != nil {
		t.Fatal(err)
	}
	return ring
}

func expiredToken() *oauth2.Token {
	return &oauth2.Token{AccessToken: "at-secret-0", TokenType: "Bearer", RefreshToken: "rt-secret-1",
		Expiry: time.Now().Add(-time.Minute)}
}

// N replicas (each its own pool, so its own connections) need one
// mailbox's expired token at the same moment: the endpoint sees one
// refresh, and all get the same new access token.
func TestTokens_oneRefreshAcrossReplicas(t *testing.T) {
	const replicas = 6
	ep, cfg := newEndpoint(t)
	ring := testKeyring(t)
	first := pgtest.Pool(t)
	schema := pgtest.Schema(t, first)
	sources := make([]*pgstore.TokenSource, replicas)
	for i := range sources {
		pool := first
		if i > 0 {
			pool = pgtest.Pool(t)
		}
		s, err := pgstore.New(pool, &pgstore.Options{Schema: schema})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(pgtest.Context(t, testTimeout)); err != nil {
			t.Fatal(err)
		}
		toks, err := s.Tokens(ring)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if _, err := toks.Put(pgtest.Context(t, testTimeout), "gmail/ada@example.com", expiredToken()); err != nil {
				t.Fatal(err)
			}
		}
		sources[i] = toks.TokenSource("gmail/ada@example.com", pgstore.ConfigRefresher(cfg, nil), nil)
	}
	got := make([]string, replicas)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, src := range sources {
		wg.Go(func() {
			<-start
			tok, err := src.Token()
			if err != nil {
				t.Errorf("replica %d: Token = %v", i, err)
				return
			}
			got[i] = tok.AccessToken
		})
	}
	close(start)
	wg.Wait()
	if n := ep.count(); n != 1 {
		t.Errorf("token endpoint saw %d refreshes for %d replicas; want 1", n, replicas)
	}
	for i, at := range got {
		if at != "at-secret-1" {
			t.Errorf("replica %d got access token %q; want at-secret-1", i, at)
		}
	}
	// A 401 on the new token: every replica invalidates it, one refreshes.
	for _, src := range sources {
		src.Invalidate(&oauth2.Token{AccessToken: "at-secret-1"})
	}
	for i, src := range sources {
		wg.Go(func() {
			if tok, err := src.Token(); err != nil || tok.AccessToken != "at-secret-2" {
				t.Errorf("replica %d after 401: Token = %v, %v; want at-secret-2", i, tok, err)
			}
		})
	}
	wg.Wait()
	if n := ep.count(); n != 2 {
		t.Errorf("token endpoint saw %d refreshes after one 401 on every replica; want 2 in all", n)
	}
}

// A writer that read the token before a rotation cannot overwrite the
// rotated refresh token.
func TestTokens_staleWriterLoses(t *testing.T) {
	s, _ := newStore(t)
	ctx := pgtest.Context(t, testTimeout)
	toks, err := s.Tokens(testKeyring(t))
	if err != nil {
		t.Fatal(err)
	}
	v1, err := toks.Put(ctx, "k", expiredToken())
	if err != nil {
		t.Fatal(err)
	}
	rotated := &oauth2.Token{AccessToken: "at-secret-new", RefreshToken: "rt-secret-rotated", Expiry: time.Now().Add(time.Hour)}
	v2, err := toks.CompareAndSwap(ctx, "k", v1, rotated)
	if err != nil || v2 != v1+1 {
		t.Fatalf("CompareAndSwap(v%d) = v%d, %v; want v%d", v1, v2, err, v1+1)
	}
	stale := &oauth2.Token{AccessToken: "at-secret-stale", RefreshToken: "rt-secret-1"}
	_, err = toks.CompareAndSwap(ctx, "k", v1, stale)
	if !errors.Is(err, pgstore.ErrConflict) {
		t.Fatalf("stale CompareAndSwap = %v; want ErrConflict", err)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("error %q quotes a token", err)
	}
	st, err := toks.Load(ctx, "k")
	if err != nil || st.Token.RefreshToken != "rt-secret-rotated" || st.Version != v2 {
		t.Errorf("Load = %+v, %v; want the rotated token at v%d", st, err, v2)
	}
	if _, err := toks.CompareAndSwap(ctx, "missing", 1, rotated); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("CompareAndSwap of a missing key = %v; want ErrNotFound", err)
	}
	if err := toks.Delete(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if _, err := toks.Load(ctx, "k"); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("Load after Delete = %v; want ErrNotFound", err)
	}
}

// The table holds tokens sealed: neither the refresh nor the access token
// appears in the row, and a row copied to another key does not open.
func TestTokens_sealedAtRest(t *testing.T) {
	s, pool := newStore(t)
	ctx := pgtest.Context(t, testTimeout)
	toks, err := s.Tokens(testKeyring(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := toks.Put(ctx, "a", expiredToken()); err != nil {
		t.Fatal(err)
	}
	var raw []byte
	if err := pool.QueryRow(ctx, "SELECT sealed FROM "+s.Schema()+".oauth_token WHERE key = 'a'").Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("rt-secret")) || bytes.Contains(raw, []byte("at-secret")) {
		t.Fatal("the oauth_token row holds a token in the clear")
	}
	if _, err := pool.Exec(ctx, "INSERT INTO "+s.Schema()+".oauth_token (key, sealed, version, updated_at) VALUES ('b', $1, 1, now())", raw); err != nil {
		t.Fatal(err)
	}
	_, err = toks.Load(ctx, "b")
	if !errors.Is(err, crypto.ErrAuthFailed) || strings.Contains(err.Error(), "secret") {
		t.Errorf("Load of a row copied to another key = %v; want ErrAuthFailed without token text", err)
	}
	if _, err := s.Tokens(nil); err == nil {
		t.Error("Tokens(nil) = nil error; want a refusal to store tokens in the clear")
	}
}

// A dead grant is ErrAuth, and the error carries no token.
func TestTokens_deadGrant(t *testing.T) {
	ep, cfg := newEndpoint(t)
	ep.current = "rt-secret-other" // the stored refresh token was revoked
	s, _ := newStore(t)
	toks, err := s.Tokens(testKeyring(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := toks.Put(pgtest.Context(t, testTimeout), "k", expiredToken()); err != nil {
		t.Fatal(err)
	}
	_, err = toks.TokenSource("k", pgstore.ConfigRefresher(cfg, nil), nil).Token()
	if !errors.Is(err, provider.ErrAuth) {
		t.Fatalf("Token with a revoked refresh token = %v; want ErrAuth", err)
	}
	if strings.Contains(err.Error(), "rt-secret") || strings.Contains(err.Error(), "at-secret") {
		t.Errorf("error %q quotes a token", err)
	}
}

// flakySealer fails the next fail Seals, as a KMS having a bad moment.
type flakySealer struct {
	pgstore.Sealer
	mu   sync.Mutex
	fail int
}

func (f *flakySealer) Seal(plaintext, ad []byte) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail > 0 {
		f.fail--
		return nil, errors.New("kms unavailable")
	}
	return f.Sealer.Seal(plaintext, ad)
}

// The endpoint rotated the refresh token but storing the new token
// failed: the TokenSource uses the new token at once, keeps it, and stores
// it on the next call without refreshing again, so the rotated refresh
// token is not lost.
func TestTokenSource_keepsRefreshedTokenUntilStored(t *testing.T) {
	ep, cfg := newEndpoint(t)
	s, _ := newStore(t)
	sealer := &flakySealer{Sealer: testKeyring(t)}
	toks, err := s.Tokens(sealer)
	if err != nil {
		t.Fatal(err)
	}
	ctx := pgtest.Context(t, testTimeout)
	if _, err := toks.Put(ctx, "k", expiredToken()); err != nil {
		t.Fatal(err)
	}
	src := toks.TokenSource("k", pgstore.ConfigRefresher(cfg, nil), nil)
	sealer.fail = 1
	tok, err := src.Token()
	if err != nil || tok.AccessToken != "at-secret-1" {
		t.Fatalf("Token while the store fails = %v, %v; want the refreshed token", tok, err)
	}
	if st, err := toks.Load(ctx, "k"); err != nil || st.Token.RefreshToken != "rt-secret-1" {
		t.Fatalf("stored token = %+v, %v; want the old one still (the write failed)", st, err)
	}
	if tok, err := src.Token(); err != nil || tok.AccessToken != "at-secret-1" {
		t.Fatalf("second Token = %v, %v; want the same token", tok, err)
	}
	if st, err := toks.Load(ctx, "k"); err != nil || st.Token.RefreshToken != "rt-secret-2" {
		t.Errorf("stored token after the second call = %+v, %v; want the rotated refresh token", st, err)
	}
	if n := ep.count(); n != 1 {
		t.Errorf("%d refreshes; want 1", n)
	}
}
