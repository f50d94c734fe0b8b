package engine

import (
	"context"
	"errors"
	"time"

	"github.com/inboxkit/inboxkit/provider"
)

// runner runs one leased account: open, Verify, Watch or poll, Fetch.
type runner struct {
	e         *Engine
	account   string
	lease     Lease
	cancel    context.CancelFunc
	done      chan struct{}
	wake      chan struct{} // a Fetch is wanted (coalesced)
	reconnect chan struct{} // the user connected again
	sendWake  chan struct{} // a send was scheduled or cancelled
	outbox    outboxState

	failures int             // consecutive failures, for the backoff
	status   provider.Status // last status reported; -1: none yet
	timer    Timer           // backoff and poll waits, made on first use
}

func newRunner(e *Engine, l Lease, cancel context.CancelFunc) *runner {
	return &runner{
		e: e, account: l.Account, lease: l, cancel: cancel,
		done:      make(chan struct{}),
		wake:      make(chan struct{}, 1),
		reconnect: make(chan struct{}, 1),
		sendWake:  make(chan struct{}, 1),
		status:    -1,
	}
}

func (r *runner) signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// run is the account's life under one lease. prev, when not nil, is the
// done channel of an earlier runner of the same account that is still
// stopping.
func (r *runner) run(ctx context.Context, prev <-chan struct{}) {
	defer close(r.done)
	defer func() {
		if r.timer != nil {
			r.timer.Stop()
		}
	}()
	if prev != nil {
		select {
		case <-prev:
		case <-ctx.Done():
			return
		}
	}
	log := r.e.log.With("account", r.account)
	clock := r.e.opts.Clock
	for ctx.Err() == nil {
		began := clock.Now()
		err := r.session(ctx)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			continue // Reconnect while running: open and verify again
		}
		if clock.Now().Sub(began) >= healthy {
			r.failures = 0 // a failure after a good run starts the backoff afresh
		}
		if needsUser(err) {
			log.WarnContext(ctx, "engine: account needs the user; stopped until Reconnect", "error", err)
			serr := r.setStatus(ctx, provider.AccountStateOf(err, clock.Now()))
			if serr == nil {
				r.failures = 0
				select {
				case <-ctx.Done():
					return
				case <-r.reconnect:
					continue
				}
			}
			log.WarnContext(ctx, "engine: status sink failed; retrying after a backoff", "error", serr)
			err = serr
		}
		r.failures++
		d := r.e.opts.Backoff.delay(r.failures, err)
		log.InfoContext(ctx, "engine: account failed; backing off", "error", err, "wait", d, "failures", r.failures)
		if !r.sleep(ctx, d) {
			return
		}
	}
}

// healthy is how long a session must have run for its failure to count
// as the first of a new series rather than one more of the last, so that
// an account whose Watch keeps failing right after a good Fetch still
// backs off exponentially.
const healthy = time.Minute

// needsUser reports whether err stops the account until the user acts:
// credentials rejected or revoked, a missing scope, another account, no
// TLS on offer, or settings the provider refuses. A failed host callback
// does only when it returned an error that says so (Open reporting ErrAuth
// for credentials it cannot load); a panic never does.
func needsUser(err error) bool {
	var he *HostError
	if errors.As(err, &he) {
		return !he.Panic && provider.NeedsReconnect(he.Err)
	}
	if provider.NeedsReconnect(err) || errors.Is(err, provider.ErrInsecure) {
		return true
	}
	return errors.Is(err, provider.ErrInvalid) && !errors.Is(err, provider.ErrClosed)
}

// sleep waits d, or until ctx is done (false). A Reconnect cuts it short.
func (r *runner) sleep(ctx context.Context, d time.Duration) bool {
	if r.timer == nil {
		r.timer = r.e.opts.Clock.NewTimer(d)
	} else {
		r.timer.Reset(d)
	}
	select {
	case <-ctx.Done():
		r.timer.Stop()
		return false
	case <-r.timer.C():
		return true
	case <-r.reconnect:
		r.timer.Stop()
		return true
	}
}

// setStatus reports st when it differs from the last status reported.
func (r *runner) setStatus(ctx context.Context, st provider.AccountState) error {
	if st.Status == r.status {
		return nil
	}
	if s := r.e.opts.Status; s != nil {
		if err := guard("StatusSink.SetStatus", func() error { return s.SetStatus(ctx, r.account, st) }); err != nil {
			return err
		}
	}
	r.status = st.Status
	return nil
}
