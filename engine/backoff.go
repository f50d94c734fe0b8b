package engine

import (
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
)

// delay returns the wait after the n-th consecutive failure (n >= 1):
// the service's Retry-After when err carries one, else a jittered
// exponential backoff, by the same rule the providers retry with.
func (b Backoff) delay(n int, err error) time.Duration {
	return providerkit.Backoff{Base: b.Base, Max: b.Max, Jitter: b.Jitter}.Delay(n, err)
}

func randomHolder() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "engine-" + hex.EncodeToString(b[:])
}
