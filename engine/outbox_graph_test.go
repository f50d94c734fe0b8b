package engine_test

import (
	"context"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/engine/enginetest"
	"github.com/inboxkit/inboxkit/graph"
	"github.com/inboxkit/inboxkit/provider"
)

// graphClockWorld opens graph Providers on the fake clock, counting
// Exchange's limits in a shared SendCounter.
type graphClockWorld struct {
	*graphWorld
	clock   *enginetest.Clock
	counter provider.SendCounter
}

func (w *graphClockWorld) Open(ctx context.Context, account string) (provider.Provider, error) {
	return graph.New(ctx, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: w.tokens[account]}), &graph.Options{
		Email: account, BaseURL: w.srv.URL(), HTTPClient: w.srv.Client(), Now: w.clock.Now, SendCounter: w.counter,
		Watch: graph.WatchOptions{PollInterval: time.Hour},
	})
}

// Exchange's 30 messages a minute: 35 sends due at once go 30 in the
// first minute and the other 5 when the minute has passed, each once.
func TestOutbox_graphPerMinuteLimit(t *testing.T) {
	ctx := context.Background()
	clock := enginetest.NewClock(monday7)
	w := &graphClockWorld{graphWorld: newGraphWorld(t, 1), clock: clock, counter: &provider.MemorySendCounter{}}
	account := w.ids[0]
	// The fake counts Exchange's limits on the wall clock; the test runs
	// on the fake clock, so the Provider's own check (the same limits,
	// counted on the fake clock) is the one under test.
	w.srv.SetSendLimits(1000, 100000)
	s := newStores()
	opts := s.options(w, w.index)
	opts.Clock, opts.SendCounter, opts.LeaseTTL, opts.Queue = clock, w.counter, time.Hour, engine.NewMemoryQueue(clock)
	e, _ := start(t, opts)
	waitFor(t, "the account running", func() bool { return e.Stats().Running == 1 })
	for range 35 {
		if _, err := e.Schedule(ctx, account, message(prospectOf(account), "Go engineers"), monday7, nil); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "30 sends", func() bool { return len(eventsOf(s.sink, engine.EventSent)) == 30 })
	waitFor(t, "the outbox held", func() bool { at, ok := e.NextSend(account); return ok && at.After(clock.Now()) })
	at, _ := e.NextSend(account)
	if want := monday7.Add(time.Minute); !at.Equal(want) {
		t.Errorf("held until %v; want %v", at, want)
	}
	clock.Advance(at.Sub(clock.Now()))
	waitFor(t, "35 sends", func() bool { return len(eventsOf(s.sink, engine.EventSent)) == 35 })
	if n := len(w.srv.Sends()); n != 35 {
		t.Errorf("fake Graph received %d sends; want 35", n)
	}
	for _, ev := range eventsOf(s.sink, engine.EventSent)[30:] {
		if ev.At.Before(monday7.Add(time.Minute)) {
			t.Errorf("send %s at %v; want after the first minute", ev.Send.ID, ev.At)
		}
	}
}
