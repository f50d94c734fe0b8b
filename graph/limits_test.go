package graph

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/provider"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func TestSendQuotaMessagesPerMinute(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	q := newSendQuota(SendLimits{}, clk.now)
	for i := range LimitMessagesPerMinute {
		if _, err := q.reserve(ctx, 1); err != nil {
			t.Fatalf("send %d: %v", i+1, err)
		}
		clk.t = clk.t.Add(time.Second)
	}
	_, err := q.reserve(ctx, 1)
	var rl *provider.RateLimitError
	if !errors.As(err, &rl) || !errors.Is(err, errSendLimit) {
		t.Fatalf("31st send in a minute: %v; want a RateLimitError", err)
	}
	// The first send was 30 s ago: room comes back in 30 s.
	if rl.RetryAfter != 30*time.Second {
		t.Errorf("RetryAfter = %v; want 30s", rl.RetryAfter)
	}
	clk.t = clk.t.Add(30 * time.Second)
	if _, err := q.reserve(ctx, 1); err != nil {
		t.Errorf("after the window moved: %v", err)
	}
	if u := q.usage(ctx); u.MessagesLastMinute != 30 || u.RecipientsLastDay != 31 {
		t.Errorf("usage = %+v", u)
	}
}

func TestSendQuotaRecipientsPerDay(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	q := newSendQuota(SendLimits{MessagesPerMinute: -1, RecipientsPerDay: 100}, clk.now)
	first, err := q.reserve(ctx, 60)
	if err != nil {
		t.Fatal(err)
	}
	clk.t = clk.t.Add(time.Hour)
	if _, err := q.reserve(ctx, 40); err != nil {
		t.Fatal(err)
	}
	clk.t = clk.t.Add(time.Hour)
	_, err = q.reserve(ctx, 1)
	var rl *provider.RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("101st recipient: %v; want a RateLimitError", err)
	}
	if want := first.At.Add(24 * time.Hour).Sub(clk.t); rl.RetryAfter != want {
		t.Errorf("RetryAfter = %v; want %v (when the first send leaves the window)", rl.RetryAfter, want)
	}
	// A failed send gives its reservation back.
	q.release(ctx, first)
	if _, err := q.reserve(ctx, 60); err != nil {
		t.Errorf("after release: %v", err)
	}
	clk.t = clk.t.Add(24 * time.Hour)
	if u := q.usage(ctx); u.RecipientsLastDay != 0 {
		t.Errorf("a day later usage = %+v; want empty", u)
	}
}

func TestSendQuotaDisabled(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: time.Now()}
	q := newSendQuota(SendLimits{MessagesPerMinute: -1, RecipientsPerDay: -1}, clk.now)
	for i := range 100 {
		if _, err := q.reserve(ctx, 500); err != nil {
			t.Fatalf("send %d with limits disabled: %v", i, err)
		}
	}
}
