package gmail_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/gmail"
	"github.com/inboxkit/inboxkit/internal/fakegmail"
	"github.com/inboxkit/inboxkit/provider"
	"golang.org/x/oauth2"
)

// tokenServer is a fake Google token and revoke endpoint.
type tokenServer struct {
	*httptest.Server
	mu         sync.Mutex
	challenge  string // code_challenge of the auth URL
	scope      string // granted scopes
	idEmail    string // email claim of the ID token
	refresh    string // "ok", "invalid_grant", "503", "429"
	refreshes  int
	revoked    []string
	revokeCode int
}

func newTokenServer(t *testing.T) *tokenServer {
	ts := &tokenServer{refresh: "ok", idEmail: account, revokeCode: 200}
	ts.Server = httptest.NewServer(http.HandlerFunc(ts.serve))
	t.Cleanup(ts.Close)
	return ts
}

func (ts *tokenServer) serve(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	ts.mu.Lock()
	defer ts.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path == "/revoke" {
		ts.revoked = append(ts.revoked, r.PostForm.Get("token"))
		w.WriteHeader(ts.revokeCode)
		if ts.revokeCode == 400 {
			_, _ = w.Write([]byte(`{"error":"invalid_token"}`))
		}
		return
	}
	fail := func(code int, e string) {
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": e})
	}
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		if r.PostForm.Get("code") != "good-code" || base64.RawURLEncoding.EncodeToString(sum[:]) != ts.challenge {
			fail(400, "invalid_grant")
			return
		}
		claims, _ := json.Marshal(map[string]any{"email": ts.idEmail, "email_verified": true})
		_ = json.NewEncoder(w).Encode(map[string]any{
			"access_token": "test-token", "refresh_token": "rt1", "expires_in": 3600, "token_type": "Bearer",
			"scope": ts.scope, "id_token": "e30." + base64.RawURLEncoding.EncodeToString(claims) + ".c2ln",
		})
	case "refresh_token":
		ts.refreshes++
		switch ts.refresh {
		case "invalid_grant":
			fail(400, "invalid_grant")
		case "503":
			fail(503, "backend_error")
		case "429":
			fail(429, "rate_limit_exceeded")
		default:
			time.Sleep(10 * time.Millisecond) // let concurrent callers pile up
			_ = json.NewEncoder(w).Encode(map[string]any{
				"access_token": "test-token", "refresh_token": "rt2", "expires_in": 3600, "token_type": "Bearer",
			})
		}
	default:
		fail(400, "unsupported_grant_type")
	}
}

func (ts *tokenServer) config(access gmail.Access) *oauth2.Config {
	cfg := gmail.OAuthConfig("client-id", "client-secret", "https://app.example/callback", access)
	cfg.Endpoint.TokenURL = ts.URL + "/token"
	ts.scope = strings.Join(access.Scopes(), " ")
	return cfg
}

func start(t *testing.T, f *gmail.Flow, ts *tokenServer, email string) *gmail.Pending {
	t.Helper()
	p, err := f.Start(email)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	u, err := url.Parse(p.URL)
	if err != nil {
		t.Fatal(err)
	}
	ts.mu.Lock()
	ts.challenge = u.Query().Get("code_challenge")
	ts.mu.Unlock()
	return p
}

func TestFlow_Start(t *testing.T) {
	ts := newTokenServer(t)
	f := &gmail.Flow{Config: ts.config(gmail.AccessSendRead)}
	p1 := start(t, f, ts, account)
	p2 := start(t, f, ts, account)
	if p1.State == p2.State || p1.Verifier == p2.Verifier || len(p1.State) < 32 {
		t.Errorf("states %q %q / verifiers not random", p1.State, p2.State)
	}
	u, _ := url.Parse(p1.URL)
	q := u.Query()
	want := map[string]string{
		"state": p1.State, "code_challenge_method": "S256", "access_type": "offline", "login_hint": account,
		"prompt": "consent", "response_type": "code", "client_id": "client-id",
		"scope": strings.Join(gmail.AccessSendRead.Scopes(), " "), "code_challenge": oauth2.S256ChallengeFromVerifier(p1.Verifier),
	}
	for k, v := range want {
		if got := q.Get(k); got != v {
			t.Errorf("auth URL %s = %q; want %q", k, got, v)
		}
	}
	if !strings.HasPrefix(p1.URL, gmail.AuthURL+"?") {
		t.Errorf("auth URL %s is not Google's", p1.URL)
	}
	if _, err := f.Start("not an address"); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("Start(bad address) = %v; want ErrInvalid", err)
	}
}

