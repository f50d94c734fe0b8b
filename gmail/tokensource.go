package gmail

import (
	"github.com/inboxkit/inboxkit/internal/oauthtoken"
	"github.com/inboxkit/inboxkit/provider"
	"golang.org/x/oauth2"
)

// tokenError classifies a failure of Google's token endpoint: a dead grant
// (invalid_grant: revoked, expired, password changed) or a rejected client
// is ErrAuth; a 5xx, a 429 or a network failure is ErrTemporary (see
// oauthtoken.TokenRules).
func tokenError(op string, err error) error {
	return oauthtoken.TokenRules{Kind: provider.KindGmail}.Classify(op, err)
}

// TokenSourceOptions configure a TokenSource: Save persists every
// refreshed token (with a rotated refresh token when Google sent one),
// typically sealed with the crypto package (nil keeps tokens in memory
// only); HTTPClient carries token requests; EarlyExpiry (one minute)
// refreshes that long before expiry; Timeout (30 seconds) bounds one
// refresh and its Save; Now is the clock. The same type as
// graph.TokenSourceOptions.
type TokenSourceOptions = oauthtoken.Options

// TokenSource is an oauth2.TokenSource over a stored token (the same type
// as graph.TokenSource). Token refreshes before expiry, refreshes once
// however many goroutines need a token at the same time, persists every
// refreshed token through Save (a failed Save is ErrTemporary; the token is
// kept and saved on the next call), and maps token-endpoint failures to
// provider errors (a dead grant is ErrAuth, a 5xx, 429 or network failure
// ErrTemporary). Invalidate makes a Provider's one retry after a 401 get a
// really new access token; Refreshes counts refreshes. It is safe for
// concurrent use.
type TokenSource = oauthtoken.Source

// NewTokenSource returns a TokenSource for Google starting from tok (which
// needs a RefreshToken to outlive its access token). opts may be nil.
func NewTokenSource(cfg *oauth2.Config, tok *oauth2.Token, opts *TokenSourceOptions) *TokenSource {
	return oauthtoken.NewSource(cfg, tok, provider.KindGmail, tokenError, opts)
}
