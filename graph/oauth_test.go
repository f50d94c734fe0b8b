package graph_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/graph"
	"github.com/inboxkit/inboxkit/internal/fakegraph"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// msTokens is a fake Microsoft identity platform token endpoint
// (POST /{tenant}/oauth2/v2.0/token). It redeems one authorization code
// after checking the PKCE verifier against the challenge of the sign-in
// URL, rotates the refresh token on every refresh and then refuses the
// previous one, checks the client secret (and refuses one from a public
// client), and fails with the error bodies the real endpoint sends.
type msTokens struct {
	*httptest.Server
	tenant, clientID, secret, redirect string

	mu        sync.Mutex
	challenge string // code_challenge of the sign-in URL
	granted   string // the scope value of a code redemption
	noRefresh bool   // redeem a code without a refresh token
	mode      string // refresh failure; "" succeeds, "no-rotation" keeps the refresh token
	current   string // the one refresh token accepted
	issued    int
	refreshes int
	delay     time.Duration
	forms     []url.Values
}

// msErrorBodies are token-endpoint failures as Microsoft sends them.
var msErrorBodies = map[string]struct {
	status int
	body   string
}{
	"expired":  {400, `{"error":"invalid_grant","error_description":"AADSTS700082: The refresh token has expired due to inactivity. The token was issued on 2024-01-02T10:00:00Z and was inactive for 90.00:00:00.\r\nTrace ID: 0000aaaa-11bb-cccc-dd22-eeeeee333333\r\nCorrelation ID: aaaa0000-bb11-2222-33cc-444444dddddd\r\nTimestamp: 2024-04-02 10:00:00Z","error_codes":[700082],"timestamp":"2024-04-02 10:00:00Z","trace_id":"0000aaaa-11bb-cccc-dd22-eeeeee333333","correlation_id":"aaaa0000-bb11-2222-33cc-444444dddddd","error_uri":"https://login.microsoftonline.com/error?code=700082"}`},
	"replaced": {400, `{"error":"invalid_grant","error_description":"AADSTS70000: Provided grant is invalid or malformed.\r\nTrace ID: 1111bbbb-22cc-dddd-ee33-ffffff444444","error_codes":[70000],"error_uri":"https://login.microsoftonline.com/error?code=70000"}`},
	"mfa":      {400, `{"error":"interaction_required","error_description":"AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000003-0000-0000-c000-000000000000'.","error_codes":[50076],"suberror":"basic_action"}`},
	"secret":   {401, `{"error":"invalid_client","error_description":"AADSTS7000222: The provided client secret keys for app '00001111-aaaa-2222-bbbb-3333cccc4444' are expired.","error_codes":[7000222]}`},
	"503":      {503, `<html><body>Service Unavailable</body></html>`},
	"429":      {429, `{"error":"temporarily_unavailable","error_description":"AADSTS90055: TenantThrottlingError - There are too many incoming requests.","error_codes":[90055]}`},
	"busy":     {400, `{"error":"invalid_request","error_description":"AADSTS90033: A transient error has occurred. Please try again.","error_codes":[90033]}`},
	"unavail":  {400, `{"error":"temporarily_unavailable","error_description":"AADSTS90006: The service is temporarily unavailable."}`},
	// A code that matches a dead-grant code only as a prefix must not
	// be taken for it (700000 is not 70000).
	"prefix": {503, `{"error":"server_error","error_description":"AADSTS700000: something new went wrong","error_codes":[700000]}`},
}

func newMSTokens(t testing.TB) *msTokens {
	ms := startMSTokens()
	t.Cleanup(ms.Close)
	return ms
}

// startMSTokens starts an msTokens for the tenant contoso.onmicrosoft.com
// whose one valid refresh token is rt-1. Close it when done.
func startMSTokens() *msTokens {
	ms := &msTokens{tenant: "contoso.onmicrosoft.com", clientID: "client-id", secret: "client-secret",
		redirect: "https://app.example/oauth/microsoft", current: "rt-1", issued: 1}
	ms.granted = "Mail.Read Mail.Send User.Read profile openid email"
	ms.Server = httptest.NewServer(http.HandlerFunc(ms.serve))
	return ms
}

// seen returns the endpoint's refresh count, the refresh token it accepts
// now, and the forms it received.
func (ms *msTokens) seen() (refreshes int, current string, forms []url.Values) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return ms.refreshes, ms.current, append([]url.Values(nil), ms.forms...)
}

