package engine

import (
	"context"
	"fmt"
	"time"
)

// Run runs the accounts until ctx is done, then stops them, waits for
// them and releases their leases. It lists the host's accounts first and
// returns that error if listing fails; otherwise it returns nil once ctx
// is done. Failures of single accounts never end Run: they are logged,
// reported through the StatusSink and retried.
func (e *Engine) Run(ctx context.Context) error {
	e.mu.Lock()
	if e.running {
		e.mu.Unlock()
		return ErrRunning
	}
	e.running = true
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.running = false
		e.mu.Unlock()
	}()

	var ids []string
	if err := guard("Accounts.List", func() error {
		var err error
		ids, err = e.opts.Accounts.List(ctx)
		return err
	}); err != nil {
		return fmt.Errorf("engine: listing accounts: %w", err)
	}
	for _, id := range ids {
		e.Add(id)
	}

	every := e.opts.LeaseTTL / 3
	t := e.opts.Clock.NewTimer(every)
	defer t.Stop()
	for {
		e.leaseRound(ctx, every)
		select {
		case <-ctx.Done():
			e.shutdown(ctx)
			return nil
		case <-t.C():
			t.Reset(every)
		case <-e.poke:
		}
	}
}

// leaseRound renews the leases this process holds (stopping the accounts
// it lost), releases those of removed accounts, and acquires the free
// ones among the known accounts, starting their runners.
func (e *Engine) leaseRound(ctx context.Context, every time.Duration) {
	if ctx.Err() != nil {
		return
	}
	lo := e.opts
	e.mu.Lock()
	var held []Lease
	var wanted []string
	for id, m := range e.known {
		if m.lease != nil {
			held = append(held, *m.lease)
		} else {
			wanted = append(wanted, id)
		}
	}
	var release []Lease
	for id, l := range e.orphans {
		if e.stopping[id] == nil {
			release = append(release, l)
			delete(e.orphans, id)
		}
	}
	e.mu.Unlock()

	if len(held) > 0 {
		kept, err := lo.Leases.Renew(ctx, lo.Holder, held, lo.LeaseTTL)
		e.afterRenew(held, kept, err, every)
	}
	if len(release) > 0 {
		if err := lo.Leases.Release(ctx, lo.Holder, release); err != nil {
			e.log.WarnContext(ctx, "engine: releasing leases", "count", len(release), "error", err)
		}
	}
	e.mu.Lock()
	for id, m := range e.known {
		if m.lease != nil && m.run == nil { // re-added while its lease was still held
			e.startLocked(ctx, id, *m.lease)
		}
	}
	e.mu.Unlock()
	room := len(wanted)
	if most := lo.MaxAccounts; most > 0 {
		room = min(room, max(most-len(held), 0))
	}
	if room == 0 {
		return
	}
	// Ask for every wanted account, not a room-sized sample of them: most
	// may be held by other live replicas, and a sample would find the free
	// ones only by chance. What exceeds the room goes back at once.
	got, err := lo.Leases.Acquire(ctx, lo.Holder, wanted, lo.LeaseTTL)
	if err != nil {
		e.log.WarnContext(ctx, "engine: acquiring leases", "count", len(wanted), "error", err)
		return
	}
	if len(got) > room {
		if err := lo.Leases.Release(ctx, lo.Holder, got[room:]); err != nil {
			e.log.WarnContext(ctx, "engine: releasing leases over MaxAccounts", "count", len(got)-room, "error", err)
		}
		got = got[:room]
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, l := range got {
		m := e.known[l.Account]
		if m == nil { // removed meanwhile
			e.orphans[l.Account] = l
			continue
		}
		m.lease = &l
		e.startLocked(ctx, l.Account, l)
	}
}

// afterRenew applies a renewal: accounts whose lease is gone stop; when
// the renewal failed, accounts whose lease would run out before the next
// round stop too, since this process can no longer prove it holds them.
func (e *Engine) afterRenew(held, kept []Lease, err error, every time.Duration) {
	now := e.opts.Clock.Now()
	ok := make(map[string]Lease, len(kept))
	for _, l := range kept {
		ok[l.Account] = l
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, h := range held {
		m := e.known[h.Account]
		if m == nil || m.lease == nil || m.lease.Token != h.Token {
			continue
		}
		if err != nil {
			if h.Expires.Sub(now) > every {
				continue // still safely ours until the next round
			}
		} else if l, still := ok[h.Account]; still {
			m.lease = &l
			continue
		}
		e.log.Info("engine: lease lost; stopping account", "account", h.Account, "token", h.Token)
		e.stopLocked(h.Account, m)
		m.lease = nil
	}
	if err != nil {
		e.log.Warn("engine: renewing leases", "count", len(held), "error", err)
	}
}

// startLocked starts the runner for a leased account, after the previous
// runner of the same account (if one is still stopping) has ended.
func (e *Engine) startLocked(ctx context.Context, account string, l Lease) {
	m := e.known[account]
	if m.run != nil {
		return
	}
	rctx, cancel := context.WithCancel(ctx)
	r := newRunner(e, l, cancel)
	m.run = r
	go r.run(rctx, e.stopping[account])
}

// shutdown stops every runner, waits for them and releases the leases.
func (e *Engine) shutdown(ctx context.Context) {
	e.mu.Lock()
	var leases []Lease
	for id, m := range e.known {
		e.stopLocked(id, m)
		if m.lease != nil {
			leases = append(leases, *m.lease)
			m.lease = nil
		}
	}
	for id, l := range e.orphans {
		leases = append(leases, l)
		delete(e.orphans, id)
	}
	var waits []chan struct{}
	for _, done := range e.stopping {
		waits = append(waits, done)
	}
	e.mu.Unlock()
	for _, done := range waits {
		<-done
	}
	if len(leases) == 0 {
		return
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := e.opts.Leases.Release(rctx, e.opts.Holder, leases); err != nil {
		e.log.Warn("engine: releasing leases at shutdown", "count", len(leases), "error", err)
	}
}

// dropLease stops account when this process still runs it under token:
// a store said another process holds it now.
func (e *Engine) dropLease(account string, token uint64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if m := e.known[account]; m != nil && m.lease != nil && m.lease.Token == token {
		e.stopLocked(account, m)
		m.lease = nil
	}
}
