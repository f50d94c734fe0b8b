package engine_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/provider"
)

// crashingCursors fails every SaveCursor once crashed is set: the process
// died after the Sink took a batch and before the cursor was saved.
type crashingCursors struct {
	provider.CursorStore
	crashed atomic.Bool
}

func (c *crashingCursors) SaveCursor(ctx context.Context, account, cursor string) error {
	if c.crashed.Load() {
		return errors.New("process died")
	}
	return c.CursorStore.SaveCursor(ctx, account, cursor)
}

// crashedLeases never releases: a killed process leaves its leases to
// expire.
type crashedLeases struct{ engine.Leases }

func (crashedLeases) Release(context.Context, string, []engine.Lease) error { return nil }

// A second engine over the same stores, started after the first died
// between delivering events and saving cursors, without releasing its
// leases, takes over once the leases expire, loses nothing, and the keyed
// sink holds every event once.
func TestEngine_restartMidway(t *testing.T) {
	w := newIMAPWorld(t, 4)
	s := newStores()
	want := map[string]engine.EventKind{}

	optsA := s.options(w, w.index)
	cursA := &crashingCursors{CursorStore: s.cursors}
	optsA.Cursors, optsA.Leases, optsA.Holder, optsA.LeaseTTL = cursA, crashedLeases{s.leases}, "A", time.Second
	_, stopA := start(t, optsA)

	// Phase 1: delivered and saved.
	for _, id := range w.ids {
		want[w.reply(t, id)] = engine.EventReplied
	}
	want[w.bounce(t, w.ids[0])] = engine.EventBounced
	waitFor(t, "phase 1 events", func() bool { return s.sink.Len() == len(want) })

	// Phase 2: the sink takes the events, the cursors are never saved.
	cursA.crashed.Store(true)
	for _, id := range w.ids[:2] {
		want[w.reply(t, id)] = engine.EventReplied
	}
	waitFor(t, "phase 2 events", func() bool { return s.sink.Len() == len(want) })
	before := s.sink.Offered()
	stopA()

	// Phase 3: B starts while A's leases are still live, and mail keeps
	// coming.
	for _, id := range w.ids {
		want[w.reply(t, id)] = engine.EventReplied
	}
	optsB := s.options(w, w.index)
	optsB.Holder, optsB.LeaseTTL = "B", time.Second
	eB, _ := start(t, optsB)
	waitFor(t, "phase 3 events", func() bool { return s.sink.Len() == len(want) })
	waitFor(t, "B running every account", func() bool { return eB.Stats().Running == len(w.ids) })

	got := eventsByMessageID(s.sink)
	for mid, kind := range want {
		evs := got[mid]
		if len(evs) != 1 {
			t.Errorf("message %s: %d events; want 1", mid, len(evs))
			continue
		}
		if evs[0].Kind != kind {
			t.Errorf("message %s: kind %s; want %s", mid, evs[0].Kind, kind)
		}
		if evs[0].Record == nil || evs[0].Record.MessageID != w.sent[evs[0].Account] {
			t.Errorf("message %s: record %+v; want the message sent from %s", mid, evs[0].Record, evs[0].Account)
		}
	}
	if len(got) != len(want) {
		t.Errorf("sink holds %d messages; want %d", len(got), len(want))
	}
	if repeats := s.sink.Offered() - s.sink.Len(); repeats < 2 || s.sink.Offered() <= before {
		t.Errorf("B delivered %d repeats of phase 2; want at least 2 (the cursors were not saved), absorbed by the keys", repeats)
	}
	// B holds the accounts under newer fencing tokens than A.
	fence := map[string]uint64{}
	for _, e := range s.sink.Events() {
		if e.Fence < fence[e.Account] {
			t.Errorf("account %s: event with fence %d after one with %d", e.Account, e.Fence, fence[e.Account])
		}
		fence[e.Account] = max(fence[e.Account], e.Fence)
	}
	for _, id := range w.ids {
		if fence[id] < 2 {
			t.Errorf("account %s: last fence %d; want a token > 1 after the takeover", id, fence[id])
		}
		if st := s.status.get(id); st.Status != provider.StatusActive {
			t.Errorf("account %s: status %v; want active", id, st.Status)
		}
	}
}

// Two replicas share the accounts through one Leases; when one dies
// without releasing, the other takes its accounts once their leases
// expire, and every reply reaches the shared sink once.
func TestEngine_twoReplicas(t *testing.T) {
	w := newIMAPWorld(t, 6)
	s := newStores()
	optsA := s.options(w, w.index)
	optsA.Holder, optsA.Leases, optsA.LeaseTTL, optsA.MaxAccounts = "A", crashedLeases{s.leases}, time.Second, 3
	a, stopA := start(t, optsA)
	waitFor(t, "A holding its share", func() bool { return a.Stats().Running == 3 })
	optsB := s.options(w, w.index)
	optsB.Holder, optsB.LeaseTTL = "B", time.Second
	b, _ := start(t, optsB)
	waitFor(t, "B holding the rest", func() bool { return b.Stats().Running == 3 })

	var want []string
	for _, id := range w.ids {
		want = append(want, w.reply(t, id))
	}
	waitFor(t, "every reply", func() bool { return s.sink.Len() == len(want) })
	stopA() // killed: its leases stay until they expire
	for _, id := range w.ids {
		want = append(want, w.reply(t, id))
	}
	waitFor(t, "B taking over", func() bool { return b.Stats().Running == 6 })
	waitFor(t, "every reply after the takeover", func() bool { return s.sink.Len() == len(want) })
	got := eventsByMessageID(s.sink)
	for _, mid := range want {
		if len(got[mid]) != 1 {
			t.Errorf("message %s: %d events; want 1", mid, len(got[mid]))
		}
	}
}
