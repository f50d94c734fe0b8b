// Package oauthtoken holds the OAuth2 plumbing the gmail and graph
// providers share, written once: the connect flow (Flow, Pending), the
// refreshing token source (Source, Options: gmail.TokenSource and
// graph.TokenSource are this type), a cache that can drop an access token
// the API rejected with the one-refresh-after-401 call (Cache, Call), the
// Invalidator interface token sources implement to be told about it, and
// the rule for a send whose outcome is unknown (Ambiguous).
package oauthtoken

import (
	"sync"

	"golang.org/x/oauth2"
)

// Invalidator is implemented by token sources that can be told the access
// token they gave out was rejected, so the next Token call refreshes
// instead of returning it again.
type Invalidator interface {
	Invalidate(tok *oauth2.Token)
}

// Cache keeps the current access token until it expires (like
// oauth2.ReuseTokenSource) and can drop it after a 401. It is safe for
// concurrent use.
type Cache struct {
	src oauth2.TokenSource

	mu  sync.Mutex
	tok *oauth2.Token
}

// NewCache returns a Cache over src.
func NewCache(src oauth2.TokenSource) *Cache { return &Cache{src: src} }

// Token implements oauth2.TokenSource.
func (c *Cache) Token() (*oauth2.Token, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tok.Valid() {
		return c.tok, nil
	}
	tok, err := c.src.Token()
	if err != nil {
		return nil, err
	}
	c.tok = tok
	return tok, nil
}

// Invalidate drops the cached access token and, when the source is an
// Invalidator, tells it the token was rejected.
func (c *Cache) Invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if inv, ok := c.src.(Invalidator); ok && c.tok != nil {
		inv.Invalidate(c.tok)
	}
	c.tok = nil
}