// config returns the Config for access with its token endpoint pointed at
// the fake (the sign-in URL stays Microsoft's: nothing fetches it).
func (ms *msTokens) config(access graph.Access) *oauth2.Config {
	cfg := graph.OAuthConfig(ms.tenant, ms.clientID, ms.secret, ms.redirect, access)
	cfg.Endpoint.TokenURL = ms.URL + "/" + ms.tenant + "/oauth2/v2.0/token"
	return cfg
}

func (ms *msTokens) fail(w http.ResponseWriter, name string) {
	e := msErrorBodies[name]
	w.WriteHeader(e.status)
	_, _ = w.Write([]byte(e.body))
}

func (ms *msTokens) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if r.Method != http.MethodPost || r.URL.Path != "/"+ms.tenant+"/oauth2/v2.0/token" {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	_ = r.ParseForm()
	f := r.PostForm
	ms.mu.Lock()
	ms.forms = append(ms.forms, f)
	ms.mu.Unlock()
	switch {
	case f.Get("client_id") != ms.clientID:
		w.WriteHeader(400)
		_, _ = w.Write([]byte(`{"error":"unauthorized_client","error_description":"AADSTS700016: Application with identifier 'x' was not found in the directory.","error_codes":[700016]}`))
		return
	case ms.secret == "" && f.Has("client_secret"):
		w.WriteHeader(401)
		_, _ = w.Write([]byte(`{"error":"invalid_client","error_description":"AADSTS700025: Client is public so neither 'client_assertion' nor 'client_secret' should be presented.","error_codes":[700025]}`))
		return
	case ms.secret != "" && f.Get("client_secret") != ms.secret:
		w.WriteHeader(401)
		_, _ = w.Write([]byte(`{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215]}`))
		return
	}
	switch f.Get("grant_type") {
	case "authorization_code":
		ms.redeem(w, f)
	case "refresh_token":
		ms.refresh(w, f)
	default:
		w.WriteHeader(400)
		_, _ = w.Write([]byte(`{"error":"unsupported_grant_type","error_codes":[70003]}`))
	}
}

func (ms *msTokens) redeem(w http.ResponseWriter, f url.Values) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	sum := sha256.Sum256([]byte(f.Get("code_verifier")))
	switch {
	case f.Get("code") != "good-code":
		w.WriteHeader(400)
		_, _ = w.Write([]byte(`{"error":"invalid_grant","error_description":"AADSTS70000: The provided value for the 'code' parameter is not valid.","error_codes":[70000]}`))
		return
	case f.Get("redirect_uri") != ms.redirect:
		w.WriteHeader(400)
		_, _ = w.Write([]byte(`{"error":"invalid_grant","error_description":"AADSTS70008: The provided authorization code or refresh token has expired due to inactivity.","error_codes":[70008]}`))
		return
	case ms.challenge == "" || base64.RawURLEncoding.EncodeToString(sum[:]) != ms.challenge:
		w.WriteHeader(400)
		_, _ = w.Write([]byte(`{"error":"invalid_grant","error_description":"AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.","error_codes":[501481]}`))
		return
	}
	resp := map[string]any{"token_type": "Bearer", "scope": ms.granted, "expires_in": 3599, "ext_expires_in": 3599, "access_token": "at-1"}
	if !ms.noRefresh {
		resp["refresh_token"] = ms.current
	}
	_ = json.NewEncoder(w).Encode(resp)
}

func (ms *msTokens) refresh(w http.ResponseWriter, f url.Values) {
	ms.mu.Lock()
	ms.refreshes++
	mode, delay := ms.mode, ms.delay
	ms.mu.Unlock()
	time.Sleep(delay) // lets concurrent callers pile up, or outlasts a timeout
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if mode != "" && mode != "no-rotation" {
		ms.fail(w, mode)
		return
	}
	if f.Get("refresh_token") != ms.current {
		ms.fail(w, "replaced")
		return
	}
	ms.issued++
	resp := map[string]any{"token_type": "Bearer", "scope": "Mail.Read Mail.Send User.Read", "expires_in": 3599,
		"access_token": "at-" + strconv.Itoa(ms.issued)}
	if mode != "no-rotation" {
		ms.current = "rt-" + strconv.Itoa(ms.issued)
		resp["refresh_token"] = ms.current
	}
	_ = json.NewEncoder(w).Encode(resp)
}

// start runs Flow.Start and records the PKCE challenge of its URL, as the
// real authorize endpoint would remember it for the code.
func (ms *msTokens) start(t *testing.T, f *graph.Flow, email string) *graph.Pending {
	t.Helper()
	p, err := f.Start(email)
	if err != nil {
		t.Fatalf("Start(%q): %v", email, err)
	}
	u, err := url.Parse(p.URL)
	if err != nil {
		t.Fatal(err)
	}
	ms.expect(u.Query().Get("code_challenge"))
	return p
}

