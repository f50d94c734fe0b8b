package engine_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/internal/fakegmail"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking/activity"
)

// Monday 2 March 2026, 07:00 in Berlin.
var monday7 = time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)

func berlin(t testing.TB) *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	return loc
}

// A first step and its follow-up, scheduled before office hours, go out
// when the window opens, a gap apart, the follow-up in the first one's
// thread; each becomes a sent event with the provider's Sent.
func TestOutbox_followUpPacedInThread(t *testing.T) {
	w := newSendWorld(t, monday7)
	e, _ := running(t, w, w.options(engine.Pacing{Gap: 5 * time.Minute, Window: engine.OfficeHours(berlin(t), 8, 18)}))
	first := schedule(t, e, w, message("grace@client.example", "Go engineers"), monday7, nil)
	second := schedule(t, e, w, message("grace@client.example", "Re: Go engineers"), monday7, &engine.ScheduleOptions{After: first})
	if p, _ := e.Pending(context.Background(), w.account); len(p) != 2 {
		t.Fatalf("Pending = %d sends; want 2", len(p))
	}
	for len(eventsOf(w.sink, engine.EventSent)) < 2 && next(t, e, w) {
	}
	sent := eventsOf(w.sink, engine.EventSent)
	if len(sent) != 2 {
		t.Fatalf("sent events = %d; want 2 (events %+v)", len(sent), w.sink.Events())
	}
	if got, want := sent[0].At, monday7.Add(time.Hour); !got.Equal(want) {
		t.Errorf("first sent at %v; want the window's opening %v", got, want)
	}
	if gap := sent[1].At.Sub(sent[0].At); gap < 5*time.Minute {
		t.Errorf("gap between the sends = %v; want at least 5m", gap)
	}
	if sent[1].Send.ID != second || sent[1].ThreadID != sent[0].ThreadID || sent[1].Record == nil {
		t.Errorf("follow-up event = %+v; want thread %s and a SentRecord", sent[1], sent[0].ThreadID)
	}
	raws := w.fake.Sends()
	if len(raws) != 2 || !bytes.Contains(raws[1].Raw, []byte("In-Reply-To: <"+sent[0].MessageID+">")) {
		t.Errorf("the follow-up on the wire does not reply to %s", sent[0].MessageID)
	}
}

// A prospect who replied is not written to again: the host's veto (the
// activity ledger's stop rules) cancels the follow-up.
func TestOutbox_vetoCancels(t *testing.T) {
	w := newSendWorld(t, monday7)
	ledger := activity.NewLedger(nil)
	opts := w.options(engine.Pacing{})
	opts.Veto = engine.LedgerVeto(ledger)
	e, _ := running(t, w, opts)
	if err := ledger.Record(context.Background(), activity.Event{Type: activity.EventReplied, Recipient: "grace@client.example", At: monday7}); err != nil {
		t.Fatal(err)
	}
	id := schedule(t, e, w, message("Grace@client.example", "Re: Go engineers"), monday7, nil)
	then := schedule(t, e, w, message("grace@client.example", "Re: Go engineers"), monday7, &engine.ScheduleOptions{After: id})
	got := eventsOf(w.sink, engine.EventSendCancelled)
	if len(got) != 2 || got[0].Send.ID != id || got[1].Send.ID != then {
		t.Fatalf("cancelled events = %+v; want the vetoed send and the step after it", got)
	}
	if !strings.Contains(got[0].Reason, "replied") || !strings.Contains(got[1].Reason, "the step before was cancelled") {
		t.Errorf("reasons %q, %q; want replied, the step before was cancelled", got[0].Reason, got[1].Reason)
	}
	if n := len(w.fake.Sends()); n != 0 {
		t.Errorf("the fake received %d sends; want 0", n)
	}
}

// With a daily limit of 3, a day's five sends stop when the limit is
// reached mid-day and the other two go when room comes back, 24 hours
// after the first sends; nothing is dropped.
func TestOutbox_dailyCapMidDay(t *testing.T) {
	w := newSendWorld(t, monday7)
	w.daily = 3
	e, _ := running(t, w, w.options(engine.Pacing{Gap: time.Hour}))
	for range 5 {
		schedule(t, e, w, message("grace@client.example", "Go engineers"), monday7, nil)
	}
	for len(eventsOf(w.sink, engine.EventSent)) < 5 && next(t, e, w) {
	}
	sent := eventsOf(w.sink, engine.EventSent)
	if len(sent) != 5 || len(w.fake.Sends()) != 5 {
		t.Fatalf("sent %d (fake %d); want 5", len(sent), len(w.fake.Sends()))
	}
	if got, want := sent[2].At, monday7.Add(2*time.Hour); !got.Equal(want) {
		t.Errorf("third send at %v; want %v", got, want)
	}
	if got, want := sent[3].At, monday7.Add(24*time.Hour); !got.Equal(want) {
		t.Errorf("fourth send at %v; want %v, when the first leaves the 24 hours", got, want)
	}
}

