// Package sendcountertest is the conformance suite for provider.SendCounter:
//
//	func TestSendCounter(t *testing.T) {
//		sendcountertest.Run(t, func(t *testing.T) provider.SendCounter {
//			return newMyCounter(t) // empty, cleaned up with t.Cleanup
//		})
//	}
//
// It checks counting over the rolling window, the refusal and its
// RetryAfter, Return, keys kept apart, bad input, and that concurrent
// Takes never together pass the limit. Run it with -race.
package sendcountertest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/provider"
)

// base is the suite's clock: Take takes the caller's time.
func base() time.Time { return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) }

// Run runs the suite. newCounter must return a new, empty counter each
// time it is called (once per subtest).
func Run(t *testing.T, newCounter func(t *testing.T) provider.SendCounter) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, c provider.SendCounter)
	}{
		{"Window", testWindow},
		{"RetryAfter", testRetryAfter},
		{"Return", testReturn},
		{"KeysApart", testKeysApart},
		{"Invalid", testInvalid},
		{"Concurrent", testConcurrent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newCounter(t)) })
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return c
}

func take(t *testing.T, c provider.SendCounter, key string, n, limit int, window time.Duration, at time.Time) string {
	t.Helper()
	id, err := c.Take(ctx(t), key, n, limit, window, at)
	if err != nil {
		t.Fatalf("Take(%s, %d, limit %d) at %v = %v; want room", key, n, limit, at.Sub(base()), err)
	}
	return id
}

func wantCount(t *testing.T, c provider.SendCounter, key string, window time.Duration, at time.Time, want int) {
	t.Helper()
	if got, err := c.Count(ctx(t), key, window, at); err != nil || got != want {
		t.Errorf("Count(%s) at +%v = %d, %v; want %d", key, at.Sub(base()), got, err, want)
	}
}

func wantRefused(t *testing.T, c provider.SendCounter, key string, n, limit int, window time.Duration, at time.Time, retryAfter time.Duration) {
	t.Helper()
	_, err := c.Take(ctx(t), key, n, limit, window, at)
	var rl *provider.RateLimitError
	if !errors.As(err, &rl) || !errors.Is(err, provider.ErrRateLimited) {
		t.Fatalf("Take over the limit = %v; want a *RateLimitError", err)
	}
	if rl.RetryAfter != retryAfter {
		t.Errorf("RetryAfter = %v; want %v", rl.RetryAfter, retryAfter)
	}
}

func testWindow(t *testing.T, c provider.SendCounter) {
	const w = time.Minute
	take(t, c, "k", 1, 3, w, base())
	take(t, c, "k", 2, 3, w, base().Add(10*time.Second))
	wantCount(t, c, "k", w, base().Add(20*time.Second), 3)
	wantRefused(t, c, "k", 1, 3, w, base().Add(20*time.Second), 40*time.Second)
	// At exactly one window after the first taking it has left.
	take(t, c, "k", 1, 3, w, base().Add(w))
	wantCount(t, c, "k", w, base().Add(w), 3)
	wantCount(t, c, "k", w, base().Add(w+10*time.Second), 1)
}

func testRetryAfter(t *testing.T, c provider.SendCounter) {
	const w = 24 * time.Hour
	for i := range 5 {
		take(t, c, "day", 2, 10, w, base().Add(time.Duration(i)*time.Hour))
	}
	// 10 taken; 3 more fit once the first two takings (4) have left.
	wantRefused(t, c, "day", 3, 10, w, base().Add(6*time.Hour), 19*time.Hour)
}

func testReturn(t *testing.T, c provider.SendCounter) {
	const w = time.Minute
	id := take(t, c, "k", 2, 2, w, base())
	wantRefused(t, c, "k", 1, 2, w, base(), w)
	if err := c.Return(ctx(t), "k", id); err != nil {
		t.Fatalf("Return = %v", err)
	}
	if err := c.Return(ctx(t), "k", id); err != nil {
		t.Errorf("second Return = %v; want nil", err)
	}
	wantCount(t, c, "k", w, base(), 0)
	take(t, c, "k", 2, 2, w, base())
}

func testKeysApart(t *testing.T, c provider.SendCounter) {
	const w = time.Minute
	take(t, c, "gmail/day/a@example.com", 1, 1, w, base())
	take(t, c, "gmail/day/b@example.com", 1, 1, w, base())
	take(t, c, "gmail/day/A@example.com", 1, 1, w, base())
	wantCount(t, c, "gmail/day/a@example.com", w, base(), 1)
	wantCount(t, c, "never-used", w, base(), 0)
}

func testInvalid(t *testing.T, c provider.SendCounter) {
	for _, tc := range []struct {
		n, limit int
		window   time.Duration
	}{{0, 1, time.Minute}, {-1, 1, time.Minute}, {2, 1, time.Minute}, {1, 1, 0}} {
		if _, err := c.Take(ctx(t), "k", tc.n, tc.limit, tc.window, base()); !errors.Is(err, provider.ErrInvalid) {
			t.Errorf("Take(n %d, limit %d, window %v) = %v; want ErrInvalid", tc.n, tc.limit, tc.window, err)
		}
	}
}

func testConcurrent(t *testing.T, c provider.SendCounter) {
	const racers, limit = 8, 5
	c0 := ctx(t)
	var ok, refused atomic.Int32
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			<-start
			for j := range 2 {
				_, err := c.Take(c0, "shared", 1, limit, time.Hour, base().Add(time.Duration(i*2+j)*time.Millisecond))
				switch {
				case err == nil:
					ok.Add(1)
				case errors.Is(err, provider.ErrRateLimited):
					refused.Add(1)
				default:
					t.Errorf("Take = %v", err)
				}
			}
		})
	}
	close(start)
	wg.Wait()
	if ok.Load() != limit || refused.Load() != 2*racers-limit {
		t.Errorf("%d taken, %d refused of %d concurrent Takes with limit %d; want %d and %d",
			ok.Load(), refused.Load(), 2*racers, limit, limit, 2*racers-limit)
	}
}
