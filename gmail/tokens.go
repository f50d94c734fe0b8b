package gmail

import (
	"sync"

	"golang.org/x/oauth2"
)

// Invalidator is implemented by token sources that can be told the access
// token they gave out was rejected, so the next Token call refreshes
// instead of returning it again. This package's TokenSource implements it;
// a plain oauth2.ReuseTokenSource does not, and then a rejected token is
// asked for once more before the call fails with ErrAuth.
type Invalidator interface {
	Invalidate(tok *oauth2.Token)
}

// tokenCache keeps the current access token until it expires (like
// oauth2.ReuseTokenSource) and can drop it after a 401.
type tokenCache struct {
	src oauth2.TokenSource

	mu  sync.Mutex
	tok *oauth2.Token
}

// Token implements oauth2.TokenSource.
func (c *tokenCache) Token() (*oauth2.Token, error) {
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

func (c *tokenCache) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if inv, ok := c.src.(Invalidator); ok && c.tok != nil {
		inv.Invalidate(c.tok)
	}
	c.tok = nil
}
