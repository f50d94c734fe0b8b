package providerkit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// fakeSleep records the waits Retry asks for instead of sleeping.
type fakeSleep struct{ waits []time.Duration }

func (f *fakeSleep) sleep(ctx context.Context, d time.Duration) error {
	f.waits = append(f.waits, d)
	return ctx.Err()
}

func TestRetry_retriesTemporaryThenSucceeds(t *testing.T) {
	fs := &fakeSleep{}
	calls := 0
	err := providerkit.Retry(context.Background(), providerkit.Backoff{Attempts: 4, Base: 100 * time.Millisecond, Max: time.Second, Sleep: fs.sleep, Jitter: func(n int64) int64 { return n - 1 }},
		func(context.Context) error {
			calls++
			if calls < 3 {
				return provider.ErrTemporary
			}
			return nil
		})
	if err != nil || calls != 3 {
		t.Fatalf("Retry = %v after %d calls; want nil after 3", err, calls)
	}
	if want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}; len(fs.waits) != 2 || fs.waits[0] != want[0] || fs.waits[1] != want[1] {
		t.Errorf("waits = %v; want %v (exponential, top of the jitter range)", fs.waits, want)
	}
}

func TestRetry_honoursRetryAfter(t *testing.T) {
	fs := &fakeSleep{}
	calls := 0
	_ = providerkit.Retry(context.Background(), providerkit.Backoff{Attempts: 2, Sleep: fs.sleep}, func(context.Context) error {
		calls++
		return &provider.RateLimitError{RetryAfter: 7 * time.Second}
	})
	if calls != 2 || len(fs.waits) != 1 || fs.waits[0] != 7*time.Second {
		t.Errorf("calls=%d waits=%v; want 2 calls and one 7s wait", calls, fs.waits)
	}
}

func TestRetry_givesUpOnLongRetryAfter(t *testing.T) {
	fs := &fakeSleep{}
	calls := 0
	err := providerkit.Retry(context.Background(), providerkit.Backoff{Attempts: 5, MaxRetryAfter: time.Minute, Sleep: fs.sleep}, func(context.Context) error {
		calls++
		return &provider.RateLimitError{RetryAfter: time.Hour}
	})
	if calls != 1 || len(fs.waits) != 0 || !errors.Is(err, provider.ErrRateLimited) {
		t.Errorf("calls=%d waits=%v err=%v; want one call, no wait, the rate-limit error", calls, fs.waits, err)
	}
}

func TestRetry_stopsOnPermanentError(t *testing.T) {
	calls := 0
	err := providerkit.Retry(context.Background(), providerkit.Backoff{Attempts: 5}, func(context.Context) error {
		calls++
		return provider.ErrAuth
	})
	if calls != 1 || !errors.Is(err, provider.ErrAuth) {
		t.Errorf("calls=%d err=%v; want 1 call and ErrAuth", calls, err)
	}
}

func TestRetry_contextCancelledDuringWait(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	err := providerkit.Retry(ctx, providerkit.Backoff{Attempts: 5, Base: time.Hour}, func(context.Context) error {
		calls++
		cancel()
		return provider.ErrTemporary
	})
	if calls != 1 || !errors.Is(err, context.Canceled) || !errors.Is(err, provider.ErrTemporary) {
		t.Errorf("calls=%d err=%v; want 1 call, context.Canceled joined with the last error", calls, err)
	}
}

func TestBackoff_DelayBounds(t *testing.T) {
	b := providerkit.Backoff{Base: time.Second, Max: 8 * time.Second}
	for n := 1; n <= 10; n++ {
		for i := 0; i < 50; i++ {
			d := b.Delay(n, nil)
			if d < 500*time.Millisecond || d > 8*time.Second {
				t.Fatalf("Delay(%d) = %v; want within [500ms, 8s]", n, d)
			}
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"120", 2 * time.Minute},
		{" 5 ", 5 * time.Second},
		{"-3", 0},
		{"0", 0},
		{"soon", 0},
		{"Mon, 23 Nov 2026 12:00:30 GMT", 30 * time.Second},
		{"Mon, 23 Nov 2026 11:00:00 GMT", 0},
		{"99999999999", 24 * time.Hour},
	}
	for _, tc := range tests {
		if got := providerkit.ParseRetryAfter(tc.in, now); got != tc.want {
			t.Errorf("ParseRetryAfter(%q) = %v; want %v", tc.in, got, tc.want)
		}
	}
}
