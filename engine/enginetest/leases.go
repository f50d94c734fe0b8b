package enginetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/engine"
)

// LeasesFactory returns empty Leases for one subtest. A store that keeps
// time itself (a database's now()) may ignore clock; the suite then
// relies on real time passing, with short TTLs and bounded polling.
type LeasesFactory func(t *testing.T, clock engine.Clock) engine.Leases

// RunLeases runs the conformance suite for engine.Leases.
func RunLeases(t *testing.T, newLeases LeasesFactory) {
	t.Run("AcquireFree", func(t *testing.T) { testAcquireFree(t, newLeases) })
	t.Run("RenewKeepsToken", func(t *testing.T) { testRenew(t, newLeases) })
	t.Run("ExpiredTakenOver", func(t *testing.T) { testExpiry(t, newLeases) })
	t.Run("Release", func(t *testing.T) { testRelease(t, newLeases) })
	t.Run("Batch", func(t *testing.T) { testBatch(t, newLeases) })
	t.Run("ConcurrentHolders", func(t *testing.T) { testConcurrent(t, newLeases) })
}

const longTTL = time.Hour

func byAccount(ls []engine.Lease) map[string]engine.Lease {
	m := make(map[string]engine.Lease, len(ls))
	for _, l := range ls {
		m[l.Account] = l
	}
	return m
}

func mustAcquire(t *testing.T, l engine.Leases, holder string, accounts []string, ttl time.Duration) map[string]engine.Lease {
	t.Helper()
	got, err := l.Acquire(context.Background(), holder, accounts, ttl)
	if err != nil {
		t.Fatalf("Acquire(%s, %v): %v", holder, accounts, err)
	}
	for _, g := range got {
		if g.Holder != holder {
			t.Errorf("Acquire(%s) returned a lease of holder %q", holder, g.Holder)
		}
	}
	return byAccount(got)
}

func testAcquireFree(t *testing.T, newLeases LeasesFactory) {
	clock := NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	l := newLeases(t, clock)
	got := mustAcquire(t, l, "a", []string{"x", "y"}, longTTL)
	if len(got) != 2 {
		t.Fatalf("Acquire of two free accounts got %d leases; want 2", len(got))
	}
	for _, g := range got {
		if g.Token == 0 {
			t.Errorf("lease %s has token 0; want > 0", g.Account)
		}
		if g.Expires.IsZero() {
			t.Errorf("lease %s has no expiry", g.Account)
		}
	}
	if other := mustAcquire(t, l, "b", []string{"x", "y", "z"}, longTTL); len(other) != 1 || other["z"].Account != "z" {
		t.Errorf("second holder acquired %v; want only z", other)
	}
	again := mustAcquire(t, l, "a", []string{"x"}, longTTL)
	if again["x"].Token != got["x"].Token {
		t.Errorf("holder re-acquiring its live lease: token %d; want unchanged %d", again["x"].Token, got["x"].Token)
	}
}

func testRenew(t *testing.T, newLeases LeasesFactory) {
	clock := NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	l := newLeases(t, clock)
	ctx := context.Background()
	got := mustAcquire(t, l, "a", []string{"x"}, longTTL)
	clock.Advance(time.Minute)
	kept, err := l.Renew(ctx, "a", []engine.Lease{got["x"]}, longTTL)
	if err != nil {
		t.Fatalf("Renew: %v", err)
	}
	if len(kept) != 1 || kept[0].Token != got["x"].Token {
		t.Fatalf("Renew = %+v; want x with token %d", kept, got["x"].Token)
	}
	if kept[0].Expires.Before(got["x"].Expires) {
		t.Errorf("Renew moved the expiry back: %v < %v", kept[0].Expires, got["x"].Expires)
	}
	stolen, err := l.Renew(ctx, "b", []engine.Lease{got["x"]}, longTTL)
	if err != nil {
		t.Fatalf("Renew by another holder: %v", err)
	}
	if len(stolen) != 0 {
		t.Errorf("another holder renewed a's lease: %+v", stolen)
	}
}

// waitExpired advances the fake clock past ttl and polls, for stores on
// real time, until holder can take account; it returns the lease taken.
func waitTaken(t *testing.T, l engine.Leases, clock *Clock, holder, account string, ttl time.Duration) engine.Lease {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		clock.Advance(ttl)
		if got := mustAcquire(t, l, holder, []string{account}, ttl); len(got) == 1 {
			return got[account]
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s could not take %s within 10s after its lease expired", holder, account)
		}
		<-time.After(10 * time.Millisecond) // real time for stores that read their own clock
	}
}

