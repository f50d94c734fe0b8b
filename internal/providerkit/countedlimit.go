package providerkit

import (
	"context"
	"errors"
	"math"
	"time"

	"github.com/inboxkit/inboxkit/provider"
)

// CountedLimit is one rolling-window sending limit counted in a
// provider.SendCounter: in a provider's memory (provider.MemorySendCounter)
// or shared by every process sending from the mailbox (pgstore.Counters).
// Providers build their SendLimit from one or more of them.
type CountedLimit struct {
	Counter provider.SendCounter
	// Key names the mailbox and the limit, e.g. "gmail/day/ada@example.com".
	Key string
	// Limit is the most the window may hold; zero or less counts without
	// ever refusing (the check is off, the count still shows usage).
	Limit  int
	Window time.Duration
}

// Take adds n at now, or returns the counter's *provider.RateLimitError
// with the reason replaced by refused (its RetryAfter kept); other
// failures are returned as they are. n beyond the whole limit is refused
// with a wait of one window.
func (c CountedLimit) Take(ctx context.Context, n int, now time.Time, refused error) (string, error) {
	limit := c.Limit
	if limit <= 0 {
		limit = math.MaxInt32
	}
	if n > limit {
		return "", &provider.RateLimitError{RetryAfter: c.Window, Err: refused}
	}
	id, err := c.Counter.Take(ctx, c.Key, n, limit, c.Window, now)
	var rl *provider.RateLimitError
	if errors.As(err, &rl) {
		return "", &provider.RateLimitError{RetryAfter: rl.RetryAfter, Err: refused}
	}
	return id, err
}

// Return gives back the taking id. A failure only makes the count err on
// the safe side, so it is not reported.
func (c CountedLimit) Return(ctx context.Context, id string) {
	if id != "" {
		_ = c.Counter.Return(context.WithoutCancel(ctx), c.Key, id)
	}
}

// Count returns the count over the window ending at now, or -1 when the
// counter cannot say.
func (c CountedLimit) Count(ctx context.Context, now time.Time) int {
	n, err := c.Counter.Count(ctx, c.Key, c.Window, now)
	if err != nil {
		return -1
	}
	return n
}
