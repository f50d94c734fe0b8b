// Package watchloop is the part of a provider's Watch that gmail, graph and
// smtpimap share; each provider adds only its push mechanism (Gmail's
// users.watch with Pub/Sub, Graph subscriptions, IMAP IDLE).
//
// A Loop calls notify on every push (coalesced: a burst is one call), and
// every poll interval as the fallback for lost or missing pushes. It runs
// the provider's Maintain when it is due (a renewal) or when the push
// mechanism asks for it (a lifecycle event, a dropped connection). Retry
// spaces out attempts after failures: capped, jittered, exponential, and
// back to the shortest wait after a success.
//
// Every Watch ends the same way: nil when its context is done (the caller
// asked it to stop), a *provider.Error matching provider.ErrClosed when
// the Provider was closed (Close ends a running Watch at once), or the
// error that made push impossible (ErrAuth, ErrInvalid …).
package watchloop

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// Signal is a coalescing wake-up: Raise never blocks, and any number of
// raises before the receiver looks make one.
type Signal chan struct{}

// NewSignal returns a Signal.
func NewSignal() Signal { return make(Signal, 1) }

// Raise wakes the receiver, or does nothing when a wake-up is pending.
func (s Signal) Raise() {
	select {
	case s <- struct{}{}:
	default:
	}
}

// Stop is closed once, by Provider.Close, to end running Watches.
type Stop struct {
	once sync.Once
	c    chan struct{}
}

// NewStop returns an open Stop.
func NewStop() *Stop { return &Stop{c: make(chan struct{})} }

// Close ends every Loop watching s; later calls do nothing.
func (s *Stop) Close() { s.once.Do(func() { close(s.c) }) }

// Done is closed by Close.
func (s *Stop) Done() <-chan struct{} { return s.c }

// Retry counts a push mechanism's failures in a row and says how long to
// wait before the next attempt: Backoff.Delay of the count (full jitter,
// doubling from Backoff.Base up to Backoff.Max). Succeeded starts the
// count again. It is safe for concurrent use.
type Retry struct {
	Backoff  providerkit.Backoff
	failures atomic.Int32
}

// Failed records a failure and returns the wait before the next attempt.
func (r *Retry) Failed() time.Duration {
	return r.Backoff.Delay(int(r.failures.Add(1)), nil)
}

// Succeeded records a success: the next failure waits the shortest time.
func (r *Retry) Succeeded() { r.failures.Store(0) }

// Failures is the number of failures in a row.
func (r *Retry) Failures() int { return int(r.failures.Load()) }

// Loop is one running Watch. Only Run's goroutine calls its functions.
type Loop struct {
	// Kind names the provider in the ErrClosed error.
	Kind provider.Kind
	// Notify is the caller's notify.
	Notify func()
	// Push is raised by the push mechanism when new mail may be waiting;
	// nil means none.
	Push Signal
	// Poll returns how long after the last notify Notify runs again
	// without a push; it is asked after every notify, so it may change
	// (Graph polls less while its subscriptions are live). Zero or less,
	// or a nil Poll, means no polling.
	Poll func() time.Duration
	// Stop ends the Loop with ErrClosed; nil means never.
	Stop *Stop
	// Attention is raised by the push mechanism when Maintain must run
	// now; nil means never.
	Attention Signal
	// Due returns when Maintain must run next; the zero time means not
	// before Attention. Nil means never.
	Due func() time.Time
	// Maintain keeps push working (renew, create again, reconnect). It
	// reports whether Notify must run (push was just set up again, so
	// mail may have arrived unseen); an error ends the Loop.
	Maintain func(ctx context.Context) (notify bool, err error)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Run calls Notify until ctx is done (nil), Stop is closed (ErrClosed) or
// Maintain fails (its error).
func (l *Loop) Run(ctx context.Context) error {
	now := l.Now
	if now == nil {
		now = time.Now
	}
	var stop <-chan struct{}
	if l.Stop != nil {
		stop = l.Stop.Done()
	}
	pollT := newTimer()
	defer pollT.Stop()
	dueT := newTimer()
	defer dueT.Stop()
	resetPoll := func() {
		if l.Poll != nil {
			rearm(pollT, l.Poll())
		}
	}
	resetPoll()
	for {
		if l.Due != nil {
			if at := l.Due(); at.IsZero() {
				rearm(dueT, 0)
			} else {
				rearm(dueT, max(at.Sub(now()), time.Millisecond))
			}
		}
		notify := true
		var err error
		select {
		case <-ctx.Done():
			return nil
		case <-stop:
			return providerkit.Closed(l.Kind, "watch")
		case <-l.Push:
		case <-pollT.C:
		case <-l.Attention:
			notify, err = l.Maintain(ctx)
		case <-dueT.C:
			notify, err = l.Maintain(ctx)
		}
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			return err
		case isClosed(stop):
			return providerkit.Closed(l.Kind, "watch")
		}
		if notify {
			l.Notify()
			resetPoll()
		}
	}
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// newTimer returns a stopped timer.
func newTimer() *time.Timer {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return t
}

// rearm stops t and, when d is positive, starts it for d. (Since Go 1.23
// Stop and Reset leave no stale value in t.C.)
func rearm(t *time.Timer, d time.Duration) {
	t.Stop()
	if d > 0 {
		t.Reset(d)
	}
}
