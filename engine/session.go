package engine

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/inboxkit/inboxkit/provider"
)

var errWatchEnded = errors.New("engine: watch ended")

// session opens the account's provider, verifies it, and fetches
// whenever the provider's Watch, a Kick or the poll interval says so,
// until an error or the end of ctx.
func (r *runner) session(ctx context.Context) error {
	e := r.e
	// Opening and verifying take a slot of the Fetch semaphore too, so
	// that ten thousand accounts starting at once do not dial at once.
	select {
	case e.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	p, err := r.openAndVerify(ctx)
	<-e.sem
	if p == nil {
		return err
	}
	defer func() {
		_ = guardProvider("Provider.Close", p.Close)
	}()
	if err != nil {
		return err
	}
	if err := r.setStatus(ctx, provider.AccountStateOf(nil, e.opts.Clock.Now())); err != nil {
		return err
	}
	var cursor string
	if err := guard("CursorStore.Cursor", func() error {
		var err error
		cursor, err = e.opts.Cursors.Cursor(ctx, r.account)
		return err
	}); err != nil {
		return err
	}
	email := p.Account().Email

	watchDone, stopWatch := r.startWatch(ctx, p)
	defer stopWatch()
	sendDone, stopSending := r.startOutbox(ctx, p)
	defer stopSending()
	var poll Timer
	defer func() {
		if poll != nil {
			poll.Stop()
		}
	}()
	if watchDone == nil {
		// The first poll comes after a random part of the interval, so
		// that accounts started together do not poll together forever.
		iv := e.opts.PollInterval
		poll = e.opts.Clock.NewTimer(iv/2 + time.Duration(rand.Int64N(int64(iv/2)+1)))
	}
	r.signal(r.wake) // fetch once at the start
	for {
		var pc <-chan time.Time
		if poll != nil {
			pc = poll.C()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-watchDone:
			if errors.Is(err, errors.ErrUnsupported) {
				// A wrapper (delegation.Guard, beacon.Instrumented) over
				// a provider that cannot push: poll it instead.
				watchDone, poll = nil, e.opts.Clock.NewTimer(e.opts.PollInterval)
				continue
			}
			if err == nil {
				err = errWatchEnded
			}
			return err
		case <-r.reconnect:
			return nil // reopen and verify again
		case err := <-sendDone:
			return err
		case <-pc:
		case <-r.wake:
		}
		var err error
		cursor, err = r.fetchAll(ctx, p, email, cursor)
		if err != nil {
			return err
		}
		if poll != nil {
			poll.Reset(e.opts.PollInterval)
		}
	}
}

// startWatch runs the provider's Watch, if it has one, in a goroutine of
// its own whose notifications become one pending wake. It returns the
// channel Watch's result arrives on (nil without a Watcher) and a
// function that ends the Watch and waits for it.
func (r *runner) startWatch(ctx context.Context, p provider.Provider) (<-chan error, func()) {
	w, ok := p.(provider.Watcher)
	if !ok {
		return nil, func() {}
	}
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		done <- guardProvider("Provider.Watch", func() error {
			return w.Watch(wctx, func() { r.signal(r.wake) })
		})
	}()
	return done, func() {
		cancel()
		<-exited
	}
}

// openAndVerify opens the account's provider and verifies it. It returns
// the provider (to be closed) whenever Open gave one, with Verify's error.
func (r *runner) openAndVerify(ctx context.Context) (provider.Provider, error) {
	var p provider.Provider
	if err := guard("Accounts.Open", func() error {
		var err error
		p, err = r.e.opts.Accounts.Open(ctx, r.account)
		if err == nil && p == nil {
			err = errors.New("returned a nil Provider")
		}
		return err
	}); err != nil {
		return nil, err
	}
	return p, guardProvider("Provider.Verify", func() error { return p.Verify(ctx) })
}
