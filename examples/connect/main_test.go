package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/inboxkit/inboxkit/gmail"
	"github.com/inboxkit/inboxkit/graph"
	"github.com/inboxkit/inboxkit/internal/fakegmail"
	"github.com/inboxkit/inboxkit/internal/fakegraph"
	"github.com/inboxkit/inboxkit/provider"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

// Without an address or an OAuth client the program prints its usage and
// exits with 2, as it did before Microsoft joined.
func TestNewApp(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		env       func(string) string
		google    bool
		microsoft bool
		want      error // nil: success; errUsage: the usage text
	}{
		{"nothing", nil, env(), false, false, errUsage},
		{"no email", nil, env("MICROSOFT_CLIENT_ID", "id"), false, false, errUsage},
		{"google without secret", []string{"--email", "a@b.example"}, env("GOOGLE_CLIENT_ID", "id"), false, false, errUsage},
		{"google", []string{"--email", "a@b.example"}, env("GOOGLE_CLIENT_ID", "id", "GOOGLE_CLIENT_SECRET", "s"), true, false, nil},
		{"microsoft public client", []string{"--email", "a@b.example"}, env("MICROSOFT_CLIENT_ID", "id"), false, true, nil},
		{"both", []string{"--email", "a@b.example", "--tenant", "organizations"}, env("GOOGLE_CLIENT_ID", "id", "GOOGLE_CLIENT_SECRET", "s", "MICROSOFT_CLIENT_ID", "id", "MICROSOFT_CLIENT_SECRET", "s"), true, true, nil},
		{"bad tenant", []string{"--email", "a@b.example", "--tenant", "not a tenant"}, env("MICROSOFT_CLIENT_ID", "id"), false, false, provider.ErrInvalid},
		{"bad tenant from env", []string{"--email", "a@b.example"}, env("MICROSOFT_CLIENT_ID", "id", "MICROSOFT_TENANT", "a/b"), false, false, provider.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, addr, err := newApp(tc.args, tc.env, io.Discard)
			switch {
			case tc.want == errUsage:
				if err == nil || !strings.Contains(err.Error(), "usage:") {
					t.Fatalf("newApp = %v; want the usage", err)
				}
				return
			case tc.want != nil:
				if !errors.Is(err, tc.want) {
					t.Fatalf("newApp = %v; want %v", err, tc.want)
				}
				return
			case err != nil:
				t.Fatalf("newApp: %v", err)
			}
			if addr != "localhost:8080" || (a.google != nil) != tc.google || (a.microsoft != nil) != tc.microsoft {
				t.Errorf("newApp = addr %s, google %v, microsoft %v; want google %v, microsoft %v", addr, a.google != nil, a.microsoft != nil, tc.google, tc.microsoft)
			}
			if a.microsoft != nil && a.microsoft.Config.RedirectURL != "http://localhost:8080/callback/microsoft" {
				t.Errorf("Microsoft redirect URI = %s", a.microsoft.Config.RedirectURL)
			}
		})
	}
}

var errUsage = errors.New("usage")

// pkceTokens is a token endpoint that redeems "good-code" only with the
// verifier of the last challenge it was told about.
type pkceTokens struct {
	*httptest.Server
	mu        sync.Mutex
	challenge string
}

func newPKCETokens(t *testing.T, resp map[string]any) *pkceTokens {
	pt := &pkceTokens{}
	pt.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		pt.mu.Lock()
		ok := r.PostForm.Get("grant_type") == "authorization_code" && r.PostForm.Get("code") == "good-code" &&
			base64.RawURLEncoding.EncodeToString(sum[:]) == pt.challenge
		pt.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if !ok {
			w.WriteHeader(400)
			_, _ = w.Write([]byte(`{"error":"invalid_grant","error_description":"AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.","error_codes":[501481]}`))
			return
		}
		_ = json.NewEncoder(w).Encode(resp)
	}))
	t.Cleanup(pt.Close)
	return pt
}

func (pt *pkceTokens) expect(challenge string) {
	pt.mu.Lock()
	defer pt.mu.Unlock()
	pt.challenge = challenge
}

// get serves one request to h and returns the recorder.
func get(h http.Handler, target string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
	return rec
}

// startAt follows the start link and returns the sign-in URL's query.
func startAt(t *testing.T, h http.Handler, path, host string) url.Values {
	t.Helper()
	rec := get(h, path)
	loc, err := url.Parse(rec.Header().Get("Location"))
	if rec.Code != http.StatusFound || err != nil || loc.Host != host {
		t.Fatalf("GET %s = %d %q; want a redirect to %s", path, rec.Code, rec.Header().Get("Location"), host)
	}
	q := loc.Query()
	if q.Get("state") == "" || q.Get("code_challenge_method") != "S256" || q.Get("login_hint") != "ada@example.com" {
		t.Fatalf("sign-in URL %s lacks state, S256 PKCE or login_hint", loc)
	}
	return q
}

