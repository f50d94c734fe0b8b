package pgstore_test

import (
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/engine"
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

func TestLeases_renewExpireTakeover(t *testing.T) {
	clk := newTestClock()
	pool := pgtest.Pool(t)
	s := newStoreOn(t, pool, &pgstore.Options{Now: clk.now})
	l := s.Leases()
	ctx := pgtest.Context(t, testTimeout)
	const ttl = 30 * time.Second
	all := accounts(4)

	a, err := l.Acquire(ctx, "A", all, ttl)
	if err != nil || len(a) != 4 {
		t.Fatalf("A: Acquire = %d leases, %v; want 4", len(a), err)
	}
	if b, err := l.Acquire(ctx, "B", all, ttl); err != nil || len(b) != 0 {
		t.Fatalf("B: Acquire while A holds all = %v, %v; want none", b, err)
	}
	clk.advance(20 * time.Second)
	renewed, err := l.Renew(ctx, "A", a, ttl)
	if err != nil || len(renewed) != 4 || !renewed[0].Expires.Equal(clk.now().Add(ttl)) {
		t.Fatalf("A: Renew = %+v, %v; want 4 leases until now+ttl", renewed, err)
	}
	// A stops renewing (killed); after the TTL B takes over, token + 1.
	clk.advance(ttl + time.Second)
	b, err := l.Acquire(ctx, "B", all, ttl)
	if err != nil || len(b) != 4 {
		t.Fatalf("B: Acquire after A's leases expired = %d, %v; want 4", len(b), err)
	}
	for _, le := range b {
		if le.Token != 2 || le.Holder != "B" {
			t.Errorf("lease after takeover = %+v; want holder B, token 2", le)
		}
	}
	// A comes back: its renewal returns nothing, and its token is stale.
	if got, err := l.Renew(ctx, "A", a, ttl); err != nil || len(got) != 0 {
		t.Errorf("A: Renew after losing its leases = %v, %v; want none", got, err)
	}
	if ok, err := l.Valid(ctx, all[0], 1); err != nil || ok {
		t.Errorf("Valid(old token 1) = %v, %v; want false", ok, err)
	}
	if ok, err := l.Valid(ctx, all[0], 2); err != nil || !ok {
		t.Errorf("Valid(current token 2) = %v, %v; want true", ok, err)
	}
	// B releases two; A gets exactly those, with token 3.
	slices.SortFunc(b, func(x, y engine.Lease) int { return compareStrings(x.Account, y.Account) })
	if err := l.Release(ctx, "B", b[:2]); err != nil {
		t.Fatal(err)
	}
	a, err = l.Acquire(ctx, "A", all, ttl)
	if err != nil || len(a) != 2 || a[0].Token != 3 {
		t.Errorf("A: Acquire after B released two = %+v, %v; want 2 leases at token 3", a, err)
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

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// The fair share, step by step on a stubbed clock: a lone replica takes
// all 300 accounts; a second and a third joining make the others shed to
// ceil(300 ÷ live replicas); a replica that stops renewing is dropped from
// the count with its leases, and the survivors split its accounts.
func TestFairLeases_shareFollowsLiveReplicas(t *testing.T) {
	clk := newTestClock()
	pool := pgtest.Pool(t)
	s := newStoreOn(t, pool, &pgstore.Options{Now: clk.now})
	l := s.FairLeases()
	ctx := pgtest.Context(t, testTimeout)
	const ttl = 30 * time.Second
	all := accounts(300)
	held := map[string][]engine.Lease{}
	acquire := func(h string) {
		t.Helper()
		got, err := l.Acquire(ctx, h, all, ttl)
		if err != nil {
			t.Fatalf("%s: Acquire = %v", h, err)
		}
		held[h] = mergeLeases(held[h], got)
	}
	renew := func(h string) {
		t.Helper()
		got, err := l.Renew(ctx, h, held[h], ttl)
		if err != nil {
			t.Fatalf("%s: Renew = %v", h, err)
		}
		held[h] = got
	}
	counts := func(hs ...string) []int {
		out := make([]int, len(hs))
		for i, h := range hs {
			out[i] = len(held[h])
		}
		return out
	}
	steps := []struct {
		name string
		do   func()
		of   []string
		want []int
	}{
		{"A alone takes all", func() { acquire("A") }, []string{"A"}, []int{300}},
		{"B joins, finds none free", func() { acquire("B") }, []string{"A", "B"}, []int{300, 0}},
		{"A renews and sheds to 150", func() { renew("A") }, []string{"A", "B"}, []int{150, 0}},
		{"B takes the 150 shed", func() { acquire("B") }, []string{"A", "B"}, []int{150, 150}},
		{"C joins; A and B shed to 100; C takes 100", func() {
			acquire("C")
			renew("A")
			renew("B")
			acquire("C")
		}, []string{"A", "B", "C"}, []int{100, 100, 100}},
		{"C stops; after the TTL A and B take 50 each", func() {
			clk.advance(ttl / 2)
			renew("A")
			renew("B")
			clk.advance(ttl/2 + time.Second)
			acquire("A")
			acquire("B")
		}, []string{"A", "B"}, []int{150, 150}},
	}
	for _, st := range steps {
		st.do()
		if got := counts(st.of...); !slices.Equal(got, st.want) {
			t.Fatalf("%s: %v hold %v; want %v", st.name, st.of, got, st.want)
		}
	}
	if live, err := l.Replicas(ctx); err != nil || !slices.Equal(live, []string{"A", "B"}) {
		t.Errorf("Replicas = %v, %v; want [A B]", live, err)
	}
	owner := map[string]string{}
	for _, h := range []string{"A", "B"} {
		for _, le := range held[h] {
			if prev, dup := owner[le.Account]; dup {
				t.Errorf("%s held by %s and %s", le.Account, prev, h)
			}
			owner[le.Account] = h
		}
	}
	if len(owner) != 300 {
		t.Errorf("survivors hold %d accounts; want all 300", len(owner))
	}
}

// mergeLeases adds got to held, replacing leases of the same account.
func mergeLeases(held, got []engine.Lease) []engine.Lease {
	by := map[string]engine.Lease{}
	for _, l := range held {
		by[l.Account] = l
	}
	for _, l := range got {
		by[l.Account] = l
	}
	out := make([]engine.Lease, 0, len(by))
	for _, l := range by {
		out = append(out, l)
	}
	return out
}