func testExpiry(t *testing.T, newLeases LeasesFactory) {
	clock := NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	l := newLeases(t, clock)
	ctx := context.Background()
	const ttl = 200 * time.Millisecond
	first := mustAcquire(t, l, "a", []string{"x"}, ttl)["x"]
	second := waitTaken(t, l, clock, "b", "x", ttl)
	if second.Token <= first.Token {
		t.Fatalf("token after takeover = %d; want > %d", second.Token, first.Token)
	}
	kept, err := l.Renew(ctx, "a", []engine.Lease{first}, ttl)
	if err != nil {
		t.Fatalf("Renew by the old holder: %v", err)
	}
	if len(kept) != 0 {
		t.Errorf("old holder still renewed its lease after the takeover: %+v", kept)
	}
	third := waitTaken(t, l, clock, "a", "x", ttl)
	if third.Token <= second.Token {
		t.Errorf("token after the second takeover = %d; want > %d", third.Token, second.Token)
	}
}

func testRelease(t *testing.T, newLeases LeasesFactory) {
	clock := NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	l := newLeases(t, clock)
	ctx := context.Background()
	a := mustAcquire(t, l, "a", []string{"x", "y"}, longTTL)
	if err := l.Release(ctx, "b", []engine.Lease{a["x"]}); err != nil {
		t.Fatalf("Release by another holder: %v", err)
	}
	if got := mustAcquire(t, l, "b", []string{"x"}, longTTL); len(got) != 0 {
		t.Fatalf("a lease released by a non-holder was taken: %+v", got)
	}
	if err := l.Release(ctx, "a", []engine.Lease{a["x"]}); err != nil {
		t.Fatalf("Release: %v", err)
	}
	b := mustAcquire(t, l, "b", []string{"x", "y"}, longTTL)
	if len(b) != 1 || b["x"].Token <= a["x"].Token {
		t.Fatalf("after release b got %+v; want x alone with a token > %d", b, a["x"].Token)
	}
	kept, err := l.Renew(ctx, "a", []engine.Lease{a["x"], a["y"]}, longTTL)
	if err != nil {
		t.Fatalf("Renew: %v", err)
	}
	if got := byAccount(kept); len(got) != 1 || got["y"].Token != a["y"].Token {
		t.Errorf("Renew after releasing x = %+v; want y alone", kept)
	}
}

func testBatch(t *testing.T, newLeases LeasesFactory) {
	clock := NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	l := newLeases(t, clock)
	ctx := context.Background()
	var accounts []string
	for i := range 500 {
		accounts = append(accounts, fmt.Sprintf("acct-%03d", i))
	}
	b := mustAcquire(t, l, "b", accounts[:100], longTTL)
	a := mustAcquire(t, l, "a", accounts, longTTL)
	if len(a) != 400 || len(b) != 100 {
		t.Fatalf("a got %d, b got %d; want 400 and 100", len(a), len(b))
	}
	var mine []engine.Lease
	for _, x := range a {
		mine = append(mine, x)
	}
	kept, err := l.Renew(ctx, "a", mine, longTTL)
	if err != nil {
		t.Fatalf("Renew of 400: %v", err)
	}
	if len(kept) != 400 {
		t.Errorf("Renew of 400 kept %d", len(kept))
	}
	if err := l.Release(ctx, "a", mine); err != nil {
		t.Fatalf("Release of 400: %v", err)
	}
	if got := mustAcquire(t, l, "b", accounts, longTTL); len(got) != 500 {
		t.Errorf("after a released its 400, b holds %d of 500", len(got))
	}
}

func testConcurrent(t *testing.T, newLeases LeasesFactory) {
	clock := NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	l := newLeases(t, clock)
	var accounts []string
	for i := range 50 {
		accounts = append(accounts, fmt.Sprintf("acct-%02d", i))
	}
	const holders = 8
	results := make([]map[string]engine.Lease, holders)
	var wg sync.WaitGroup
	for h := range holders {
		wg.Go(func() {
			got, err := l.Acquire(context.Background(), fmt.Sprintf("h%d", h), accounts, longTTL)
			if err != nil {
				t.Errorf("Acquire: %v", err)
			}
			results[h] = byAccount(got)
		})
	}
	wg.Wait()
	for _, a := range accounts {
		n := 0
		for _, r := range results {
			if _, ok := r[a]; ok {
				n++
			}
		}
		if n != 1 {
			t.Errorf("account %s was acquired by %d holders at once; want 1", a, n)
		}
	}
}