func callback(route string, q url.Values, code string) string {
	return route + "?state=" + url.QueryEscape(q.Get("state")) + "&code=" + code
}

// TestConnectGoogle drives the Google flow as a browser would: the start
// link redirects to Google with state and PKCE; the callback with that
// state and a code is exchanged (against a fake token endpoint checking
// the PKCE verifier) and the signed-in address checked against the fake
// Gmail profile.
func TestConnectGoogle(t *testing.T) {
	for _, tc := range []struct {
		name, mailbox, want string
	}{
		{"right account", "ada@example.com", "Connected ada@example.com (Google)"},
		{"other account", "eve@example.com", "another account"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := fakegmail.New(fakegmail.Options{Email: tc.mailbox})
			t.Cleanup(fake.Close)
			tokens := newPKCETokens(t, map[string]any{"access_token": "test-token", "refresh_token": "rt", "expires_in": 3600,
				"token_type": "Bearer", "scope": strings.Join(gmail.AccessSendRead.Scopes(), " ")})
			a, _, err := newApp([]string{"--email", "ada@example.com"}, env("GOOGLE_CLIENT_ID", "id", "GOOGLE_CLIENT_SECRET", "secret"), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			a.google.Config.Endpoint.TokenURL = tokens.URL
			a.google.Endpoint = fake.URL()
			h := a.routes()

			if body := get(h, "/").Body.String(); !strings.Contains(body, "/connect/google") || strings.Contains(body, "/connect/microsoft") {
				t.Errorf("index = %q; want only the Google link", body)
			}
			q := startAt(t, h, "/connect/google", "accounts.google.com")
			if q.Get("access_type") != "offline" {
				t.Errorf("Google sign-in URL lacks access_type=offline")
			}
			tokens.expect(q.Get("code_challenge"))

			if rec := get(h, "/callback/google?state=forged&code=good-code"); rec.Code != http.StatusBadRequest {
				t.Errorf("callback with a forged state = %d; want 400", rec.Code)
			}
			if rec := get(h, callback("/callback/google", q, "good-code")); !strings.Contains(rec.Body.String(), tc.want) {
				t.Errorf("callback = %d %q; want it to say %q", rec.Code, rec.Body.String(), tc.want)
			}
			if rec := get(h, callback("/callback/google", q, "good-code")); rec.Code != http.StatusBadRequest {
				t.Errorf("replayed callback = %d; want 400 (state is single-use)", rec.Code)
			}
		})
	}
}

