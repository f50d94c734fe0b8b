package graph_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/graph"
	"github.com/inboxkit/inboxkit/internal/fakegraph"
	"github.com/inboxkit/inboxkit/provider"
)

// expiredMS is a stored token whose access token has expired.
func expiredMS() *oauth2.Token {
	return &oauth2.Token{AccessToken: "at-old", RefreshToken: "rt-1", Expiry: time.Now().Add(-time.Minute)}
}

// savedTokens records what a TokenSource saves.
type savedTokens struct {
	mu    sync.Mutex
	toks  []*oauth2.Token
	fails int // the next fails calls fail
}

func (s *savedTokens) save(ctx context.Context, tok *oauth2.Token) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fails > 0 {
		s.fails--
		return errors.New("credential store unavailable")
	}
	s.toks = append(s.toks, tok)
	return nil
}

func (s *savedTokens) refreshTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, t := range s.toks {
		out = append(out, t.RefreshToken)
	}
	return out
}

// Microsoft rotates the refresh token on every refresh. The rotated one is
// saved; the fake then refuses the old one, so a host that kept only the
// stored original would be disconnected.
func TestTokenSource_rotationPersisted(t *testing.T) {
	ms := newMSTokens(t)
	cfg := ms.config(graph.AccessSendRead)
	var saved savedTokens
	ts := graph.NewTokenSource(cfg, expiredMS(), &graph.TokenSourceOptions{Save: saved.save})
	tok, err := ts.Token()
	if err != nil || tok.AccessToken != "at-2" || tok.RefreshToken != "rt-2" {
		t.Fatalf("Token = %v, %v; want at-2 with the rotated rt-2", tok, err)
	}
	if got := saved.refreshTokens(); len(got) != 1 || got[0] != "rt-2" {
		t.Fatalf("saved refresh tokens = %v; want [rt-2]", got)
	}
	_, _, forms := ms.seen()
	f := forms[0]
	if f.Get("grant_type") != "refresh_token" || f.Get("refresh_token") != "rt-1" || f.Get("client_id") != "client-id" || f.Get("client_secret") != "client-secret" {
		t.Errorf("refresh request = %v; want grant_type, refresh_token rt-1 and the client's id and secret", f)
	}

	// The original stored token no longer refreshes...
	_, err = graph.NewTokenSource(cfg, expiredMS(), nil).Token()
	if !errors.Is(err, provider.ErrAuth) {
		t.Errorf("refresh with the replaced rt-1 = %v; want ErrAuth", err)
	}
	// ...while the saved one does, and rotates again.
	again := *saved.toks[0]
	again.Expiry = time.Now().Add(-time.Second)
	tok, err = graph.NewTokenSource(cfg, &again, &graph.TokenSourceOptions{Save: saved.save}).Token()
	if err != nil || tok.RefreshToken != "rt-3" {
		t.Errorf("refresh with the saved rt-2 = %v, %v; want rt-3", tok, err)
	}
}

func TestTokenSource_concurrentCallersRefreshOnce(t *testing.T) {
	ms := newMSTokens(t)
	ms.delay = 20 * time.Millisecond
	var saved savedTokens
	ts := graph.NewTokenSource(ms.config(graph.AccessSendRead), expiredMS(), &graph.TokenSourceOptions{Save: saved.save})
	var wg sync.WaitGroup
	for range 25 {
		wg.Go(func() {
			if tok, err := ts.Token(); err != nil || tok.AccessToken != "at-2" {
				t.Errorf("Token = %v, %v; want at-2", tok, err)
			}
		})
	}
	wg.Wait()
	if n, _, _ := ms.seen(); n != 1 || ts.Refreshes() != 1 {
		t.Errorf("refreshes = %d at the endpoint, %d counted; want 1 for 25 concurrent callers", n, ts.Refreshes())
	}
	if got := saved.refreshTokens(); len(got) != 1 || got[0] != "rt-2" {
		t.Errorf("saved = %v; want rt-2 once", got)
	}
}

