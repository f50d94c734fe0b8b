package engine_test

import (
	"context"
	"testing"
	"time"
)

// A replica under MaxAccounts whose wanted accounts are mostly held by
// other live replicas takes the free ones in its first lease round (not
// a room-sized sample of the wanted that finds them by chance), and gives
// back at once what exceeds its room.
func TestEngine_maxAccountsTakesTheFreeOnes(t *testing.T) {
	w := newIMAPWorld(t, 20)
	s := newStores()
	ctx := context.Background()
	held, err := s.leases.Acquire(ctx, "other", w.ids[3:], time.Hour)
	if err != nil || len(held) != 17 {
		t.Fatalf("other replica's Acquire = %d leases, %v; want 17", len(held), err)
	}
	opts := s.options(w, w.index)
	opts.Holder, opts.MaxAccounts = "here", 2
	opts.LeaseTTL = time.Hour // one lease round in this test: the first
	e, _ := start(t, opts)
	waitFor(t, "two of the three free accounts running", func() bool { return e.Stats().Running == 2 })
	got, err := s.leases.Acquire(ctx, "third", w.ids[:3], time.Hour)
	if err != nil || len(got) != 1 {
		t.Errorf("a third replica's Acquire of the free accounts = %+v, %v; want the one given back", got, err)
	}
}