func TestFlow_Exchange(t *testing.T) {
	api := fakegmail.New(fakegmail.Options{Email: account})
	t.Cleanup(api.Close)
	tests := []struct {
		name    string
		access  gmail.Access
		expect  string // Pending.Email
		state   string // "" means the right one
		code    string
		idEmail string
		granted string // overrides the granted scopes
		want    error
		field   string
	}{
		{"profile check", gmail.AccessSendRead, account, "", "good-code", account, "", nil, ""},
		{"case-insensitive", gmail.AccessSendLabel, "ADA@InboxKit.TEST", "", "good-code", account, "", nil, ""},
		{"profile mismatch", gmail.AccessSendRead, "bob@inboxkit.test", "", "good-code", account, "", provider.ErrAccountMismatch, ""},
		{"id token check", gmail.AccessSend, account, "", "good-code", account, "", nil, ""},
		{"id token mismatch", gmail.AccessSend, account, "", "good-code", "eve@inboxkit.test", "", provider.ErrAccountMismatch, ""},
		{"state mismatch", gmail.AccessSendRead, account, "forged", "good-code", account, "", provider.ErrInvalid, "state"},
		{"no code", gmail.AccessSendRead, account, "", "", account, "", provider.ErrInvalid, "code"},
		{"bad code", gmail.AccessSendRead, account, "", "stolen-code", account, "", provider.ErrAuth, ""},
		{"scope unticked", gmail.AccessSendRead, account, "", "good-code", account, "openid email " + gmail.ScopeSend, provider.ErrPermission, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTokenServer(t)
			ts.idEmail = tc.idEmail
			f := &gmail.Flow{Config: ts.config(tc.access), Endpoint: api.URL()}
			if tc.granted != "" {
				ts.scope = tc.granted
			}
			p := start(t, f, ts, tc.expect)
			state := p.State
			if tc.state != "" {
				state = tc.state
			}
			tok, err := f.Exchange(context.Background(), p, state, tc.code)
			if tc.want == nil {
				if err != nil || tok.RefreshToken != "rt1" {
					t.Fatalf("Exchange = %v, %v; want the token", tok, err)
				}
				return
			}
			var pe *provider.Error
			if !errors.Is(err, tc.want) || !errors.As(err, &pe) || pe.Field != tc.field {
				t.Fatalf("Exchange error = %v; want %v (field %q)", err, tc.want, tc.field)
			}
		})
	}
}

func expired() *oauth2.Token {
	return &oauth2.Token{AccessToken: "old", RefreshToken: "rt1", Expiry: time.Now().Add(-time.Minute)}
}

func TestTokenSource_refreshOnceAndSave(t *testing.T) {
	ts := newTokenServer(t)
	var mu sync.Mutex
	var saved []*oauth2.Token
	src := gmail.NewTokenSource(ts.config(gmail.AccessSendRead), expired(), &gmail.TokenSourceOptions{
		Save: func(ctx context.Context, tok *oauth2.Token) error {
			mu.Lock()
			defer mu.Unlock()
			saved = append(saved, tok)
			return nil
		},
	})
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if tok, err := src.Token(); err != nil || tok.AccessToken != "test-token" {
				t.Errorf("Token = %v, %v", tok, err)
			}
		})
	}
	wg.Wait()
	if ts.refreshes != 1 || src.Refreshes() != 1 {
		t.Errorf("refreshes = %d; want 1 for 20 concurrent callers", ts.refreshes)
	}
	if len(saved) != 1 || saved[0].RefreshToken != "rt2" {
		t.Errorf("saved = %v; want the rotated refresh token once", saved)
	}
}

