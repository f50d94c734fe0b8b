package engine_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/engine/enginetest"
)

// unreachableLeases fails every Renew and Acquire once down is set, as a
// lease store behind a broken network does.
type unreachableLeases struct {
	engine.Leases
	down atomic.Bool
}

func (u *unreachableLeases) Renew(ctx context.Context, holder string, l []engine.Lease, ttl time.Duration) ([]engine.Lease, error) {
	if u.down.Load() {
		return nil, errors.New("lease store unreachable")
	}
	return u.Leases.Renew(ctx, holder, l, ttl)
}

func (u *unreachableLeases) Acquire(ctx context.Context, holder string, accounts []string, ttl time.Duration) ([]engine.Lease, error) {
	if u.down.Load() {
		return nil, errors.New("lease store unreachable")
	}
	return u.Leases.Acquire(ctx, holder, accounts, ttl)
}

// A process that cannot renew stops its accounts before their leases run
// out, so the next holder never overlaps with it; one whose lease was
// taken stops within one renewal period.
func TestEngine_leaseLoss(t *testing.T) {
	w := newIMAPWorld(t, 1)
	acct := w.ids[0]
	clock := enginetest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	shared := engine.NewMemoryLeases(clock)
	s := newStores()
	const ttl = 30 * time.Second // renewal every 10s

	leasesA := &unreachableLeases{Leases: shared}
	optsA := s.options(w, w.index)
	optsA.Clock, optsA.Leases, optsA.Holder, optsA.LeaseTTL = clock, leasesA, "A", ttl
	a, _ := start(t, optsA)
	waitFor(t, "A running the account", func() bool { return a.Stats().Running == 1 })

	optsB := s.options(w, w.index)
	optsB.Clock, optsB.Leases, optsB.Holder, optsB.LeaseTTL = clock, shared, "B", ttl
	b, _ := start(t, optsB)

	leasesA.down.Store(true)
	advance := func(d time.Duration) {
		// Both engines wait on their lease timers (and nothing else, the
		// account being watched over IMAP IDLE); move them on.
		waitFor(t, "both lease timers", func() bool { d, ok := clock.Next(); return ok && d == 10*time.Second && clock.Timers() == 2 })
		clock.Advance(d)
	}
	advance(10 * time.Second) // A fails to renew; its lease still has 20s
	if a.Stats().Running != 1 {
		t.Fatal("A stopped although its lease had 20s left")
	}
	advance(10 * time.Second) // A fails again; 10s left, less than a round: stop
	waitFor(t, "A to stop", func() bool { return a.Stats().Running == 0 })
	if b.Stats().Running != 0 {
		t.Fatal("B runs the account while A's lease is live")
	}
	advance(10 * time.Second) // A's lease expired: B takes over
	waitFor(t, "B to take over", func() bool { return b.Stats().Running == 1 })

	// A's store comes back; A cannot take the account while B holds it.
	leasesA.down.Store(false)
	advance(10 * time.Second)
	reply := w.reply(t, acct)
	waitFor(t, "B delivering a reply", func() bool { return b.Kick(acct) && has(s.sink, reply) })
	if a.Stats().Running != 0 {
		t.Error("A runs the account again while B holds it")
	}
	if ev := eventsByMessageID(s.sink)[reply]; len(ev) != 1 || ev[0].Fence < 2 {
		t.Errorf("reply events %+v; want one, under B's newer fencing token", ev)
	}
}
