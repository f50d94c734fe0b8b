package graph_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/graph"
	"github.com/inboxkit/inboxkit/internal/fakegraph"
	"github.com/inboxkit/inboxkit/provider"
)

func TestFlow_Start(t *testing.T) {
	ms := newMSTokens(t)
	f := &graph.Flow{Config: ms.config(graph.AccessSendRead)}
	p1 := ms.start(t, f, "ada@contoso.example")
	p2 := ms.start(t, f, "ada@contoso.example")
	if p1.State == p2.State || p1.Verifier == p2.Verifier || len(p1.State) < 32 || len(p1.Verifier) < 43 {
		t.Errorf("states %q %q and verifiers are not fresh random values", p1.State, p2.State)
	}
	u, _ := url.Parse(p1.URL)
	if got := u.Scheme + "://" + u.Host + u.Path; got != graph.LoginURL+"/contoso.onmicrosoft.com/oauth2/v2.0/authorize" {
		t.Errorf("sign-in URL %s is not the tenant's v2.0 authorize endpoint", got)
	}
	q := u.Query()
	want := map[string]string{
		"client_id": "client-id", "response_type": "code", "redirect_uri": ms.redirect, "state": p1.State,
		"scope": "offline_access User.Read Mail.Send Mail.Read", "login_hint": "ada@contoso.example",
		"prompt": "select_account", "code_challenge_method": "S256",
		"code_challenge": oauth2.S256ChallengeFromVerifier(p1.Verifier),
	}
	for k, v := range want {
		if got := q.Get(k); got != v {
			t.Errorf("sign-in URL %s = %q; want %q", k, got, v)
		}
	}
	// Google-only parameters mean nothing to Microsoft.
	for _, k := range []string{"access_type", "include_granted_scopes"} {
		if q.Has(k) {
			t.Errorf("sign-in URL has %s", k)
		}
	}

	bad := []struct {
		name  string
		f     *graph.Flow
		email string
		field string
	}{
		{"bad address", f, "not an address", "email"},
		{"bad tenant", &graph.Flow{Config: graph.OAuthConfig("evil/../common", "id", "", ms.redirect, graph.AccessSendRead)}, "ada@contoso.example", "tenant"},
		{"no config", &graph.Flow{}, "ada@contoso.example", "Config"},
	}
	for _, tc := range bad {
		var pe *provider.Error
		if _, err := tc.f.Start(tc.email); !errors.Is(err, provider.ErrInvalid) || !errors.As(err, &pe) || pe.Field != tc.field {
			t.Errorf("Start with %s = %v; want ErrInvalid naming %q", tc.name, err, tc.field)
		}
	}
}

