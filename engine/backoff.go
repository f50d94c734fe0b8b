package engine

import (
	"crypto/rand"
	"encoding/hex"
	mrand "math/rand/v2"
	"time"

	"github.com/inboxkit/inboxkit/provider"
)

// delay returns the wait after the n-th consecutive failure (n >= 1):
// the service's Retry-After when err carries one, else a jittered
// exponential backoff.
func (b Backoff) delay(n int, err error) time.Duration {
	if d, ok := provider.RetryAfter(err); ok {
		return d
	}
	ceiling := b.Base
	for i := 1; i < n && ceiling < b.Max; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, b.Max)
	floor := b.Base / 2
	if ceiling <= floor {
		return ceiling
	}
	jitter := b.Jitter
	if jitter == nil {
		jitter = mrand.Int64N
	}
	return floor + time.Duration(jitter(int64(ceiling-floor)+1))
}

func randomHolder() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "engine-" + hex.EncodeToString(b[:])
}
