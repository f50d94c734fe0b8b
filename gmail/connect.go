package gmail

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/internal/oauthtoken"
	"github.com/inboxkit/inboxkit/provider"
	"golang.org/x/oauth2"
	gmailapi "google.golang.org/api/gmail/v1"
	"google.golang.org/api/option"
)

// Flow runs the OAuth connect flow for one Google client: Start makes the
// consent URL, Exchange turns the callback into a token after checking the
// user signed in as the expected address. A Flow is safe for concurrent
// use; it keeps no per-user state (the host keeps the Pending).
type Flow struct {
	// Config is the OAuth client, usually from OAuthConfig.
	Config *oauth2.Config
	// Endpoint is the Gmail API base URL for the profile check; empty
	// means Google's.
	Endpoint string
	// HTTPClient carries token and API requests; nil means
	// http.DefaultClient.
	HTTPClient *http.Client
}

// Pending is a started connect flow, the same type for Google and
// Microsoft. The host keeps it (in the user's session, server side) until
// the callback arrives; Verifier is secret. Its fields are Email (the
// address the user is expected to sign in as), State (the anti-CSRF value
// Google returns in the callback), Verifier (the PKCE code verifier, RFC
// 7636) and URL (where to send the user's browser).
type Pending = oauthtoken.Pending

// Start begins connecting the mailbox email: a consent URL with a random
// state, a PKCE S256 challenge, offline access (so a refresh token is
// issued), consent prompted (so it is issued again on a reconnect), and a
// login_hint of email.
func (f *Flow) Start(email string) (*Pending, error) { return f.flow().Start(email) }

// Exchange completes the flow from the callback's state and code. It
// checks state in constant time (ErrInvalid naming "state"), redeems the
// code with the PKCE verifier, checks every scope asked for was granted
// (Google lets the user untick some: ErrPermission), and checks the
// signed-in address equals p.Email case-insensitively
// (ErrAccountMismatch), reading it from users.getProfile when a read
// scope was granted and from the ID token otherwise.
func (f *Flow) Exchange(ctx context.Context, p *Pending, state, code string) (*oauth2.Token, error) {
	return f.flow().Exchange(ctx, p, state, code)
}

// flow is the shared connect flow with Google's parts.
func (f *Flow) flow() *oauthtoken.Flow {
	return &oauthtoken.Flow{
		Kind: provider.KindGmail, Config: f.Config, HTTPClient: f.HTTPClient,
		AuthParams: []oauth2.AuthCodeOption{
			oauth2.AccessTypeOffline,
			oauth2.SetAuthURLParam("prompt", "consent"),
			oauth2.SetAuthURLParam("include_granted_scopes", "true"),
		},
		TokenError: tokenError,
		Granted:    f.granted,
		CheckAccount: func(ctx context.Context, tok *oauth2.Token, email string) error {
			got, err := f.signedInAs(ctx, tok)
			if err != nil {
				return err
			}
			if !strings.EqualFold(got, email) {
				return &provider.Error{Op: "connect", Provider: provider.KindGmail, Code: provider.ErrAccountMismatch, Err: mismatchError(email, got)}
			}
			return nil
		},
	}
}

// granted checks every scope asked for is in the token's scope (openid is
// never listed; email may show as userinfo.email).
func (f *Flow) granted(tok *oauth2.Token) error {
	granted, ok := tok.Extra("scope").(string)
	if !ok || granted == "" {
		return nil
	}
	have := strings.Fields(granted)
	for _, want := range f.Config.Scopes {
		if want != ScopeOpenID && !slices.Contains(have, want) && !(want == ScopeEmail && slices.Contains(have, "https://www.googleapis.com/auth/userinfo.email")) {
			return fmt.Errorf("gmail: scope %s was not granted", want)
		}
	}
	return nil
}

func (f *Flow) signedInAs(ctx context.Context, tok *oauth2.Token) (string, error) {
	if readScope(f.Config.Scopes) {
		base := f.HTTPClient
		if base == nil {
			base = http.DefaultClient
		}
		hc := &http.Client{Transport: &oauth2.Transport{Source: oauth2.StaticTokenSource(tok), Base: base.Transport}, Timeout: base.Timeout}
		opts := []option.ClientOption{option.WithHTTPClient(hc)}
		if f.Endpoint != "" {
			opts = append(opts, option.WithEndpoint(f.Endpoint))
		}
		svc, err := gmailapi.NewService(ctx, opts...)
		if err != nil {
			return "", &provider.Error{Op: "connect", Provider: provider.KindGmail, Code: provider.ErrInvalid, Field: "Endpoint", Err: err}
		}
		prof, err := svc.Users.GetProfile("me").Context(ctx).Do()
		if err != nil {
			return "", classify("connect", err, time.Now())
		}
		return prof.EmailAddress, nil
	}
	return idTokenEmail(tok)
}

// idTokenEmail reads the verified email claim of the ID token that came
// with tok. The token came straight from Google's token endpoint over TLS,
// which OpenID Connect Core §3.1.3.7 accepts in place of checking its
// signature.
func idTokenEmail(tok *oauth2.Token) (string, error) {
	fail := func(err error) (string, error) {
		return "", &provider.Error{Op: "connect", Provider: provider.KindGmail, Code: provider.ErrPermission, Err: err}
	}
	raw, _ := tok.Extra("id_token").(string)
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return fail(errors.New("gmail: no ID token: ask for the openid and email scopes"))
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return fail(fmt.Errorf("gmail: ID token payload: %w", err))
	}
	var claims struct {
		Email         string `json:"email"`
		EmailVerified bool   `json:"email_verified"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		return fail(fmt.Errorf("gmail: ID token payload: %w", err))
	}
	if claims.Email == "" || !claims.EmailVerified {
		return fail(errors.New("gmail: ID token has no verified email"))
	}
	return claims.Email, nil
}
