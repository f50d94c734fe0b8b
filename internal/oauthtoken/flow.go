package oauthtoken

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/provider"
)

// Pending is a started connect flow: gmail.Pending and graph.Pending. The
// host keeps it (in the user's session, server side) until the callback
// arrives; Verifier is secret.
type Pending struct {
	// Email is the address the user is expected to sign in as.
	Email string
	// State is the anti-CSRF value the identity provider returns in the
	// callback.
	State string
	// Verifier is the PKCE code verifier (RFC 7636).
	Verifier string
	// URL is where to send the user's browser.
	URL string
}

// Flow is the connect flow behind gmail.Flow and graph.Flow: the state
// and PKCE bookkeeping and the code exchange are here, and the provider
// supplies what differs between Google and Microsoft.
type Flow struct {
	// Kind names the provider in errors.
	Kind provider.Kind
	// Config is the OAuth client.
	Config *oauth2.Config
	// HTTPClient carries token requests; nil means http.DefaultClient.
	HTTPClient *http.Client
	// AuthParams are the provider's own authorization URL parameters
	// (offline access, prompt …) beside state, the PKCE challenge and
	// login_hint.
	AuthParams []oauth2.AuthCodeOption
	// CheckConfig checks Config before Start; nil means no check.
	CheckConfig func(*oauth2.Config) error
	// TokenError classifies a failed code exchange (op "connect").
	TokenError func(op string, err error) error
	// Granted checks the token carries everything asked for; its error
	// is reported as ErrPermission. Nil means no check.
	Granted func(tok *oauth2.Token) error
	// CheckAccount checks the token signed in as email (ErrAccountMismatch
	// otherwise); it returns *provider.Error values of its own.
	CheckAccount func(ctx context.Context, tok *oauth2.Token, email string) error
}

func (f *Flow) fail(code error, field string, err error) error {
	return &provider.Error{Op: "connect", Provider: f.Kind, Code: code, Field: field, Err: err}
}

// Start begins connecting the mailbox email: a consent URL with a random
// state, a PKCE S256 challenge, a login_hint of email and AuthParams.
func (f *Flow) Start(email string) (*Pending, error) {
	if f.Config == nil {
		return nil, f.fail(provider.ErrInvalid, "Config", fmt.Errorf("%s: Flow has no oauth2.Config", f.Kind))
	}
	if f.CheckConfig != nil {
		if err := f.CheckConfig(f.Config); err != nil {
			return nil, err
		}
	}
	if err := provider.ValidEmail(email); err != nil {
		return nil, f.fail(provider.ErrInvalid, "email", err)
	}
	var b [24]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	p := &Pending{Email: email, State: base64.RawURLEncoding.EncodeToString(b[:]), Verifier: oauth2.GenerateVerifier()}
	opts := append([]oauth2.AuthCodeOption{
		oauth2.S256ChallengeOption(p.Verifier),
		oauth2.SetAuthURLParam("login_hint", email),
	}, f.AuthParams...)
	p.URL = f.Config.AuthCodeURL(p.State, opts...)
	return p, nil
}

// Exchange completes the flow from the callback's state and code: it
// checks state in constant time (ErrInvalid naming "state"), redeems the
// code with the PKCE verifier (a failure goes through TokenError), then
// runs Granted (ErrPermission) and CheckAccount.
func (f *Flow) Exchange(ctx context.Context, p *Pending, state, code string) (*oauth2.Token, error) {
	if f.Config == nil {
		return nil, f.fail(provider.ErrInvalid, "Config", fmt.Errorf("%s: Flow has no oauth2.Config", f.Kind))
	}
	if p == nil || p.State == "" || subtle.ConstantTimeCompare([]byte(p.State), []byte(state)) != 1 {
		return nil, f.fail(provider.ErrInvalid, "state", fmt.Errorf("%s: OAuth state does not match the one issued", f.Kind))
	}
	if code == "" {
		return nil, f.fail(provider.ErrInvalid, "code", fmt.Errorf("%s: OAuth callback has no code", f.Kind))
	}
	tctx := ctx
	if f.HTTPClient != nil {
		tctx = context.WithValue(ctx, oauth2.HTTPClient, f.HTTPClient)
	}
	tok, err := f.Config.Exchange(tctx, code, oauth2.VerifierOption(p.Verifier))
	if err != nil {
		return nil, f.TokenError("connect", err)
	}
	if f.Granted != nil {
		if err := f.Granted(tok); err != nil {
			return nil, f.fail(provider.ErrPermission, "", err)
		}
	}
	if err := f.CheckAccount(ctx, tok, p.Email); err != nil {
		return nil, err
	}
	return tok, nil
}
