package pgstore_test

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/pgstore"
	"github.com/inboxkit/inboxkit/pgstore/internal/pgtest"
)

// testClock is a settable clock for Options.Now.
type testClock struct{ ns atomic.Int64 }

func newTestClock() *testClock {
	c := &testClock{}
	c.ns.Store(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *testClock) now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *testClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

func accounts(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("user%03d@example.com", i)
	}
	return out
}

// Three replicas, each on its own pool, claim at once: SKIP LOCKED splits
// the 300 accounts between them with no account held twice.
func TestLeases_acquireSplitsAccounts(t *testing.T) {
	first := pgtest.Pool(t)
	schema := pgtest.Schema(t, first)
	all := accounts(300)
	const replicas = 3
	got := make([][]pgstore.Lease, replicas)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range replicas {
		pool := first
		if i > 0 {
			pool = pgtest.Pool(t)
		}
		s, err := pgstore.New(pool, &pgstore.Options{Schema: schema})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(pgtest.Context(t, testTimeout)); err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			<-start
			ls, err := s.Leases().Acquire(pgtest.Context(t, testTimeout), fmt.Sprintf("replica-%d", i), all, 100, time.Minute)
			if err != nil {
				t.Errorf("replica %d: Acquire = %v", i, err)
			}
			got[i] = ls
		})
	}
	close(start)
	wg.Wait()
	seen := map[string]string{}
	for i, ls := range got {
		if len(ls) != 100 {
			t.Errorf("replica %d got %d leases; want 100", i, len(ls))
		}
		for _, l := range ls {
			if prev, dup := seen[l.Account]; dup {
				t.Errorf("%s leased to %s and %s", l.Account, prev, l.Holder)
			}
			seen[l.Account] = l.Holder
			if l.Fence != 1 {
				t.Errorf("first lease on %s has fence %d; want 1", l.Account, l.Fence)
			}
		}
	}
	if len(seen) != len(all) {
		t.Errorf("%d accounts leased; want all %d", len(seen), len(all))
	}
}

func TestLeases_renewExpireTakeover(t *testing.T) {
	clk := newTestClock()
	pool := pgtest.Pool(t)
	s := newStoreOn(t, pool, &pgstore.Options{Now: clk.now})
	l := s.Leases()
	ctx := pgtest.Context(t, testTimeout)
	const ttl = 30 * time.Second
	all := accounts(4)

	a, err := l.Acquire(ctx, "A", all, 10, ttl)
	if err != nil || len(a) != 4 {
		t.Fatalf("A: Acquire = %d leases, %v; want 4", len(a), err)
	}
	if b, err := l.Acquire(ctx, "B", all, 10, ttl); err != nil || len(b) != 0 {
		t.Fatalf("B: Acquire while A holds all = %v, %v; want none", b, err)
	}
	clk.advance(20 * time.Second)
	renewed, err := l.Renew(ctx, "A", ttl)
	if err != nil || len(renewed) != 4 || !renewed[0].Expires.Equal(clk.now().Add(ttl)) {
		t.Fatalf("A: Renew = %+v, %v; want 4 leases until now+ttl", renewed, err)
	}
	// A stops renewing (killed); after the TTL B takes over, fence + 1.
	clk.advance(ttl + time.Second)
	b, err := l.Acquire(ctx, "B", all, 10, ttl)
	if err != nil || len(b) != 4 {
		t.Fatalf("B: Acquire after A's leases expired = %d, %v; want 4", len(b), err)
	}
	for _, le := range b {
		if le.Fence != 2 || le.Holder != "B" {
			t.Errorf("lease after takeover = %+v; want holder B, fence 2", le)
		}
	}
	// A comes back: its renewal returns nothing, and its fence is stale.
	if got, err := l.Renew(ctx, "A", ttl); err != nil || len(got) != 0 {
		t.Errorf("A: Renew after losing its leases = %v, %v; want none", got, err)
	}
	if ok, err := l.Valid(ctx, all[0], 1); err != nil || ok {
		t.Errorf("Valid(old fence 1) = %v, %v; want false", ok, err)
	}
	if ok, err := l.Valid(ctx, all[0], 2); err != nil || !ok {
		t.Errorf("Valid(current fence 2) = %v, %v; want true", ok, err)
	}
	// B releases two; A gets exactly those, with fence 3.
	if err := l.Release(ctx, "B", all[:2]); err != nil {
		t.Fatal(err)
	}
	a, err = l.Acquire(ctx, "A", all, 10, ttl)
	if err != nil || len(a) != 2 || a[0].Fence != 3 {
		t.Errorf("A: Acquire after B released two = %+v, %v; want 2 leases at fence 3", a, err)
	}
	live, err := l.Live(ctx)
	if err != nil || len(live) != 4 {
		t.Fatalf("Live = %v, %v; want 4", live, err)
	}
	holders := make([]string, len(live))
	for i, le := range live {
		holders[i] = le.Holder
	}
	if want := []string{"A", "A", "B", "B"}; !slices.Equal(holders, want) {
		t.Errorf("holders by account = %v; want %v", holders, want)
	}
}