func TestFlow_Exchange(t *testing.T) {
	const ada = "ada@contoso.example"
	tests := []struct {
		name      string
		access    graph.Access
		expect    string // Pending.Email
		signedIn  string // the mailbox the code's token is for
		mailNull  bool   // /me has no mail, only userPrincipalName
		state     string // "" means the right one
		code      string // the callback's code
		verifier  string // overrides the PKCE verifier sent
		granted   string // overrides the scope value of the response
		public    bool   // a public client: no secret
		noRefresh bool   // the response has no refresh token
		revoked   bool   // the access token is revoked before /me
		want      error  // nil: success
		field     string // the Field of an ErrInvalid
		check     func(*msTokens) string
	}{
		{name: "right account", access: graph.AccessSendRead, expect: ada, signedIn: ada, code: "good-code"},
		{name: "case-insensitive", access: graph.AccessSendRead, expect: "ADA@Contoso.Example", signedIn: ada, code: "good-code"},
		{name: "userPrincipalName when mail is null", access: graph.AccessSend, expect: ada, signedIn: ada, mailNull: true, code: "good-code"},
		{name: "wrong account", access: graph.AccessSendRead, expect: ada, signedIn: "eve@contoso.example", code: "good-code", want: provider.ErrAccountMismatch},
		{name: "wrong account by userPrincipalName", access: graph.AccessSendRead, expect: ada, signedIn: "eve@contoso.example", mailNull: true, code: "good-code", want: provider.ErrAccountMismatch},
		{name: "forged state", access: graph.AccessSendRead, expect: ada, signedIn: ada, state: "forged", code: "good-code", want: provider.ErrInvalid, field: "state"},
		{name: "no code", access: graph.AccessSendRead, expect: ada, signedIn: ada, want: provider.ErrInvalid, field: "code"},
		{name: "stolen code", access: graph.AccessSendRead, expect: ada, signedIn: ada, code: "stolen-code", want: provider.ErrAuth},
		{name: "wrong PKCE verifier", access: graph.AccessSendRead, expect: ada, signedIn: ada, code: "good-code", verifier: oauth2.GenerateVerifier(), want: provider.ErrAuth},
		{name: "Mail.Read missing", access: graph.AccessSendRead, expect: ada, signedIn: ada, code: "good-code", granted: "Mail.Send User.Read openid profile email", want: provider.ErrPermission},
		{name: "Mail.Send.Shared missing", access: graph.AccessSendOnBehalf, expect: ada, signedIn: ada, code: "good-code", granted: "Mail.Send Mail.ReadWrite User.Read", want: provider.ErrPermission},
		{name: "broader grant covers Mail.Read", access: graph.AccessSendRead, expect: ada, signedIn: ada, code: "good-code", granted: "Mail.ReadWrite Mail.Send User.Read"},
		{name: "full URIs, percent-encoded, any case", access: graph.AccessSendRead, expect: ada, signedIn: ada, code: "good-code",
			granted: "https%3A%2F%2Fgraph.microsoft.com%2Fmail.read https%3A%2F%2Fgraph.microsoft.com%2Fmail.send https%3A%2F%2Fgraph.microsoft.com%2Fuser.read"},
		{name: "no refresh token", access: graph.AccessSendRead, expect: ada, signedIn: ada, code: "good-code", noRefresh: true, want: provider.ErrPermission},
		{name: "public client sends no secret", access: graph.AccessSendRead, expect: ada, signedIn: ada, code: "good-code", public: true,
			check: func(ms *msTokens) string {
				_, _, forms := ms.seen()
				if forms[0].Has("client_secret") || forms[0].Get("code_verifier") == "" {
					return "the code redemption carried a client secret or no verifier"
				}
				return ""
			}},
		{name: "token revoked before /me", access: graph.AccessSendRead, expect: ada, signedIn: ada, code: "good-code", revoked: true, want: provider.ErrAuth},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ms := newMSTokens(t)
			if tc.public {
				ms.secret = ""
			}
			ms.noRefresh = tc.noRefresh
			if tc.granted != "" {
				ms.granted = tc.granted
			} else {
				ms.granted = strings.Join(tc.access.Scopes()[1:], " ") // Microsoft leaves offline_access out
			}
			api := fakegraph.New(fakegraph.Options{Email: ada, Name: "Ada"})
			t.Cleanup(api.Close)
			api.SetToken("at-1", tc.signedIn, tc.access.Scopes()...)
			if tc.mailNull {
				api.ClearMail(tc.signedIn)
			}
			if tc.revoked {
				api.RevokeToken("at-1")
			}
			f := &graph.Flow{Config: ms.config(tc.access), BaseURL: api.URL(), HTTPClient: api.Client()}
			p := ms.start(t, f, tc.expect)
			state := p.State
			if tc.state != "" {
				state = tc.state
			}
			if tc.verifier != "" {
				p.Verifier = tc.verifier
			}
			tok, err := f.Exchange(context.Background(), p, state, tc.code)
			if tc.want == nil {
				if err != nil || tok.AccessToken != "at-1" || tok.RefreshToken != "rt-1" {
					t.Fatalf("Exchange = %v, %v; want the token with its refresh token", tok, err)
				}
				if tc.check != nil {
					if msg := tc.check(ms); msg != "" {
						t.Error(msg)
					}
				}
				return
			}
			var pe *provider.Error
			if !errors.Is(err, tc.want) || !errors.As(err, &pe) || pe.Field != tc.field || pe.Provider != provider.KindGraph || pe.Op != "connect" {
				t.Fatalf("Exchange error = %v; want %v from connect (field %q)", err, tc.want, tc.field)
			}
			if tok != nil {
				t.Errorf("Exchange returned a token with the error %v", err)
			}
		})
	}
}

// A token that works is not returned when the state is forged, and the
// code is never redeemed.
func TestFlow_ExchangeForgedStateRedeemsNothing(t *testing.T) {
	ms := newMSTokens(t)
	f := &graph.Flow{Config: ms.config(graph.AccessSendRead)}
	p := ms.start(t, f, "ada@contoso.example")
	for _, state := range []string{"", p.State[:len(p.State)-1], p.State + "x", strings.ToUpper(p.State)} {
		if state == p.State {
			continue
		}
		if _, err := f.Exchange(context.Background(), p, state, "good-code"); !errors.Is(err, provider.ErrInvalid) {
			t.Errorf("Exchange(state %q) = %v; want ErrInvalid", state, err)
		}
	}
	if _, err := f.Exchange(context.Background(), nil, p.State, "good-code"); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("Exchange(nil Pending) = %v; want ErrInvalid", err)
	}
	if _, _, forms := ms.seen(); len(forms) != 0 {
		t.Errorf("the token endpoint saw %d requests; want none", len(forms))
	}
}

func ExampleFlow_Exchange() {
	// Stand-ins for login.microsoftonline.com and graph.microsoft.com.
	ms := startMSTokens()
	defer ms.Close()
	api := fakegraph.New(fakegraph.Options{Email: "ada@contoso.example"})
	defer api.Close()
	api.SetToken("at-1", "ada@contoso.example", graph.AccessSendRead.Scopes()...)

	cfg := graph.OAuthConfig("contoso.onmicrosoft.com", "client-id", "client-secret", "https://app.example/oauth/microsoft", graph.AccessSendRead)
	cfg.Endpoint.TokenURL = ms.URL + "/contoso.onmicrosoft.com/oauth2/v2.0/token"
	f := &graph.Flow{Config: cfg, BaseURL: api.URL(), HTTPClient: api.Client()}

	p, err := f.Start("ada@contoso.example") // kept in the user's session
	if err != nil {
		log.Fatal(err)
	}
	u, _ := url.Parse(p.URL)
	ms.expect(u.Query().Get("code_challenge")) // what Microsoft's sign-in page remembers

	// Microsoft redirects the browser to the callback with state and code.
	tok, err := f.Exchange(context.Background(), p, p.State, "good-code")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("connected; refresh token:", tok.RefreshToken)

	// A callback whose state was not issued for this session is refused
	// before the code is redeemed.
	_, err = f.Exchange(context.Background(), p, "forged", "good-code")
	fmt.Println(errors.Is(err, provider.ErrInvalid))
	// Output:
	// connected; refresh token: rt-1
	// true
}