// expect makes challenge the PKCE challenge the next code was issued for.
func (ms *msTokens) expect(challenge string) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	ms.challenge = challenge
}

func TestConfig_endpointsAndScopes(t *testing.T) {
	tests := []struct {
		tenant, auth, token string
	}{
		{"", "https://login.microsoftonline.com/common/oauth2/v2.0/authorize", "https://login.microsoftonline.com/common/oauth2/v2.0/token"},
		{"organizations", "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize", "https://login.microsoftonline.com/organizations/oauth2/v2.0/token"},
		{"contoso.onmicrosoft.com", "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize", "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"},
		{"a/b?c", "https://login.microsoftonline.com/a%2Fb%3Fc/oauth2/v2.0/authorize", "https://login.microsoftonline.com/a%2Fb%3Fc/oauth2/v2.0/token"},
	}
	for _, tc := range tests {
		cfg := graph.OAuthConfig(tc.tenant, "id", "", "http://localhost/cb", graph.AccessSendRead)
		if cfg.Endpoint.AuthURL != tc.auth || cfg.Endpoint.TokenURL != tc.token {
			t.Errorf("OAuthConfig(%q) endpoints = %s, %s; want %s, %s", tc.tenant, cfg.Endpoint.AuthURL, cfg.Endpoint.TokenURL, tc.auth, tc.token)
		}
		if cfg.Endpoint.AuthStyle != oauth2.AuthStyleInParams {
			t.Errorf("OAuthConfig(%q) AuthStyle = %v; want AuthStyleInParams", tc.tenant, cfg.Endpoint.AuthStyle)
		}
	}
	scopes := map[graph.Access]string{
		graph.AccessSendRead:      "offline_access User.Read Mail.Send Mail.Read",
		graph.AccessSend:          "offline_access User.Read Mail.Send",
		graph.AccessSendReadWrite: "offline_access User.Read Mail.Send Mail.ReadWrite",
		graph.AccessSendOnBehalf:  "offline_access User.Read Mail.Send Mail.ReadWrite Mail.Send.Shared",
		graph.Access(99):          "offline_access User.Read Mail.Send Mail.Read",
	}
	for a, want := range scopes {
		if got := strings.Join(a.Scopes(), " "); got != want {
			t.Errorf("%v.Scopes() = %q; want %q", a, got, want)
		}
		for _, s := range a.Scopes() {
			if s == graph.ScopeSendShared && a != graph.AccessSendOnBehalf {
				t.Errorf("%v asks for %s; only AccessSendOnBehalf may", a, s)
			}
		}
	}
}

func TestValidTenant(t *testing.T) {
	good := []string{"common", "organizations", "consumers", "Common", "contoso.onmicrosoft.com", "example.co.uk",
		"9188040d-6c67-4c5b-b112-36a304b66dad", "9188040D-6C67-4C5B-B112-36A304B66DAD"}
	bad := []string{"", "contoso", "a/b", "x..y", "-a.com", "a-.com", "9188040d-6c67-4c5b-b112-36a304b66dag",
		"common/oauth2", "a.com?x=1", "a b.com", "../common", strings.Repeat("a", 64) + ".com"}
	for _, s := range good {
		if err := graph.ValidTenant(s); err != nil {
			t.Errorf("ValidTenant(%q) = %v; want nil", s, err)
		}
	}
	for _, s := range bad {
		var pe *provider.Error
		if err := graph.ValidTenant(s); !errors.Is(err, provider.ErrInvalid) || !errors.As(err, &pe) || pe.Field != "tenant" {
			t.Errorf("ValidTenant(%q) = %v; want ErrInvalid naming tenant", s, err)
		}
	}
}

func ExampleOAuthConfig() {
	cfg := graph.OAuthConfig("organizations", "CLIENT_ID", "CLIENT_SECRET", "https://app.example/oauth/microsoft", graph.AccessSendRead)
	fmt.Println(cfg.Endpoint.AuthURL)
	fmt.Println(cfg.Endpoint.TokenURL)
	fmt.Println(strings.Join(cfg.Scopes, " "))
	// Output:
	// https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize
	// https://login.microsoftonline.com/organizations/oauth2/v2.0/token
	// offline_access User.Read Mail.Send Mail.Read
}

func ExampleAccess_Scopes() {
	for _, a := range []graph.Access{graph.AccessSend, graph.AccessSendRead, graph.AccessSendReadWrite, graph.AccessSendOnBehalf} {
		fmt.Printf("%-15s %s\n", a, strings.Join(a.Scopes(), " "))
	}
	// Output:
	// send            offline_access User.Read Mail.Send
	// send+read       offline_access User.Read Mail.Send Mail.Read
	// send+readwrite  offline_access User.Read Mail.Send Mail.ReadWrite
	// send+on-behalf  offline_access User.Read Mail.Send Mail.ReadWrite Mail.Send.Shared
}

