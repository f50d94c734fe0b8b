package providerkit

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/provider"
)

// Backoff is the retry policy shared by every provider. The zero value is
// usable: 4 attempts, 500ms base, 30s cap, and Retry-After waits of up to
// 2 minutes honoured.
type Backoff struct {
	// Attempts is the total number of calls, first one included.
	Attempts int
	// Base is the first backoff; each retry doubles it.
	Base time.Duration
	// Max caps a single backoff.
	Max time.Duration
	// MaxRetryAfter is the longest server-requested wait Retry honours;
	// a longer Retry-After returns the error at once so the caller can
	// schedule the work instead of holding a goroutine.
	MaxRetryAfter time.Duration
	// Sleep waits for d or until ctx is done; nil uses a timer. Tests
	// replace it to run without waiting.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a number in [0, n); nil uses math/rand/v2.
	Jitter func(n int64) int64
}

func (b Backoff) withDefaults() Backoff {
	if b.Attempts <= 0 {
		b.Attempts = 4
	}
	if b.Base <= 0 {
		b.Base = 500 * time.Millisecond
	}
	if b.Max <= 0 {
		b.Max = 30 * time.Second
	}
	if b.MaxRetryAfter <= 0 {
		b.MaxRetryAfter = 2 * time.Minute
	}
	if b.Sleep == nil {
		b.Sleep = sleepContext
	}
	if b.Jitter == nil {
		b.Jitter = rand.Int64N
	}
	return b
}

// Delay returns the wait before retry number n (1 for the first retry):
// the server's Retry-After when err carries one, else a full-jitter
// exponential backoff in [Base/2, min(Max, Base·2^(n-1))].
func (b Backoff) Delay(n int, err error) time.Duration {
	b = b.withDefaults()
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
	return floor + time.Duration(b.Jitter(int64(ceiling-floor)+1))
}

// Retry calls fn until it succeeds, returns an error that is not
// temporary (see provider.IsTemporary), the attempts run out, or ctx is done. It
// returns fn's last error, joined with the context's error when ctx ended a
// wait.
func Retry(ctx context.Context, b Backoff, fn func(ctx context.Context) error) error {
	b = b.withDefaults()
	var err error
	for attempt := 1; ; attempt++ {
		if err = fn(ctx); err == nil || !provider.IsTemporary(err) || attempt >= b.Attempts {
			return err
		}
		if d, ok := provider.RetryAfter(err); ok && d > b.MaxRetryAfter {
			return err
		}
		if serr := b.Sleep(ctx, b.Delay(attempt, err)); serr != nil {
			return errors.Join(err, serr)
		}
	}
}

// Wait sleeps d with the policy's Sleep (time, or a test's fake), ending
// early with ctx's error when ctx is done.
func (b Backoff) Wait(ctx context.Context, d time.Duration) error {
	return b.withDefaults().Sleep(ctx, d)
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ParseRetryAfter reads an HTTP Retry-After header (RFC 9110 §10.2.3):
// delay-seconds or an HTTP-date, relative to now. It returns 0 when the
// header is absent or unreadable, and never a negative wait.
func ParseRetryAfter(value string, now time.Time) time.Duration {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(value, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		const maxSecs = int64(24 * time.Hour / time.Second)
		return time.Duration(min(secs, maxSecs)) * time.Second
	}
	if t, err := http.ParseTime(value); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