// TestConnectMicrosoft drives the Microsoft flow end to end: the start
// link redirects to login.microsoftonline.com with state, PKCE, login_hint
// and prompt=select_account; the callback's code is redeemed at a fake
// token endpoint that checks the verifier; graph.Flow checks /me on
// fakegraph, and the app then verifies a graph.Provider over a
// graph.TokenSource.
func TestConnectMicrosoft(t *testing.T) {
	for _, tc := range []struct {
		name, mailbox string
		mailNull      bool
		scope         string
		want          string
	}{
		{"right account", "ada@example.com", false, "Mail.Read Mail.Send User.Read", "Connected ada@example.com (Microsoft)"},
		{"right account by userPrincipalName", "ada@example.com", true, "Mail.Read Mail.Send User.Read", "Connected ada@example.com (Microsoft)"},
		{"other account", "eve@example.com", false, "Mail.Read Mail.Send User.Read", "another account"},
		{"permission missing", "ada@example.com", false, "Mail.Send User.Read", "Mail.Read was not granted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := fakegraph.New(fakegraph.Options{Email: tc.mailbox, Name: "Signed In"})
			t.Cleanup(fake.Close)
			fake.SetToken("ms-token", tc.mailbox, graph.AccessSendRead.Scopes()...)
			if tc.mailNull {
				fake.ClearMail(tc.mailbox)
			}
			tokens := newPKCETokens(t, map[string]any{"access_token": "ms-token", "refresh_token": "rt-1", "expires_in": 3599,
				"ext_expires_in": 3599, "token_type": "Bearer", "scope": tc.scope})
			a, _, err := newApp([]string{"--email", "ada@example.com"}, env("MICROSOFT_CLIENT_ID", "id", "MICROSOFT_CLIENT_SECRET", "secret"), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			a.microsoft.Config.Endpoint.TokenURL = tokens.URL
			a.microsoft.BaseURL = fake.URL()
			a.microsoft.HTTPClient = fake.Client()
			h := a.routes()

			if body := get(h, "/").Body.String(); !strings.Contains(body, "/connect/microsoft") || strings.Contains(body, "/connect/google") {
				t.Errorf("index = %q; want only the Microsoft link", body)
			}
			if rec := get(h, "/connect/google"); rec.Code != http.StatusNotFound {
				t.Errorf("GET /connect/google without a Google client = %d; want 404", rec.Code)
			}
			q := startAt(t, h, "/connect/microsoft", "login.microsoftonline.com")
			if q.Get("prompt") != "select_account" || q.Get("scope") != "offline_access User.Read Mail.Send Mail.Read" {
				t.Errorf("Microsoft sign-in URL prompt %q scope %q", q.Get("prompt"), q.Get("scope"))
			}
			tokens.expect(q.Get("code_challenge"))

			if rec := get(h, "/callback/microsoft?state=forged&code=good-code"); rec.Code != http.StatusBadRequest {
				t.Errorf("callback with a forged state = %d; want 400", rec.Code)
			}
			if rec := get(h, callback("/callback/microsoft", q, "good-code")); !strings.Contains(rec.Body.String(), tc.want) {
				t.Errorf("callback = %d %q; want it to say %q", rec.Code, rec.Body.String(), tc.want)
			}
			if rec := get(h, callback("/callback/microsoft", q, "good-code")); rec.Code != http.StatusBadRequest {
				t.Errorf("replayed callback = %d; want 400 (state is single-use)", rec.Code)
			}
			connected := strings.HasPrefix(tc.want, "Connected")
			select {
			case got := <-a.done:
				if !connected || got != "ada@example.com" {
					t.Errorf("done = %q; connected %v", got, connected)
				}
			default:
				if connected {
					t.Error("the app did not report the connection")
				}
			}
		})
	}
}

// A code stolen from another sign-in, a Google state presented at the
// Microsoft callback, and a declined consent are all refused.
func TestConnectMicrosoft_refusals(t *testing.T) {
	fake := fakegraph.New(fakegraph.Options{Email: "ada@example.com"})
	t.Cleanup(fake.Close)
	tokens := newPKCETokens(t, map[string]any{"access_token": "test-token", "refresh_token": "rt-1", "expires_in": 3599, "token_type": "Bearer"})
	a, _, err := newApp([]string{"--email", "ada@example.com"},
		env("GOOGLE_CLIENT_ID", "id", "GOOGLE_CLIENT_SECRET", "s", "MICROSOFT_CLIENT_ID", "id"), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	a.microsoft.Config.Endpoint.TokenURL = tokens.URL
	a.microsoft.BaseURL, a.microsoft.HTTPClient = fake.URL(), fake.Client()
	h := a.routes()

	g := startAt(t, h, "/connect/google", "accounts.google.com")
	if rec := get(h, callback("/callback/microsoft", g, "good-code")); rec.Code != http.StatusBadRequest {
		t.Errorf("Google state at the Microsoft callback = %d; want 400", rec.Code)
	}
	// The Google state was consumed by that attempt.
	if rec := get(h, callback("/callback/google", g, "good-code")); rec.Code != http.StatusBadRequest {
		t.Errorf("Google state after its misuse = %d; want 400", rec.Code)
	}

	q := startAt(t, h, "/connect/microsoft", "login.microsoftonline.com")
	tokens.expect("a challenge from another sign-in")
	if rec := get(h, callback("/callback/microsoft", q, "good-code")); rec.Code != http.StatusBadGateway || !strings.Contains(rec.Body.String(), "AADSTS501481") {
		t.Errorf("code redeemed with the wrong verifier = %d %q; want 502 naming AADSTS501481", rec.Code, rec.Body.String())
	}

	q = startAt(t, h, "/connect/microsoft", "login.microsoftonline.com")
	rec := get(h, "/callback/microsoft?state="+url.QueryEscape(q.Get("state"))+
		"&error=access_denied&error_description="+url.QueryEscape("AADSTS65004: User declined to consent to access the app."))
	if !strings.Contains(rec.Body.String(), "access_denied") || !strings.Contains(rec.Body.String(), "AADSTS65004") {
		t.Errorf("declined consent = %d %q; want the error shown", rec.Code, rec.Body.String())
	}
	select {
	case got := <-a.done:
		t.Errorf("done = %q after refusals only", got)
	default:
	}
}