func TestTokenSource_errors(t *testing.T) {
	tests := []struct {
		mode string
		want error
	}{
		{"invalid_grant", provider.ErrAuth},
		{"503", provider.ErrTemporary},
		{"429", provider.ErrTemporary},
	}
	for _, tc := range tests {
		ts := newTokenServer(t)
		ts.refresh = tc.mode
		_, err := gmail.NewTokenSource(ts.config(gmail.AccessSendRead), expired(), nil).Token()
		if !errors.Is(err, tc.want) {
			t.Errorf("refresh %s: Token error = %v; want %v", tc.mode, err, tc.want)
		}
	}
	ts := newTokenServer(t)
	cfg := ts.config(gmail.AccessSendRead)
	ts.Close()
	if _, err := gmail.NewTokenSource(cfg, expired(), nil).Token(); !errors.Is(err, provider.ErrTemporary) {
		t.Errorf("token endpoint down: %v; want ErrTemporary", err)
	}
	noRefresh := &oauth2.Token{AccessToken: "old", Expiry: time.Now().Add(-time.Minute)}
	if _, err := gmail.NewTokenSource(cfg, noRefresh, nil).Token(); !errors.Is(err, provider.ErrAuth) {
		t.Errorf("no refresh token: %v; want ErrAuth", err)
	}
}

func TestTokenSource_saveFailureRetried(t *testing.T) {
	ts := newTokenServer(t)
	fails := 1
	var saved int
	src := gmail.NewTokenSource(ts.config(gmail.AccessSendRead), expired(), &gmail.TokenSourceOptions{
		Save: func(ctx context.Context, tok *oauth2.Token) error {
			if fails > 0 {
				fails--
				return errors.New("database down")
			}
			saved++
			return nil
		},
	})
	if _, err := src.Token(); !errors.Is(err, provider.ErrTemporary) {
		t.Fatalf("Token with Save failing = %v; want ErrTemporary", err)
	}
	if tok, err := src.Token(); err != nil || tok.RefreshToken != "rt2" || saved != 1 || ts.refreshes != 1 {
		t.Errorf("second Token = %v, %v (saved %d, refreshes %d); want the same token saved, no new refresh", tok, err, saved, ts.refreshes)
	}
}

// A 401 from Gmail makes the provider invalidate the access token, so the
// TokenSource refreshes once and the call goes through.
func TestProvider_tokenSourceRefreshOn401(t *testing.T) {
	ts := newTokenServer(t)
	api := startFake(t)
	api.SetTokens("test-token")
	fresh := &oauth2.Token{AccessToken: "revoked-access", RefreshToken: "rt1", Expiry: time.Now().Add(time.Hour)}
	src := gmail.NewTokenSource(ts.config(gmail.AccessSendRead), fresh, nil)
	p := newProvider(t, api, src, nil)
	if err := p.Verify(context.Background()); err != nil {
		t.Fatalf("Verify = %v; want a refresh and success", err)
	}
	if src.Refreshes() != 1 {
		t.Errorf("refreshes = %d; want 1", src.Refreshes())
	}
}

func TestRevoke(t *testing.T) {
	tests := []struct {
		code int
		tok  *oauth2.Token
		want error
		sent string
	}{
		{200, &oauth2.Token{AccessToken: "a", RefreshToken: "rt1"}, nil, "rt1"},
		{200, &oauth2.Token{AccessToken: "a"}, nil, "a"},
		{400, &oauth2.Token{RefreshToken: "gone"}, nil, "gone"},
		{503, &oauth2.Token{RefreshToken: "rt1"}, provider.ErrTemporary, "rt1"},
		{200, &oauth2.Token{}, provider.ErrInvalid, ""},
	}
	for _, tc := range tests {
		ts := newTokenServer(t)
		ts.revokeCode = tc.code
		err := gmail.Revoke(context.Background(), nil, ts.URL+"/revoke", tc.tok)
		if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("Revoke(%d) = %v; want %v", tc.code, err, tc.want)
		}
		if got := strings.Join(ts.revoked, ","); got != tc.sent {
			t.Errorf("Revoke(%d) sent token %q; want %q", tc.code, got, tc.sent)
		}
	}
}
