package graph

import (
	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/internal/oauthtoken"
	"github.com/inboxkit/inboxkit/provider"
)

// TokenSourceOptions configure a TokenSource: Save persists every
// refreshed token, typically sealed with the crypto package (nil keeps
// tokens in memory only); HTTPClient carries token requests; EarlyExpiry
// (one minute) refreshes that long before expiry; Timeout (30 seconds)
// bounds one refresh and its Save; Now is the clock. The same type as
// gmail.TokenSourceOptions.
//
// Microsoft sends a new refresh token with every refresh and expects the
// old one to be discarded; the newest one is the one whose 90-day
// inactivity window (AADSTS700082) keeps moving, so a host that does not
// Save it ends up disconnected.
type TokenSourceOptions = oauthtoken.Options

// TokenSource is an oauth2.TokenSource over a stored Microsoft token (the
// same type as gmail.TokenSource). It refreshes before the access token
// expires, runs one refresh however many goroutines need a token at the
// same time, and hands out a refreshed token only after Save stored it.
// When Save fails, Token returns ErrTemporary but keeps the new token (and
// its rotated refresh token) in memory, and the next call saves it again
// without refreshing, so a passing storage outage never loses the only
// valid refresh token. A response without a refresh_token keeps the
// previous one. Token-endpoint failures are mapped to provider errors: a
// dead grant (invalid_grant such as AADSTS700082, interaction_required, a
// revoked consent) is ErrAuth, a 5xx, 429 or temporarily_unavailable is
// ErrTemporary. Invalidate makes a Provider's one retry after a 401 get a
// new access token; Refreshes counts refreshes. It is safe for concurrent
// use.
type TokenSource = oauthtoken.Source

// NewTokenSource returns a TokenSource for Microsoft starting from tok
// (which needs a RefreshToken, i.e. offline_access, to outlive its access
// token). cfg is the Config the token was issued for; opts may be nil.
func NewTokenSource(cfg *oauth2.Config, tok *oauth2.Token, opts *TokenSourceOptions) *TokenSource {
	return oauthtoken.NewSource(cfg, tok, provider.KindGraph, tokenError, opts)
}
