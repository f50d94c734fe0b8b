package engine_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/delegation"
	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/engine/enginetest"
)

// A recruiter schedules two sends from the hiring manager's mailbox (SMTP
// and IMAP, in-process servers) under a grant; the manager revokes the
// grant before the second is due; the delegation guard, asked at send
// time, cancels it, and the SMTP server received only the first.
func TestOutbox_grantRevokedBeforeSend(t *testing.T) {
	ctx := context.Background()
	w := newIMAPWorld(t, 1)
	owner := w.ids[0]
	grants := delegation.NewMemoryStore()
	dir := &delegation.MemoryDirectory{}
	dir.Connect(owner, "max")
	dir.Connect("rita@inboxkit.test", "rita")
	policy, err := delegation.NewPolicy(grants, dir, delegation.RolesFunc(func(context.Context, string) (bool, error) { return true, nil }))
	if err != nil {
		t.Fatal(err)
	}
	manager, err := delegation.NewManager(grants, nil)
	if err != nil {
		t.Fatal(err)
	}
	g, err := manager.Offer(ctx, "max", "rita")
	if err != nil {
		t.Fatal(err)
	}

	s := newStores()
	clock := enginetest.NewClock(time.Now())
	opts := s.options(w, w.index)
	opts.Clock, opts.Delegation, opts.LeaseTTL = clock, policy, time.Hour
	e, _ := start(t, opts)
	waitFor(t, "the account running", func() bool { return e.Stats().Running == 1 })

	asRita := &engine.ScheduleOptions{Actor: "rita"}
	first, err := e.Schedule(ctx, owner, message(prospectOf(owner), "Your interview"), clock.Now(), asRita)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the first send", func() bool { return len(eventsOf(s.sink, engine.EventSent)) == 1 })
	second, err := e.Schedule(ctx, owner, message(prospectOf(owner), "Re: Your interview"), clock.Now().Add(time.Hour), asRita)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := manager.Revoke(ctx, "max", g.ID); err != nil {
		t.Fatal(err)
	}
	due := clock.Now().Add(time.Hour)
	waitFor(t, "the outbox waiting for the second", func() bool { at, ok := e.NextSend(owner); return ok && at.Equal(due) })
	clock.Advance(time.Hour)
	waitFor(t, "the cancelled event", func() bool { return len(eventsOf(s.sink, engine.EventSendCancelled)) == 1 })

	if got := eventsOf(s.sink, engine.EventSent)[0].Send.ID; got != first {
		t.Errorf("sent %s; want %s", got, first)
	}
	c := eventsOf(s.sink, engine.EventSendCancelled)[0]
	if c.Send.ID != second || !strings.Contains(c.Reason, "not allowed") {
		t.Errorf("cancelled %s (%q); want %s, not allowed", c.Send.ID, c.Reason, second)
	}
	if n := len(w.srv.Outbox()); n != 1 {
		t.Errorf("the SMTP server received %d messages; want 1", n)
	}
}
