package graph

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/provider"
)

// Flow runs the OAuth connect flow for one app registration: Start makes
// the sign-in URL, Exchange turns the callback into a token after checking
// the user signed in as the expected address. A Flow is safe for
// concurrent use; it keeps no per-user state (the host keeps the Pending).
type Flow struct {
	// Config is the OAuth client, usually from Config.
	Config *oauth2.Config
	// BaseURL is the Graph API root for the /me check; empty means
	// DefaultBaseURL.
	BaseURL string
	// HTTPClient carries token and Graph requests; nil means
	// http.DefaultClient.
	HTTPClient *http.Client
}

// Pending is a started connect flow. The host keeps it (in the user's
// session, server side) until the callback arrives; Verifier is secret.
type Pending struct {
	// Email is the address the user is expected to sign in as.
	Email string
	// State is the anti-CSRF value Microsoft returns in the callback.
	State string
	// Verifier is the PKCE code verifier (RFC 7636).
	Verifier string
	// URL is where to send the user's browser.
	URL string
}

var (
	errStateMismatch = errors.New("graph: OAuth state does not match the one issued")
	errNoCode        = errors.New("graph: OAuth callback has no code")
	errNoConfig      = errors.New("graph: Flow has no oauth2.Config")
	errNoRefresh     = errors.New("graph: no refresh token was issued: ask for offline_access")
)

// Start begins connecting the mailbox email: a sign-in URL with a random
// state, a PKCE S256 challenge, a login_hint of email, and
// prompt=select_account, which shows the account picker instead of
// silently reusing whichever account the browser is signed in with.
// Unlike Google, Microsoft issues a refresh token whenever offline_access
// is asked for, so consent is not forced: prompt=consent would add
// nothing, and in tenants that restrict user consent it sends even users
// whose admin already consented to "Need admin approval" (AADSTS90094).
// A Config whose tenant is not valid (see ValidTenant) is ErrInvalid.
func (f *Flow) Start(email string) (*Pending, error) {
	invalid := func(field string, err error) error {
		return &provider.Error{Op: "connect", Provider: provider.KindGraph, Code: provider.ErrInvalid, Field: field, Err: err}
	}
	if f.Config == nil {
		return nil, invalid("Config", errNoConfig)
	}
	if tenant, ok := tenantOf(f.Config.Endpoint.AuthURL); ok && !validTenant(tenant) {
		return nil, invalid("tenant", fmt.Errorf("%w: %q", errBadTenant, tenant))
	}
	if err := provider.ValidEmail(email); err != nil {
		return nil, invalid("email", err)
	}
	var b [24]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	p := &Pending{Email: email, State: base64.RawURLEncoding.EncodeToString(b[:]), Verifier: oauth2.GenerateVerifier()}
	p.URL = f.Config.AuthCodeURL(p.State,
		oauth2.S256ChallengeOption(p.Verifier),
		oauth2.SetAuthURLParam("login_hint", email),
		oauth2.SetAuthURLParam("prompt", "select_account"),
	)
	return p, nil
}

// Exchange completes the flow from the callback's state and code. It
// checks state in constant time (ErrInvalid naming "state"), redeems the
// code with the PKCE verifier (a refused code is ErrAuth), checks every
// permission asked for was granted (ErrPermission; the token's scope lists
// short names and leaves out offline_access, whose sign is the refresh
// token), and reads /me to check the signed-in address — mail, else
// userPrincipalName — equals p.Email case-insensitively
// (ErrAccountMismatch).
func (f *Flow) Exchange(ctx context.Context, p *Pending, state, code string) (*oauth2.Token, error) {
	fail := func(code error, field string, err error) error {
		return &provider.Error{Op: "connect", Provider: provider.KindGraph, Code: code, Field: field, Err: err}
	}
	if f.Config == nil {
		return nil, fail(provider.ErrInvalid, "Config", errNoConfig)
	}
	if p == nil || p.State == "" || subtle.ConstantTimeCompare([]byte(p.State), []byte(state)) != 1 {
		return nil, fail(provider.ErrInvalid, "state", errStateMismatch)
	}
	if code == "" {
		return nil, fail(provider.ErrInvalid, "code", errNoCode)
	}
	tctx := ctx
	if f.HTTPClient != nil {
		tctx = context.WithValue(ctx, oauth2.HTTPClient, f.HTTPClient)
	}
	tok, err := f.Config.Exchange(tctx, code, oauth2.VerifierOption(p.Verifier))
	if err != nil {
		return nil, tokenError("connect", err)
	}
	if granted, ok := tok.Extra("scope").(string); ok && granted != "" {
		if missing := missingScope(f.Config.Scopes, granted); missing != "" {
			return nil, fail(provider.ErrPermission, "", fmt.Errorf("graph: permission %s was not granted", missing))
		}
	}
	for _, s := range f.Config.Scopes {
		if s == ScopeOfflineAccess && tok.RefreshToken == "" {
			return nil, fail(provider.ErrPermission, "", errNoRefresh)
		}
	}
	if err := f.checkAccount(ctx, tok, p.Email); err != nil {
		return nil, err
	}
	return tok, nil
}

// checkAccount reads /me with tok through a Provider for email.
func (f *Flow) checkAccount(ctx context.Context, tok *oauth2.Token, email string) error {
	prov, err := New(ctx, oauth2.StaticTokenSource(tok), &Options{Email: email, BaseURL: f.BaseURL, HTTPClient: f.HTTPClient})
	if err != nil {
		return retag(err)
	}
	defer prov.Close()
	return retag(prov.Verify(ctx))
}

// retag reports a Provider's failure as the connect step's own.
func retag(err error) error {
	var pe *provider.Error
	if err == nil || !errors.As(err, &pe) {
		return err
	}
	return &provider.Error{Op: "connect", Provider: provider.KindGraph, Code: pe.Code, Field: pe.Field, Err: err}
}
