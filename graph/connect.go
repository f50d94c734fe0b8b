package graph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/internal/oauthtoken"
	"github.com/inboxkit/inboxkit/provider"
)

// Flow runs the OAuth connect flow for one app registration: Start makes
// the sign-in URL, Exchange turns the callback into a token after checking
// the user signed in as the expected address. A Flow is safe for
// concurrent use; it keeps no per-user state (the host keeps the Pending).
type Flow struct {
	// Config is the OAuth client, usually from OAuthConfig.
	Config *oauth2.Config
	// BaseURL is the Graph API root for the /me check; empty means
	// DefaultBaseURL.
	BaseURL string
	// HTTPClient carries token and Graph requests; nil means
	// http.DefaultClient.
	HTTPClient *http.Client
}

// Pending is a started connect flow, the same type for Microsoft and
// Google. The host keeps it (in the user's session, server side) until the
// callback arrives; Verifier is secret. Its fields are Email (the address
// the user is expected to sign in as), State (the anti-CSRF value
// Microsoft returns in the callback), Verifier (the PKCE code verifier,
// RFC 7636) and URL (where to send the user's browser).
type Pending = oauthtoken.Pending

var errNoRefresh = errors.New("graph: no refresh token was issued: ask for offline_access")

// Start begins connecting the mailbox email: a sign-in URL with a random
// state, a PKCE S256 challenge, a login_hint of email, and
// prompt=select_account, which shows the account picker instead of
// silently reusing whichever account the browser is signed in with.
// Unlike Google, Microsoft issues a refresh token whenever offline_access
// is asked for, so consent is not forced: prompt=consent would add
// nothing, and in tenants that restrict user consent it sends even users
// whose admin already consented to "Need admin approval" (AADSTS90094).
// A Config whose tenant is not valid (see ValidTenant) is ErrInvalid.
func (f *Flow) Start(email string) (*Pending, error) { return f.flow().Start(email) }

// Exchange completes the flow from the callback's state and code. It
// checks state in constant time (ErrInvalid naming "state"), redeems the
// code with the PKCE verifier (a refused code is ErrAuth), checks every
// permission asked for was granted (ErrPermission; the token's scope lists
// short names and leaves out offline_access, whose sign is the refresh
// token), and reads /me to check the signed-in address — mail, else
// userPrincipalName — equals p.Email case-insensitively
// (ErrAccountMismatch).
func (f *Flow) Exchange(ctx context.Context, p *Pending, state, code string) (*oauth2.Token, error) {
	return f.flow().Exchange(ctx, p, state, code)
}

// flow is the shared connect flow with Microsoft's parts.
func (f *Flow) flow() *oauthtoken.Flow {
	return &oauthtoken.Flow{
		Kind: provider.KindGraph, Config: f.Config, HTTPClient: f.HTTPClient,
		AuthParams:   []oauth2.AuthCodeOption{oauth2.SetAuthURLParam("prompt", "select_account")},
		CheckConfig:  checkTenant,
		TokenError:   tokenError,
		Granted:      func(tok *oauth2.Token) error { return granted(tok, f.Config.Scopes) },
		CheckAccount: f.checkAccount,
	}
}

// checkTenant refuses a Config whose authorize URL names an invalid tenant.
func checkTenant(cfg *oauth2.Config) error {
	if tenant, ok := tenantOf(cfg.Endpoint.AuthURL); ok && !validTenant(tenant) {
		return &provider.Error{Op: "connect", Provider: provider.KindGraph, Code: provider.ErrInvalid, Field: "tenant",
			Err: fmt.Errorf("%w: %q", errBadTenant, tenant)}
	}
	return nil
}

// granted checks the token's scope covers every permission asked for, and
// that a refresh token came when offline_access was asked for.
func granted(tok *oauth2.Token, scopes []string) error {
	if g, ok := tok.Extra("scope").(string); ok && g != "" {
		if missing := missingScope(scopes, g); missing != "" {
			return fmt.Errorf("graph: permission %s was not granted", missing)
		}
	}
	if slices.Contains(scopes, ScopeOfflineAccess) && tok.RefreshToken == "" {
		return errNoRefresh
	}
	return nil
}

// checkAccount reads /me with tok through a Provider for email: Verify
// checks the signed-in address.
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