// A failed Save must not lose the rotated refresh token: the endpoint has
// already replaced the old one.
func TestTokenSource_saveFailureKeepsNewToken(t *testing.T) {
	ms := newMSTokens(t)
	now := time.Now()
	clock := func() time.Time { return now }
	saved := savedTokens{fails: 2}
	ts := graph.NewTokenSource(ms.config(graph.AccessSendRead), expiredMS(), &graph.TokenSourceOptions{Save: saved.save, Now: clock})
	for i := range 2 {
		var pe *provider.Error
		if _, err := ts.Token(); !errors.Is(err, provider.ErrTemporary) || !errors.As(err, &pe) || pe.Provider != provider.KindGraph {
			t.Fatalf("Token #%d with Save failing = %v; want a graph ErrTemporary", i+1, err)
		}
	}
	if n, current, _ := ms.seen(); n != 1 || current != "rt-2" {
		t.Fatalf("endpoint refreshes = %d (current %s); want one refresh, not one per failed Save", n, current)
	}
	tok, err := ts.Token()
	if err != nil || tok.RefreshToken != "rt-2" {
		t.Fatalf("Token once Save works = %v, %v; want the kept rt-2", tok, err)
	}
	if got := saved.refreshTokens(); len(got) != 1 || got[0] != "rt-2" {
		t.Errorf("saved = %v; want [rt-2]", got)
	}
	// When the access token runs out, the next refresh uses the kept rt-2.
	now = now.Add(2 * time.Hour)
	if tok, err := ts.Token(); err != nil || tok.RefreshToken != "rt-3" {
		t.Errorf("Token after expiry = %v, %v; want a refresh with rt-2 giving rt-3", tok, err)
	}
}

// Without a refresh_token in the response, the one sent stays in use
// (and is what gets saved).
func TestTokenSource_keepsRefreshTokenWhenNotRotated(t *testing.T) {
	ms := newMSTokens(t)
	ms.mode = "no-rotation"
	var saved savedTokens
	tok, err := graph.NewTokenSource(ms.config(graph.AccessSendRead), expiredMS(), &graph.TokenSourceOptions{Save: saved.save}).Token()
	if err != nil || tok.AccessToken != "at-2" || tok.RefreshToken != "rt-1" {
		t.Fatalf("Token = %v, %v; want at-2 keeping rt-1", tok, err)
	}
	if got := saved.refreshTokens(); len(got) != 1 || got[0] != "rt-1" {
		t.Errorf("saved = %v; want [rt-1]", got)
	}
}

func TestTokenSource_refreshesBeforeExpiry(t *testing.T) {
	tests := []struct {
		left  time.Duration
		early time.Duration
		want  int // refreshes
	}{
		{30 * time.Second, 0, 1}, // inside the default minute
		{5 * time.Minute, 0, 0},
		{5 * time.Minute, 10 * time.Minute, 1},
	}
	for _, tc := range tests {
		ms := newMSTokens(t)
		tok := &oauth2.Token{AccessToken: "at-old", RefreshToken: "rt-1", Expiry: time.Now().Add(tc.left)}
		ts := graph.NewTokenSource(ms.config(graph.AccessSendRead), tok, &graph.TokenSourceOptions{EarlyExpiry: tc.early})
		if _, err := ts.Token(); err != nil {
			t.Fatalf("Token: %v", err)
		}
		if ts.Refreshes() != tc.want {
			t.Errorf("%v left, EarlyExpiry %v: refreshes = %d; want %d", tc.left, tc.early, ts.Refreshes(), tc.want)
		}
	}
}

func TestTokenSource_invalidate(t *testing.T) {
	ms := newMSTokens(t)
	fresh := &oauth2.Token{AccessToken: "at-old", RefreshToken: "rt-1", Expiry: time.Now().Add(time.Hour)}
	ts := graph.NewTokenSource(ms.config(graph.AccessSendRead), fresh, nil)
	ts.Invalidate(&oauth2.Token{AccessToken: "some-other"}) // not the current one: ignored
	if tok, _ := ts.Token(); tok.AccessToken != "at-old" || ts.Refreshes() != 0 {
		t.Fatalf("Token after invalidating another token = %v (%d refreshes); want at-old", tok, ts.Refreshes())
	}
	ts.Invalidate(fresh)
	if tok, err := ts.Token(); err != nil || tok.AccessToken != "at-2" || ts.Refreshes() != 1 {
		t.Errorf("Token after Invalidate = %v, %v (%d refreshes); want a refresh", tok, err, ts.Refreshes())
	}
}

