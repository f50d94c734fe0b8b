package providerkit_test

import (
	"context"
	"fmt"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// Retry wraps any call; temporary errors are retried with capped, jittered
// backoff, and a server's Retry-After is honoured.
func ExampleRetry() {
	attempts := 0
	err := providerkit.Retry(context.Background(), providerkit.Backoff{Base: time.Millisecond}, func(ctx context.Context) error {
		attempts++
		if attempts == 1 {
			return &provider.RateLimitError{RetryAfter: time.Millisecond}
		}
		return nil
	})
	fmt.Println(attempts, err)
	// Output: 2 <nil>
}
