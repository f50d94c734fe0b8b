package oauthtoken

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/inboxkit/inboxkit/provider"
	"golang.org/x/oauth2"
)

// Options configure a Source; gmail.TokenSourceOptions and
// graph.TokenSourceOptions are this type.
type Options struct {
	// Save persists every refreshed token (with its rotated refresh
	// token). Nil keeps tokens in memory only.
	Save func(ctx context.Context, tok *oauth2.Token) error
	// HTTPClient carries token requests; nil means http.DefaultClient.
	HTTPClient *http.Client
	// EarlyExpiry refreshes this long before the access token expires;
	// zero means one minute.
	EarlyExpiry time.Duration
	// Timeout bounds one refresh plus its Save, since Token has no
	// context; zero means 30 seconds.
	Timeout time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Source is gmail.TokenSource and graph.TokenSource: an oauth2.TokenSource over a stored token that
// refreshes before expiry, runs one refresh however many goroutines ask at
// once, persists every refreshed token through Save before handing it out,
// keeps a refreshed token whose Save failed (and saves it again on the next
// call, without refreshing again), and maps token-endpoint failures
// through the provider's classifier. It implements Invalidator. It is safe
// for concurrent use.
type Source struct {
	cfg      *oauth2.Config
	kind     provider.Kind
	classify func(op string, err error) error
	opts     Options

	mu        sync.Mutex
	tok       *oauth2.Token
	unsaved   bool // tok was refreshed and has not reached Save yet
	refreshes int
}

var _ Invalidator = (*Source)(nil)

// NewSource returns a Source for the provider kind starting from tok; opts
// may be nil.
// classify turns a token-endpoint failure (an *oauth2.RetrieveError or a
// network error) into the provider's *provider.Error; it is called with
// op "token".
func NewSource(cfg *oauth2.Config, tok *oauth2.Token, kind provider.Kind, classify func(op string, err error) error, o *Options) *Source {
	var opts Options
	if o != nil {
		opts = *o
	}
	if opts.EarlyExpiry <= 0 {
		opts.EarlyExpiry = time.Minute
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Source{cfg: cfg, kind: kind, classify: classify, opts: opts, tok: tok}
}

func (s *Source) fresh(tok *oauth2.Token) bool {
	if tok == nil || tok.AccessToken == "" {
		return false
	}
	return tok.Expiry.IsZero() || s.opts.Now().Add(s.opts.EarlyExpiry).Before(tok.Expiry)
}

// Token returns a valid access token, refreshing it first when it expires
// within EarlyExpiry. Callers that arrive during a refresh wait for it and
// get its result. A failed Save is ErrTemporary; the refreshed token is
// kept and saved by the next call.
func (s *Source) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.Timeout)
	defer cancel()
	if s.opts.HTTPClient != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, s.opts.HTTPClient)
	}
	if !s.fresh(s.tok) {
		if s.tok == nil || s.tok.RefreshToken == "" {
			return nil, &provider.Error{Op: "token", Provider: s.kind, Code: provider.ErrAuth,
				Err: fmt.Errorf("%s: access token expired and no refresh token", s.kind)}
		}
		// A token with only a refresh token makes oauth2 refresh at once;
		// when the response carries no new refresh token, oauth2 keeps
		// this one in the result.
		tok, err := s.cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: s.tok.RefreshToken}).Token()
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				return nil, &provider.Error{Op: "token", Provider: s.kind, Code: provider.ErrTemporary, Err: err}
			}
			return nil, s.classify("token", err)
		}
		s.refreshes++
		s.tok, s.unsaved = tok, true
	}
	if s.unsaved && s.opts.Save != nil {
		if err := s.opts.Save(ctx, s.tok); err != nil {
			// The token works and may carry the only valid refresh
			// token: keep it and try saving again on the next call.
			return nil, &provider.Error{Op: "token", Provider: s.kind, Code: provider.ErrTemporary,
				Err: fmt.Errorf("%s: saving the refreshed token: %w", s.kind, err)}
		}
	}
	s.unsaved = false
	return s.tok, nil
}

// Invalidate marks tok as rejected by the API: when it is the current
// access token, the next Token call refreshes. The refresh token is kept.
func (s *Source) Invalidate(tok *oauth2.Token) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if tok != nil && s.tok != nil && tok.AccessToken == s.tok.AccessToken {
		cp := *s.tok
		cp.AccessToken = ""
		s.tok = &cp
	}
}

// Refreshes counts the refreshes made, for tests and metrics.
func (s *Source) Refreshes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refreshes
}
