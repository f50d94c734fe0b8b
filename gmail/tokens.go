package gmail

import "github.com/inboxkit/inboxkit/internal/oauthtoken"

// Invalidator is implemented by token sources that can be told the access
// token they gave out was rejected, so the next Token call refreshes
// instead of returning it again. This package's TokenSource implements it;
// a plain oauth2.ReuseTokenSource does not, and then a rejected token is
// asked for once more before the call fails with ErrAuth.
type Invalidator = oauthtoken.Invalidator