func ExampleFlow_Start() {
	f := &graph.Flow{Config: graph.OAuthConfig("common", "CLIENT_ID", "CLIENT_SECRET", "https://app.example/oauth/microsoft", graph.AccessSendRead)}
	p, err := f.Start("ada@contoso.example")
	if err != nil {
		fmt.Println(err)
		return
	}
	// The host keeps p (State and Verifier) in the user's session and
	// redirects the browser to p.URL.
	u, _ := url.Parse(p.URL)
	q := u.Query()
	fmt.Println(u.Host + u.Path)
	for _, k := range []string{"response_type", "scope", "login_hint", "prompt", "code_challenge_method"} {
		fmt.Printf("%s=%s\n", k, q.Get(k))
	}
	fmt.Println(q.Get("state") == p.State, q.Get("code_challenge") == oauth2.S256ChallengeFromVerifier(p.Verifier))
	// Output:
	// login.microsoftonline.com/common/oauth2/v2.0/authorize
	// response_type=code
	// scope=offline_access User.Read Mail.Send Mail.Read
	// login_hint=ada@contoso.example
	// prompt=select_account
	// code_challenge_method=S256
	// true true
}

// Each Access is enough for what its documentation promises, and no more,
// against the fake's model of Graph's delegated permissions: Mail.Send
// alone sends with sendMail; a draft needs Mail.ReadWrite; Fetch needs a
// read permission that can download the MIME; sending on behalf needs
// Mail.Send.Shared.
func TestAccess_coversProviderOperations(t *testing.T) {
	const ada, bob = "ada@contoso.example", "bob@contoso.example"
	tests := []struct {
		access                         graph.Access
		direct, draft, fetch, onBehalf bool // which operations succeed
	}{
		{graph.AccessSend, true, false, false, false},
		{graph.AccessSendRead, true, false, true, false},
		{graph.AccessSendReadWrite, true, true, true, false},
		{graph.AccessSendOnBehalf, true, true, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.access.String(), func(t *testing.T) {
			api := fakegraph.New(fakegraph.Options{Email: ada, Name: "Ada"})
			t.Cleanup(api.Close)
			api.AddUser(bob, "Bob")
			api.GrantSendOnBehalf(bob, ada)
			api.SetToken("scoped", ada, tc.access.Scopes()...)
			ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "scoped"})
			newP := func(direct bool) *graph.Provider {
				p, err := graph.New(context.Background(), ts, graph.WithBackoff(&graph.Options{Email: ada, BaseURL: api.URL(), HTTPClient: api.Client(),
					SendWithDrafts: !direct, OnBehalfOf: []string{bob}}, providerkit.Backoff{Attempts: 1}))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = p.Close() })
				return p
			}
			direct, drafts := newP(true), newP(false)
			if err := direct.Verify(context.Background()); err != nil {
				t.Fatalf("Verify = %v", err)
			}
			check := func(op string, ok bool, err error) {
				t.Helper()
				switch {
				case ok && err != nil:
					t.Errorf("%s = %v; want success", op, err)
				case !ok && !errors.Is(err, provider.ErrPermission) && !errors.Is(err, provider.ErrNotAllowed):
					t.Errorf("%s = %v; want ErrPermission or ErrNotAllowed", op, err)
				}
			}
			mail := func(from, subject string) *provider.Message {
				return &provider.Message{From: provider.Address{Email: from}, To: []provider.Address{{Email: "cyd@elsewhere.example"}}, Subject: subject, Text: "Hello"}
			}
			_, err := direct.Send(context.Background(), mail(ada, "direct"))
			check("sendMail", tc.direct, err)
			_, err = drafts.Send(context.Background(), mail(ada, "draft"))
			check("draft and send", tc.draft, err)
			_, err = direct.Fetch(context.Background(), "", emptyIndex{})
			check("Fetch", tc.fetch, err)
			_, err = drafts.Send(context.Background(), mail(bob, "on behalf"))
			check("send on behalf", tc.onBehalf, err)
		})
	}
}

// emptyIndex is a SentIndex that knows no message.
type emptyIndex struct{}

func (emptyIndex) ByMessageID(context.Context, string) (*provider.SentRecord, error) {
	return nil, provider.ErrNotFound
}

func (emptyIndex) ByThread(context.Context, string, string) (*provider.SentRecord, error) {
	return nil, provider.ErrNotFound
}
