package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/inboxkit/inboxkit/gmail"
	"github.com/inboxkit/inboxkit/internal/fakegmail"
)

// TestConnectFlow drives the app as a browser would: / redirects to
// Google with state and PKCE; the callback with that state and a code is
// exchanged (against a fake token endpoint checking the PKCE verifier) and
// the signed-in address checked against the fake Gmail profile.
func TestConnectFlow(t *testing.T) {
	for _, tc := range []struct {
		name, mailbox, want string
	}{
		{"right account", "ada@example.com", "Connected ada@example.com"},
		{"other account", "eve@example.com", "another account"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := fakegmail.New(fakegmail.Options{Email: tc.mailbox})
			t.Cleanup(fake.Close)
			var mu sync.Mutex
			var challenge string
			tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_ = r.ParseForm()
				sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
				mu.Lock()
				ok := r.PostForm.Get("code") == "good-code" && base64.RawURLEncoding.EncodeToString(sum[:]) == challenge
				mu.Unlock()
				w.Header().Set("Content-Type", "application/json")
				if !ok {
					w.WriteHeader(400)
					_, _ = w.Write([]byte(`{"error":"invalid_grant"}`))
					return
				}
				_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "test-token", "refresh_token": "rt", "expires_in": 3600, "token_type": "Bearer",
					"scope": strings.Join(gmail.AccessSendRead.Scopes(), " ")})
			}))
			t.Cleanup(tokens.Close)
			cfg := gmail.Config("id", "secret", "http://localhost/callback", gmail.AccessSendRead)
			cfg.Endpoint.TokenURL = tokens.URL
			a := &app{flow: &gmail.Flow{Config: cfg, Endpoint: fake.URL()}, email: "ada@example.com",
				pending: map[string]*gmail.Pending{}, done: make(chan string, 1)}
			h := a.routes()

			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
			loc, err := url.Parse(rec.Header().Get("Location"))
			if rec.Code != http.StatusFound || err != nil {
				t.Fatalf("GET / = %d %q; want a redirect to Google", rec.Code, rec.Header().Get("Location"))
			}
			q := loc.Query()
			if q.Get("state") == "" || q.Get("code_challenge_method") != "S256" || q.Get("login_hint") != "ada@example.com" || q.Get("access_type") != "offline" {
				t.Fatalf("auth URL %s lacks state, S256 PKCE, login_hint or offline access", loc)
			}
			mu.Lock()
			challenge = q.Get("code_challenge")
			mu.Unlock()

			rec = httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/callback?state=forged&code=good-code", nil))
			if rec.Code != http.StatusBadRequest {
				t.Errorf("callback with a forged state = %d; want 400", rec.Code)
			}
			rec = httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/callback?state="+url.QueryEscape(q.Get("state"))+"&code=good-code", nil))
			if !strings.Contains(rec.Body.String(), tc.want) {
				t.Errorf("callback = %d %q; want it to say %q", rec.Code, rec.Body.String(), tc.want)
			}
			rec = httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/callback?state="+url.QueryEscape(q.Get("state"))+"&code=good-code", nil))
			if rec.Code != http.StatusBadRequest {
				t.Errorf("replayed callback = %d; want 400 (state is single-use)", rec.Code)
			}
		})
	}
}