// The AADSTS bodies and statuses of the real endpoint map to ErrAuth
// (reconnect) or ErrTemporary (retry), with the native error kept.
func TestTokenSource_errors(t *testing.T) {
	tests := []struct {
		mode string
		want error
	}{
		{"expired", provider.ErrAuth},  // AADSTS700082: 90 idle days
		{"replaced", provider.ErrAuth}, // invalid_grant
		{"mfa", provider.ErrAuth},      // interaction_required
		{"secret", provider.ErrAuth},   // 401 invalid_client, secret expired
		{"503", provider.ErrTemporary},
		{"429", provider.ErrTemporary},
		{"busy", provider.ErrTemporary},    // 400 with the retryable AADSTS90033
		{"unavail", provider.ErrTemporary}, // 400 temporarily_unavailable
		{"prefix", provider.ErrTemporary},  // AADSTS700000 is not AADSTS70000
	}
	for _, tc := range tests {
		t.Run(tc.mode, func(t *testing.T) {
			ms := newMSTokens(t)
			ms.mode = tc.mode
			var saved savedTokens
			_, err := graph.NewTokenSource(ms.config(graph.AccessSendRead), expiredMS(), &graph.TokenSourceOptions{Save: saved.save}).Token()
			var pe *provider.Error
			var re *oauth2.RetrieveError
			if !errors.Is(err, tc.want) || !errors.As(err, &pe) || pe.Provider != provider.KindGraph || !errors.As(err, &re) {
				t.Fatalf("Token = %v; want a graph %v wrapping the *oauth2.RetrieveError", err, tc.want)
			}
			if len(saved.toks) != 0 {
				t.Errorf("a failed refresh saved %v", saved.toks)
			}
		})
	}
	ms := newMSTokens(t)
	cfg := ms.config(graph.AccessSendRead)
	ms.Close()
	if _, err := graph.NewTokenSource(cfg, expiredMS(), nil).Token(); !errors.Is(err, provider.ErrTemporary) {
		t.Errorf("token endpoint down: %v; want ErrTemporary", err)
	}
	noRefresh := &oauth2.Token{AccessToken: "at-old", Expiry: time.Now().Add(-time.Minute)}
	if _, err := graph.NewTokenSource(cfg, noRefresh, nil).Token(); !errors.Is(err, provider.ErrAuth) {
		t.Errorf("no refresh token: %v; want ErrAuth", err)
	}
}

// Token has no context, so a hung token endpoint is cut off by Timeout.
func TestTokenSource_timeout(t *testing.T) {
	ms := newMSTokens(t)
	ms.delay = 400 * time.Millisecond
	start := time.Now()
	_, err := graph.NewTokenSource(ms.config(graph.AccessSendRead), expiredMS(), &graph.TokenSourceOptions{Timeout: 30 * time.Millisecond}).Token()
	if !errors.Is(err, provider.ErrTemporary) || time.Since(start) > 300*time.Millisecond {
		t.Errorf("Token against a hung endpoint = %v after %v; want ErrTemporary within the timeout", err, time.Since(start))
	}
}

// A 401 from Graph makes the Provider drop the access token; the
// TokenSource refreshes once and the call goes through with the new one.
func TestTokenSource_providerRefreshesAfter401(t *testing.T) {
	ms := newMSTokens(t)
	api := fakegraph.New(fakegraph.Options{Email: "ada@contoso.example"})
	t.Cleanup(api.Close)
	api.SetToken("at-old", "ada@contoso.example", graph.AccessSendRead.Scopes()...)
	api.RevokeToken("at-old")
	api.SetToken("at-2", "ada@contoso.example", graph.AccessSendRead.Scopes()...)
	live := &oauth2.Token{AccessToken: "at-old", RefreshToken: "rt-1", Expiry: time.Now().Add(time.Hour)}
	var saved savedTokens
	ts := graph.NewTokenSource(ms.config(graph.AccessSendRead), live, &graph.TokenSourceOptions{Save: saved.save})
	p, err := graph.New(context.Background(), ts, &graph.Options{Email: "ada@contoso.example", BaseURL: api.URL(), HTTPClient: api.Client()})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.Verify(context.Background()); err != nil {
		t.Fatalf("Verify = %v; want success after one refresh", err)
	}
	if ts.Refreshes() != 1 || len(saved.toks) != 1 || saved.toks[0].RefreshToken != "rt-2" {
		t.Errorf("refreshes = %d, saved = %v; want one refresh, rt-2 saved", ts.Refreshes(), saved.refreshTokens())
	}
}

func ExampleNewTokenSource() {
	// A fake Microsoft token endpoint stands in for
	// https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token.
	ms := startMSTokens()
	defer ms.Close()
	cfg := graph.OAuthConfig("contoso.onmicrosoft.com", "client-id", "client-secret", "https://app.example/oauth/microsoft", graph.AccessSendRead)
	cfg.Endpoint.TokenURL = ms.URL + "/contoso.onmicrosoft.com/oauth2/v2.0/token"

	stored := &oauth2.Token{AccessToken: "at-old", RefreshToken: "rt-1", Expiry: time.Now().Add(-time.Minute)}
	ts := graph.NewTokenSource(cfg, stored, &graph.TokenSourceOptions{
		Save: func(ctx context.Context, tok *oauth2.Token) error {
			// A host seals tok and stores it (crypto.CredentialStore).
			fmt.Println("saved refresh token", tok.RefreshToken)
			return nil
		},
	})
	tok, err := ts.Token() // expired: refreshes once, saves the rotated refresh token
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.AccessToken, ts.Refreshes())
	// Output:
	// saved refresh token rt-2
	// at-2 1
}
