package gmail

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/inboxkit/inboxkit/internal/oauthtoken"
	"github.com/inboxkit/inboxkit/provider"
	"golang.org/x/oauth2"
)

// tokenError classifies a failure of Google's token endpoint: a dead grant
// (invalid_grant: revoked, expired, password changed) or a rejected client
// is ErrAuth; a 5xx, a 429 or a network failure is ErrTemporary.
func tokenError(op string, err error) error {
	code := provider.ErrTemporary
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		switch {
		case re.ErrorCode == "invalid_grant" || re.ErrorCode == "invalid_client" || re.ErrorCode == "unauthorized_client":
			code = provider.ErrAuth
		case status >= 500 || status == http.StatusTooManyRequests:
			code = provider.ErrTemporary
		case status == http.StatusBadRequest || status == http.StatusUnauthorized:
			code = provider.ErrAuth
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &provider.Error{Op: op, Provider: provider.KindGmail, Code: code, Err: err}
}

// TokenSourceOptions configure a TokenSource.
type TokenSourceOptions struct {
	// Save persists a refreshed token (with a rotated refresh token when
	// Google sent one), typically sealed with the crypto package. Nil
	// keeps tokens in memory only.
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

// TokenSource is an oauth2.TokenSource over a stored token that refreshes
// before expiry, refreshes once however many goroutines need a token at
// the same time, persists every refreshed token through Save (a failed
// Save is ErrTemporary; the token is kept and saved on the next call), and
// maps token-endpoint failures to provider errors (see tokenError). Its
// Invalidate method makes a Provider's one retry after a 401 get a really
// new access token. It is safe for concurrent use.
type TokenSource struct {
	src *oauthtoken.Source
}

// NewTokenSource returns a TokenSource starting from tok (which needs a
// RefreshToken to outlive its access token).
func NewTokenSource(cfg *oauth2.Config, tok *oauth2.Token, opts *TokenSourceOptions) *TokenSource {
	var o oauthtoken.Options
	if opts != nil {
		o = oauthtoken.Options{Save: opts.Save, HTTPClient: opts.HTTPClient, EarlyExpiry: opts.EarlyExpiry, Timeout: opts.Timeout, Now: opts.Now}
	}
	return &TokenSource{src: oauthtoken.NewSource(cfg, tok, provider.KindGmail, tokenError, o)}
}

// Token returns a valid access token, refreshing it when it is about to
// expire. Only one refresh runs at a time; callers waiting for it get its
// result.
func (ts *TokenSource) Token() (*oauth2.Token, error) { return ts.src.Token() }

// Invalidate marks tok as rejected by the API: when it is the current
// access token, the next Token call refreshes.
func (ts *TokenSource) Invalidate(tok *oauth2.Token) { ts.src.Invalidate(tok) }

// Refreshes counts the refreshes made, for tests and metrics.
func (ts *TokenSource) Refreshes() int { return ts.src.Refreshes() }