// A 429 with a Retry-After longer than the provider waits by itself (2
// minutes) holds the mailbox for that long; the send then goes once.
func TestOutbox_rateLimitRetryAfter(t *testing.T) {
	w := newSendWorld(t, monday7)
	w.fake.Fail("messages.send", 1, fakegmail.Fault{Status: 429, Reason: "rateLimitExceeded", RetryAfter: "600"})
	e, _ := running(t, w, w.options(engine.Pacing{}))
	schedule(t, e, w, message("grace@client.example", "Go engineers"), monday7, nil)
	if at, ok := e.NextSend(w.account); !ok || !at.Equal(monday7.Add(10*time.Minute)) {
		t.Fatalf("NextSend after a 429 = %v, %v; want %v", at, ok, monday7.Add(10*time.Minute))
	}
	next(t, e, w)
	sent := eventsOf(w.sink, engine.EventSent)
	if len(sent) != 1 || !sent[0].At.Equal(monday7.Add(10*time.Minute)) || len(w.fake.Sends()) != 1 {
		t.Fatalf("sent events %+v, fake sends %d; want one at +10m", sent, len(w.fake.Sends()))
	}
}

// A revoked token turns the account red and pauses its queue, losing
// nothing; after the user reconnects the send goes once.
func TestOutbox_authThenReconnect(t *testing.T) {
	w := newSendWorld(t, monday7)
	e, _ := running(t, w, w.options(engine.Pacing{}))
	w.fake.SetTokens("token-2") // the user revoked our access
	if _, err := e.Schedule(context.Background(), w.account, message("grace@client.example", "Go engineers"), monday7, nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the account to turn red", func() bool { return w.status.get(w.account).Status == provider.StatusError })
	if p, _ := e.Pending(context.Background(), w.account); len(p) != 1 {
		t.Fatalf("Pending while red = %d; want the send kept", len(p))
	}
	w.mu.Lock()
	w.token = "token-2"
	w.mu.Unlock()
	e.Reconnect(w.account)
	waitFor(t, "the send after reconnecting", func() bool { return len(eventsOf(w.sink, engine.EventSent)) == 1 })
	if n := len(w.fake.Sends()); n != 1 {
		t.Errorf("fake sends = %d; want 1", n)
	}
}

// crashingQueue loses every write once crashed: the process died.
type crashingQueue struct {
	engine.Queue
	crashed atomic.Bool
}

var errDied = errors.New("process died")

func (q *crashingQueue) Snooze(ctx context.Context, c *engine.Claim, until time.Time, attempted bool, reason string) error {
	if q.crashed.Load() {
		return errDied
	}
	return q.Queue.Snooze(ctx, c, until, attempted, reason)
}

func (q *crashingQueue) Finish(ctx context.Context, c *engine.Claim, st engine.QueueState, sent *provider.Sent, reason string) error {
	if q.crashed.Load() {
		return errDied
	}
	return q.Queue.Finish(ctx, c, st, sent, reason)
}

// A process that dies mid-send — Gmail delivered the message, the answer
// was lost, nothing was written back — leaves the send claimed; a new
// process over the same stores claims it once the claim expires, finds
// the delivery through the idempotent look-up, and reports it sent. The
// server holds it once.
func TestOutbox_killedMidSendRestart(t *testing.T) {
	w := newSendWorld(t, monday7)
	cq := &crashingQueue{Queue: w.queue}
	cq.crashed.Store(true)
	w.fake.Fail("messages.send", 1, fakegmail.Fault{Status: 503, Served: true})
	optsA := w.options(engine.Pacing{})
	optsA.Queue, optsA.SendTimeout = cq, time.Minute
	eA, stopA := running(t, w, optsA)
	waits := eA.Stats().SendWaits
	id, err := eA.Schedule(context.Background(), w.account, message("grace@client.example", "Go engineers"), monday7, nil)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the doomed send", func() bool { return len(w.fake.Sends()) == 1 && eA.Stats().SendWaits > waits })
	stopA()

	optsB := w.options(engine.Pacing{})
	optsB.SendTimeout = time.Minute
	eB, _ := running(t, w, optsB)
	if s, _ := eB.Lookup(context.Background(), id); s.State != engine.QueuePending {
		t.Fatalf("after the crash the send is %s; want still pending", s.State)
	}
	for len(eventsOf(w.sink, engine.EventSent)) == 0 && next(t, eB, w) {
	}
	sent := eventsOf(w.sink, engine.EventSent)
	if len(sent) != 1 || sent[0].Send.ID != id {
		t.Fatalf("sent events = %+v; want one, found by the look-up", sent)
	}
	if n := len(w.fake.Sends()); n != 1 {
		t.Errorf("the server holds %d copies; want 1", n)
	}
}

// Schedule refuses a bad message at once.
func TestEngine_Schedule_invalid(t *testing.T) {
	w := newSendWorld(t, monday7)
	e, err := engine.New(w.options(engine.Pacing{}))
	if err != nil {
		t.Fatal(err)
	}
	bad := message("not an address", "Hi")
	if _, err := e.Schedule(context.Background(), w.account, bad, monday7, nil); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("Schedule(bad address) = %v; want ErrInvalid", err)
	}
	inj := message("grace@client.example", "Hi")
	inj.Headers = []provider.Header{{Name: "Bcc", Value: "all@example.com"}}
	if _, err := e.Schedule(context.Background(), w.account, inj, monday7, nil); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("Schedule(reserved header) = %v; want ErrInvalid", err)
	}
}
