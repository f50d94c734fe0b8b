package graph

import (
	"context"
	"net/http"
	"time"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/internal/oauthtoken"
	"github.com/inboxkit/inboxkit/provider"
)

// TokenSourceOptions configure a TokenSource.
type TokenSourceOptions struct {
	// Save persists every refreshed token, typically sealed with the
	// crypto package. Microsoft sends a new refresh token with every
	// refresh and expects the old one to be discarded; the newest one is
	// the one whose 90-day inactivity window (AADSTS700082) keeps moving,
	// so a host that loses it ends up disconnected. Nil keeps tokens in
	// memory only.
	Save func(ctx context.Context, tok *oauth2.Token) error
	// HTTPClient carries token requests; nil means http.DefaultClient.
	HTTPClient *http.Client
	// EarlyExpiry refreshes this long before the access token expires;
	// zero means one minute.
	EarlyExpiry time.Duration
	// Timeout bounds one refresh and its Save; zero means 30 seconds.
	Timeout time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// TokenSource is an oauth2.TokenSource over a stored Microsoft token. It
// refreshes before the access token expires, runs one refresh however many
// goroutines need a token at the same time, and hands out a refreshed
// token only after Save stored it. When Save fails, Token returns
// ErrTemporary but keeps the new token (and its rotated refresh token) in
// memory, and the next call saves it again without refreshing, so a
// passing storage outage never loses the only valid refresh token. A
// response without a refresh_token keeps the previous one. Token-endpoint
// failures are mapped as tokenError says: a dead grant (invalid_grant such
// as AADSTS700082, interaction_required, a revoked consent) is ErrAuth, a
// 5xx, 429 or temporarily_unavailable is ErrTemporary. Its Invalidate
// method makes a Provider's one retry after a 401 get a new access token. It is safe for concurrent use.
type TokenSource struct {
	src *oauthtoken.Source
}

var _ oauthtoken.Invalidator = (*TokenSource)(nil)

// NewTokenSource returns a TokenSource starting from tok (which needs a
// RefreshToken, i.e. offline_access, to outlive its access token). cfg is
// the Config the token was issued for.
func NewTokenSource(cfg *oauth2.Config, tok *oauth2.Token, opts *TokenSourceOptions) *TokenSource {
	var o oauthtoken.Options
	if opts != nil {
		o = oauthtoken.Options{Save: opts.Save, HTTPClient: opts.HTTPClient, EarlyExpiry: opts.EarlyExpiry, Timeout: opts.Timeout, Now: opts.Now}
	}
	return &TokenSource{src: oauthtoken.NewSource(cfg, tok, provider.KindGraph, tokenError, o)}
}

// Token returns a valid access token, refreshing it when it is about to
// expire. Only one refresh runs at a time; callers waiting for it get its
// result.
func (ts *TokenSource) Token() (*oauth2.Token, error) { return ts.src.Token() }

// Invalidate marks tok as rejected by Graph: when it is the current access
// token, the next Token call refreshes.
func (ts *TokenSource) Invalidate(tok *oauth2.Token) { ts.src.Invalidate(tok) }

// Refreshes counts the refreshes made, for tests and metrics.
func (ts *TokenSource) Refreshes() int { return ts.src.Refreshes() }
