package engine

import (
	"context"
	"sync"
	"time"

	"github.com/inboxkit/inboxkit/provider"
)

// outboxState is what a runner's send loop shows outside: when it will
// next try.
type outboxState struct {
	mu sync.Mutex
	at time.Time
}

func (o *outboxState) set(at time.Time) {
	o.mu.Lock()
	o.at = at
	o.mu.Unlock()
}

func (o *outboxState) next() (time.Time, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.at, !o.at.IsZero()
}

// outbox is one account's send loop, sharing its session's provider.
type outbox struct {
	r    *runner
	e    *Engine
	p    provider.Provider
	hold time.Time // no send before this: gap and jitter, a rate limit
	// failures counts consecutive host callback failures, for the backoff.
	failures int
}

// startOutbox runs the account's send loop beside the receive loop, on
// the same provider. It returns the channel the loop's error arrives on
// (it ends only on an error that stops the session: ErrAuth, a failing
// store) and a function that ends the loop and waits for it.
func (r *runner) startOutbox(ctx context.Context, p provider.Provider) (<-chan error, func()) {
	octx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	exited := make(chan struct{})
	o := &outbox{r: r, e: r.e, p: p}
	go func() {
		defer close(exited)
		err := o.run(octx)
		if octx.Err() == nil {
			done <- err
		}
	}()
	return done, func() {
		cancel()
		<-exited
		r.outbox.set(time.Time{})
	}
}

// run claims and sends the account's due sends one at a time, paced,
// until ctx ends or an error stops the session.
func (o *outbox) run(ctx context.Context) error {
	clock := o.e.opts.Clock
	timer := clock.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		wait, err := o.step(ctx)
		if err != nil || ctx.Err() != nil {
			return err
		}
		if wait.IsZero() {
			continue // something was done; look again at once
		}
		if wait.Equal(forever) {
			o.r.outbox.set(time.Time{})
			timer.Stop()
		} else {
			o.r.outbox.set(wait)
			timer.Reset(wait.Sub(clock.Now()))
		}
		o.e.sendWaits.Add(1)
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C():
		case <-o.r.sendWake:
		}
	}
}

// forever is step's answer when nothing is pending: wait for a Schedule.
var forever = time.Unix(1<<62, 0)

// step does one thing: it returns the zero time after it sent, snoozed or
// settled one send, else the moment to look again (forever: when a send
// is scheduled).
func (o *outbox) step(ctx context.Context) (time.Time, error) {
	e := o.e
	now := e.opts.Clock.Now()
	pacing, err := o.pacing(ctx)
	if err != nil {
		return o.backoff(ctx, err)
	}
	if o.hold.After(now) {
		return o.hold, nil
	}
	if open := pacing.Window.Next(now); open.After(now) {
		return open, nil
	}
	var c *Claim
	var next time.Time
	if err := guard("Queue.Claim", func() error {
		var err error
		c, next, err = e.opts.Queue.Claim(ctx, o.r.account, now, 2*e.opts.SendTimeout)
		return err
	}); err != nil {
		return o.backoff(ctx, err)
	}
	if c == nil {
		o.failures = 0
		if next.IsZero() {
			return forever, nil
		}
		return next, nil
	}
	if err := o.send(ctx, c, pacing, now); err != nil {
		return o.backoff(ctx, err)
	}
	o.failures = 0
	return time.Time{}, nil
}

func (o *outbox) pacing(ctx context.Context) (Pacing, error) {
	f := o.e.opts.Pacing
	if f == nil {
		return Pacing{}, nil
	}
	var p Pacing
	err := guard("Options.Pacing", func() error {
		var err error
		p, err = f(ctx, o.r.account)
		if err == nil && p.Window != nil {
			err = p.Window.check()
		}
		return err
	})
	return p, err
}

// backoff handles a failure of the loop: one that needs the user ends the
// session (the account goes red, its queue waits for Reconnect); others
// wait the engine's backoff and try again.
func (o *outbox) backoff(ctx context.Context, err error) (time.Time, error) {
	if ctx.Err() != nil {
		return time.Time{}, ctx.Err()
	}
	if needsUser(err) {
		return time.Time{}, err
	}
	o.failures++
	d := o.e.opts.Backoff.delay(o.failures, err)
	o.e.log.WarnContext(ctx, "engine: outbox failed; backing off", "account", o.r.account, "error", err, "wait", d)
	return o.e.opts.Clock.Now().Add(d), nil
}
