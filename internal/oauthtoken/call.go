package oauthtoken

import (
	"context"

	"github.com/inboxkit/inboxkit/internal/providerkit"
)

// Call runs fn under the retry policy b, the way both OAuth providers call
// their APIs: a failure that unauthorized says is a 401 first drops the
// cached access token and tries once more with a fresh one (a second 401
// is then final), and classify turns each failure into a provider error,
// so rate limits and transient failures are retried by providerkit.Retry.
func (c *Cache) Call(ctx context.Context, b providerkit.Backoff, unauthorized func(error) bool, classify func(error) error, fn func(ctx context.Context) error) error {
	refreshed := false
	return providerkit.Retry(ctx, b, func(ctx context.Context) error {
		err := fn(ctx)
		if err != nil && !refreshed && unauthorized(err) {
			refreshed = true
			c.Invalidate()
			err = fn(ctx)
		}
		return classify(err)
	})
}
