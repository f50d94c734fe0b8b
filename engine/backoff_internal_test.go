package engine

import (
	"errors"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/provider"
)

func TestBackoff_delay(t *testing.T) {
	top := func(n int64) int64 { return n - 1 } // the largest jitter
	b := Backoff{Base: time.Second, Max: 8 * time.Second, Jitter: top}
	cases := []struct {
		n    int
		err  error
		want time.Duration
	}{
		{1, errors.New("x"), time.Second},
		{2, errors.New("x"), 2 * time.Second},
		{4, errors.New("x"), 8 * time.Second},
		{30, errors.New("x"), 8 * time.Second}, // capped
		{3, &provider.RateLimitError{RetryAfter: 90 * time.Second}, 90 * time.Second},
	}
	for _, c := range cases {
		if got := b.delay(c.n, c.err); got != c.want {
			t.Errorf("delay(%d, %v) = %s; want %s", c.n, c.err, got, c.want)
		}
	}
	low := Backoff{Base: time.Second, Max: 8 * time.Second, Jitter: func(int64) int64 { return 0 }}
	if got := low.delay(4, nil); got != 500*time.Millisecond {
		t.Errorf("delay with no jitter = %s; want the floor Base/2", got)
	}
}
