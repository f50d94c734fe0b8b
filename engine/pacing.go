package engine

import (
	"context"
	"math/rand/v2"
	"strings"
	"time"
)

// Pacing is how one mailbox spreads its sends. The provider's own limits
// (Gmail's daily quota, Exchange's messages a minute and recipients a
// day) come on top: each provider checks them before a message leaves,
// counting in the provider.SendCounter it was opened with (share one
// across processes, e.g. pgstore's), and refuses with a
// *provider.RateLimitError saying when room comes back; the outbox then
// waits until that moment, for the whole mailbox.
type Pacing struct {
	// Gap is the least time between two sends of the mailbox. It is
	// counted in Options.SendCounter, so it holds across restarts and
	// replicas. Zero: no gap.
	Gap time.Duration
	// Jitter adds a random wait in [0, Jitter) after each send, on top of
	// Gap, so sends do not tick like a machine.
	Jitter time.Duration
	// Window is when the mailbox may send, in its owner's time zone; nil:
	// any time.
	Window *Window
}

// PacingFunc returns the pacing of an account. It is called before each
// send, so a change takes effect at once.
type PacingFunc func(ctx context.Context, account string) (Pacing, error)

// gapKey is the SendCounter key of an account's minimum gap.
func gapKey(account string) string { return "engine/gap/" + strings.ToLower(account) }

// jitter returns a random duration in [0, d).
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(d)))
}
