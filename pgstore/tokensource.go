package pgstore

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/inboxkit/inboxkit/provider"
	"golang.org/x/oauth2"
)

// TokenSourceOptions configure a TokenSource.
type TokenSourceOptions struct {
	// EarlyExpiry refreshes this long before the access token expires;
	// zero means one minute.
	EarlyExpiry time.Duration
	// Timeout bounds one Token call (database and token endpoint), since
	// oauth2.TokenSource has no context; zero means 30 seconds.
	Timeout time.Duration
}

// TokenSource is an oauth2.TokenSource over the token stored under one key,
// for gmail.New and graph.New: it hands out the access token from memory
// while it is fresh, and otherwise asks Tokens.Refresh, which refreshes
// once for all replicas. It implements Invalidate (the providers call it
// after a 401), after which the next Token call refreshes even when the
// stored token looks fresh. A refreshed token the database could not take
// is used, kept, and stored on the next call. It is safe for concurrent
// use; one Token call runs at a time.
type TokenSource struct {
	t       *Tokens
	key     string
	refresh RefreshFunc
	opts    TokenSourceOptions

	mu       sync.Mutex
	tok      *oauth2.Token
	rejected string       // an access token the API refused
	pending  *StoredToken // refreshed, not stored yet
}

// TokenSource returns a TokenSource for the token stored under key.
func (t *Tokens) TokenSource(key string, refresh RefreshFunc, opts *TokenSourceOptions) *TokenSource {
	var o TokenSourceOptions
	if opts != nil {
		o = *opts
	}
	if o.EarlyExpiry <= 0 {
		o.EarlyExpiry = time.Minute
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	return &TokenSource{t: t, key: key, refresh: refresh, opts: o}
}

// Token implements oauth2.TokenSource.
func (ts *TokenSource) Token() (*oauth2.Token, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), ts.opts.Timeout)
	defer cancel()
	now := time.Now
	if ts.t.s.now != nil {
		now = ts.t.s.now
	}
	if ts.pending != nil {
		_, err := ts.t.CompareAndSwap(ctx, ts.key, ts.pending.Version, ts.pending.Token)
		switch {
		case err == nil:
			ts.pending = nil
		case errors.Is(err, ErrConflict), errors.Is(err, provider.ErrNotFound):
			// Someone stored a newer token meanwhile, or the token was
			// deleted (the user disconnected): ours is superseded.
			ts.pending, ts.tok = nil, nil
		}
	}
	if ts.tok != nil && fresh(ts.tok, now().Add(ts.opts.EarlyExpiry)) && ts.tok.AccessToken != ts.rejected {
		return ts.tok, nil
	}
	st, err := ts.t.Refresh(ctx, ts.key, ts.opts.EarlyExpiry, ts.rejected, ts.refresh)
	if err != nil && st == nil {
		return nil, err
	}
	if err != nil {
		ts.pending = st
	}
	ts.tok, ts.rejected = st.Token, ""
	return st.Token, nil
}

// Invalidate marks tok as rejected by the API: when it is the current
// access token, the next Token call refreshes.
func (ts *TokenSource) Invalidate(tok *oauth2.Token) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if tok != nil && ts.tok != nil && tok.AccessToken == ts.tok.AccessToken {
		ts.rejected = tok.AccessToken
	}
}
