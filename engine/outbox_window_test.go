package engine_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/internal/fakegmail"
	"github.com/inboxkit/inboxkit/provider"
)

// A window from 23:00 to 01:00 Berlin time, crossing midnight, on the
// night Berlin moves its clocks forward (Sunday 29 March 2026, 02:00 →
// 03:00): sends go at 23:00, 23:50 and 00:40, the next waits for Sunday
// 23:00, which after the change is 21:00 UTC, not 22:00.
func TestOutbox_windowAcrossMidnightAndDST(t *testing.T) {
	loc := berlin(t)
	start := time.Date(2026, 3, 28, 20, 0, 0, 0, loc)
	w := newSendWorld(t, start)
	window := &engine.Window{Location: loc, Start: 23 * time.Hour, End: time.Hour}
	e, _ := running(t, w, w.options(engine.Pacing{Gap: 50 * time.Minute, Window: window}))
	for range 4 {
		schedule(t, e, w, message("grace@client.example", "Go engineers"), start, nil)
	}
	for len(eventsOf(w.sink, engine.EventSent)) < 4 && next(t, e, w) {
	}
	sent := eventsOf(w.sink, engine.EventSent)
	if len(sent) != 4 {
		t.Fatalf("sent %d; want 4", len(sent))
	}
	want := []string{"2026-03-28T22:00:00Z", "2026-03-28T22:50:00Z", "2026-03-28T23:40:00Z", "2026-03-29T21:00:00Z"}
	for i, ev := range sent {
		if got := ev.At.UTC().Format(time.RFC3339); got != want[i] {
			t.Errorf("send %d at %s (%s Berlin); want %s", i, got, ev.At.In(loc).Format("Mon 15:04 MST"), want[i])
		}
	}
}

// A permanent failure is a send_failed event; a send cancelled by the
// host is a send_cancelled event and never reaches the service.
func TestOutbox_failedAndCancelled(t *testing.T) {
	w := newSendWorld(t, monday7)
	w.fake.Fail("messages.send", 1, fakegmail.Fault{Status: 400, Reason: "invalidArgument"})
	e, _ := running(t, w, w.options(engine.Pacing{}))
	later := schedule(t, e, w, message("grace@client.example", "Next week"), monday7.Add(7*24*time.Hour), nil)
	failed := schedule(t, e, w, message("grace@client.example", "Go engineers"), monday7, nil)
	if got := eventsOf(w.sink, engine.EventSendFailed); len(got) != 1 || got[0].Send.ID != failed {
		t.Fatalf("failed events = %+v; want the send refused with 400", got)
	}
	if err := e.Cancel(context.Background(), later); err != nil {
		t.Fatalf("Cancel: %v", err)
	}
	if got := eventsOf(w.sink, engine.EventSendCancelled); len(got) != 1 || got[0].Send.ID != later {
		t.Fatalf("cancelled events = %+v; want the cancelled send", got)
	}
	if p, _ := e.Pending(context.Background(), w.account); len(p) != 0 {
		t.Errorf("Pending = %d; want 0", len(p))
	}
	if err := e.Cancel(context.Background(), "snd_unknown"); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("Cancel(unknown) = %v; want ErrNotFound", err)
	}
	if n := len(w.fake.Sends()); n != 0 {
		t.Errorf("fake Gmail holds %d sends; want 0", n)
	}
}
