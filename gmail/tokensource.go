package gmail

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

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
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// TokenSource is an oauth2.TokenSource over a stored token that refreshes
// before expiry, refreshes once however many goroutines need a token at
// the same time, persists every refreshed token through Save, and maps
// token-endpoint failures to provider errors (see tokenError). It
// implements Invalidator, so a Provider's one retry after a 401 gets a
// really new access token. It is safe for concurrent use.
type TokenSource struct {
	cfg  *oauth2.Config
	opts TokenSourceOptions

	mu       sync.Mutex
	tok      *oauth2.Token
	unsaved  bool // the current token still has to reach Save
	refreshs int
}

// NewTokenSource returns a TokenSource starting from tok (which needs a
// RefreshToken to outlive its access token).
func NewTokenSource(cfg *oauth2.Config, tok *oauth2.Token, opts *TokenSourceOptions) *TokenSource {
	ts := &TokenSource{cfg: cfg, tok: tok}
	if opts != nil {
		ts.opts = *opts
	}
	if ts.opts.EarlyExpiry <= 0 {
		ts.opts.EarlyExpiry = time.Minute
	}
	if ts.opts.Now == nil {
		ts.opts.Now = time.Now
	}
	return ts
}

func (ts *TokenSource) fresh(tok *oauth2.Token) bool {
	if tok == nil || tok.AccessToken == "" {
		return false
	}
	return tok.Expiry.IsZero() || ts.opts.Now().Add(ts.opts.EarlyExpiry).Before(tok.Expiry)
}

// Token returns a valid access token, refreshing it when it is about to
// expire. Only one refresh runs at a time; callers waiting for it get its
// result.
func (ts *TokenSource) Token() (*oauth2.Token, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ctx := context.Background()
	if ts.opts.HTTPClient != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, ts.opts.HTTPClient)
	}
	if !ts.fresh(ts.tok) {
		if ts.tok == nil || ts.tok.RefreshToken == "" {
			return nil, &provider.Error{Op: "token", Provider: provider.KindGmail, Code: provider.ErrAuth,
				Err: errors.New("gmail: access token expired and no refresh token")}
		}
		// A refresh token alone makes oauth2 refresh now.
		tok, err := ts.cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: ts.tok.RefreshToken}).Token()
		if err != nil {
			return nil, tokenError("token", err)
		}
		ts.refreshs++
		ts.tok, ts.unsaved = tok, true
	}
	if ts.unsaved && ts.opts.Save != nil {
		if err := ts.opts.Save(ctx, ts.tok); err != nil {
			// Keep the token (it works) and try saving again next time.
			return nil, &provider.Error{Op: "token", Provider: provider.KindGmail, Code: provider.ErrTemporary, Err: err}
		}
	}
	ts.unsaved = false
	return ts.tok, nil
}

// Invalidate marks tok as rejected by the API: when it is the current
// access token, the next Token call refreshes.
func (ts *TokenSource) Invalidate(tok *oauth2.Token) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if tok != nil && ts.tok != nil && tok.AccessToken == ts.tok.AccessToken {
		cp := *ts.tok
		cp.AccessToken = ""
		ts.tok = &cp
	}
}

// Refreshes counts the refreshes made, for tests and metrics.
func (ts *TokenSource) Refreshes() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.refreshs
}
