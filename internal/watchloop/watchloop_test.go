package watchloop_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/internal/watchloop"
	"github.com/inboxkit/inboxkit/provider"
)

// run starts l and returns a channel with Run's result.
func run(ctx context.Context, l *watchloop.Loop) <-chan error {
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()
	return done
}

func wait[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
	var zero T
	return zero
}

// TestLoop_pushesCoalesce: pushes raised while notify runs make one more
// notify, not one each.
func TestLoop_pushesCoalesce(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	entered, release := make(chan struct{}), make(chan struct{})
	push := watchloop.NewSignal()
	l := &watchloop.Loop{Notify: func() { entered <- struct{}{}; <-release }, Push: push}
	done := run(ctx, l)
	push.Raise()
	wait(t, entered, "the first notify")
	for range 5 {
		push.Raise()
	}
	release <- struct{}{}
	wait(t, entered, "the notify for the burst")
	release <- struct{}{}
	select {
	case <-entered:
		t.Fatal("a burst of pushes made more than one notify")
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	if err := wait(t, done, "Run to end"); err != nil {
		t.Errorf("Run after cancel = %v; want nil", err)
	}
}

// TestLoop_pollsWithoutPush: Notify runs every Poll interval.
func TestLoop_pollsWithoutPush(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	notes := make(chan struct{}, 16)
	l := &watchloop.Loop{Notify: func() { notes <- struct{}{} }, Poll: func() time.Duration { return 5 * time.Millisecond }}
	done := run(ctx, l)
	for range 3 {
		wait(t, notes, "a poll")
	}
	cancel()
	wait(t, done, "Run to end")
}

// TestLoop_ends: the three ways a Watch ends, the same for every provider.
func TestLoop_ends(t *testing.T) {
	t.Run("context done", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		done := run(ctx, &watchloop.Loop{Notify: func() {}})
		cancel()
		if err := wait(t, done, "Run"); err != nil {
			t.Errorf("Run = %v; want nil", err)
		}
	})
	t.Run("closed", func(t *testing.T) {
		stop := watchloop.NewStop()
		done := run(context.Background(), &watchloop.Loop{Kind: provider.KindGraph, Notify: func() {}, Stop: stop})
		stop.Close()
		stop.Close() // twice is fine
		err := wait(t, done, "Run")
		var pe *provider.Error
		if !errors.Is(err, provider.ErrClosed) || !errors.As(err, &pe) || pe.Op != "watch" || pe.Provider != provider.KindGraph {
			t.Errorf("Run after Stop.Close = %#v; want a *provider.Error for watch matching ErrClosed", err)
		}
	})
	t.Run("maintain fails", func(t *testing.T) {
		attention := watchloop.NewSignal()
		done := run(context.Background(), &watchloop.Loop{Notify: func() {}, Attention: attention,
			Maintain: func(context.Context) (bool, error) { return false, provider.ErrAuth }})
		attention.Raise()
		if err := wait(t, done, "Run"); !errors.Is(err, provider.ErrAuth) {
			t.Errorf("Run = %v; want Maintain's ErrAuth", err)
		}
	})
}

// TestLoop_maintainWhenDue: Maintain runs at Due, and Notify after it when
// it asks.
func TestLoop_maintainWhenDue(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	due := time.Now().Add(10 * time.Millisecond)
	notes := make(chan struct{}, 4)
	maintained := 0
	l := &watchloop.Loop{
		Notify: func() { notes <- struct{}{} },
		Due:    func() time.Time { return due },
		Maintain: func(context.Context) (bool, error) {
			maintained++
			due = time.Time{} // not again
			return true, nil
		},
	}
	done := run(ctx, l)
	wait(t, notes, "notify after Maintain")
	cancel()
	wait(t, done, "Run")
	if maintained != 1 {
		t.Errorf("Maintain ran %d times; want 1", maintained)
	}
}

// TestRetry: waits grow with failures in a row, stop at Max, and start
// again from Base after a success.
func TestRetry(t *testing.T) {
	r := watchloop.Retry{Backoff: providerkit.Backoff{Base: time.Second, Max: 4 * time.Second,
		Jitter: func(n int64) int64 { return n - 1 }}} // always the ceiling
	var got []time.Duration
	for range 4 {
		got = append(got, r.Failed())
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("waits = %v; want %v", got, want)
		}
	}
	if r.Failures() != 4 {
		t.Errorf("Failures = %d; want 4", r.Failures())
	}
	r.Succeeded()
	if got, want := r.Failed(), time.Second; got != want {
		t.Errorf("wait after a success and a failure = %v; want %v (the count starts again)", got, want)
	}
}
