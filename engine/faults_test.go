package engine_test

import (
	"bytes"
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/engine/enginetest"
	"github.com/inboxkit/inboxkit/provider"
)

// faulty wraps a real Provider to inject faults into what its Fetch
// returns or when it returns; Watch is passed through.
type faulty struct {
	provider.Provider
	fetch func(ctx context.Context, p provider.Provider, cursor string, idx provider.SentIndex) (*provider.Batch, error)
}

func (f *faulty) Fetch(ctx context.Context, cursor string, idx provider.SentIndex) (*provider.Batch, error) {
	return f.fetch(ctx, f.Provider, cursor, idx)
}

func (f *faulty) Watch(ctx context.Context, notify func()) error {
	return f.Provider.(provider.Watcher).Watch(ctx, notify)
}

// One message that cannot be read, and one the provider skipped, become
// skipped events; the rest of the batch is delivered, the cursor moves
// past them and the account stays green.
func TestEngine_unreadableMessage(t *testing.T) {
	w := newIMAPWorld(t, 1)
	acct := w.ids[0]
	good, bad := w.reply(t, acct), w.reply(t, acct)
	w.wrap = func(account string, p provider.Provider) provider.Provider {
		return &faulty{Provider: p, fetch: func(ctx context.Context, p provider.Provider, cursor string, idx provider.SentIndex) (*provider.Batch, error) {
			b, err := p.Fetch(ctx, cursor, idx)
			if err != nil {
				return nil, err
			}
			for i, in := range b.Messages {
				if bytes.Contains(in.Raw, []byte(bad)) {
					b.Messages[i].Raw = []byte("\x00\x01 this is no mail message") // unreadable
					b.Skipped = append(b.Skipped, provider.Skipped{ProviderID: "1/999", Folder: "INBOX", Reason: "larger than the 32 MiB cap"})
				}
			}
			return b, nil
		}}
	}
	s := newStores()
	e, _ := start(t, s.options(w, w.index))
	waitFor(t, "three events", func() bool { return s.sink.Len() == 3 })

	var skipped, replies int
	for _, ev := range s.sink.Events() {
		switch ev.Kind {
		case engine.EventSkipped:
			skipped++
			if ev.Reason == "" {
				t.Errorf("skipped event without a reason: %+v", ev)
			}
		case engine.EventReplied:
			replies++
			if ev.MessageID != good {
				t.Errorf("reply event for %s; want %s", ev.MessageID, good)
			}
		}
	}
	if skipped != 2 || replies != 1 {
		t.Errorf("events: %d skipped, %d replies; want 2 and 1", skipped, replies)
	}
	// The cursor moved past them: another Fetch brings nothing again.
	third := w.reply(t, acct)
	waitFor(t, "the next reply", func() bool { return e.Kick(acct) && has(s.sink, third) })
	if got := s.sink.Offered(); got != 4 {
		t.Errorf("%d events offered; want 4 (nothing fetched twice)", got)
	}
	if st := s.status.get(acct); st.Status != provider.StatusActive {
		t.Errorf("status = %v; want active", st.Status)
	}
}

// A slow host sink holds up only its own account: with one Fetch allowed
// at a time, the other account's events still arrive, and the slow
// account's cursor is saved only after its sink returns.
func TestEngine_slowSink(t *testing.T) {
	w := newIMAPWorld(t, 2)
	slow, fast := w.ids[0], w.ids[1]
	s := newStores()
	release := make(chan struct{})
	var blocked atomic.Bool
	opts := s.options(w, w.index)
	opts.MaxFetches = 1
	opts.Sink = engine.SinkFunc(func(ctx context.Context, events []engine.Event) error {
		if events[0].Account == slow {
			blocked.Store(true)
			select {
			case <-release:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return s.sink.Deliver(ctx, events)
	})
	slowReply := w.reply(t, slow)
	e, _ := start(t, opts)
	waitFor(t, "the slow sink to be called", blocked.Load)

	fastReply := w.reply(t, fast)
	waitFor(t, "the fast account's reply", func() bool { return e.Kick(fast) && has(s.sink, fastReply) })
	if c, _ := s.cursors.Cursor(context.Background(), slow); c != "" {
		t.Errorf("slow account's cursor saved (%q) before its sink returned", c)
	}
	close(release)
	waitFor(t, "the slow account's reply", func() bool { return has(s.sink, slowReply) })
	waitFor(t, "the slow account's cursor", func() bool {
		c, _ := s.cursors.Cursor(context.Background(), slow)
		return c != ""
	})
	if st := e.Stats(); st.MaxFetching != 1 {
		t.Errorf("MaxFetching = %d; want 1", st.MaxFetching)
	}
}

// A host callback that panics (the sink for one account, Open for
// another, the status sink for a third) stops only that account, for a
// backoff; the process and the other accounts go on, and nothing is lost.
func TestEngine_panickingCallbacks(t *testing.T) {
	w := newIMAPWorld(t, 4)
	sinkPanics, openPanics, statusPanics, fine := w.ids[0], w.ids[1], w.ids[2], w.ids[3]
	var sinkOnce, openOnce, statusOnce sync.Once
	w.open = func(account string) error {
		if account == openPanics {
			openOnce.Do(func() { panic("host bug in Open") })
		}
		return nil
	}
	s := newStores()
	opts := s.options(w, w.index)
	opts.Sink = engine.SinkFunc(func(ctx context.Context, events []engine.Event) error {
		if events[0].Account == sinkPanics {
			sinkOnce.Do(func() { panic("host bug in the sink") })
		}
		return s.sink.Deliver(ctx, events)
	})
	opts.Status = engine.StatusFunc(func(ctx context.Context, account string, st provider.AccountState) error {
		if account == statusPanics {
			statusOnce.Do(func() { panic("host bug in the status sink") })
		}
		return s.status.SetStatus(ctx, account, st)
	})
	var want []string
	for _, id := range w.ids {
		want = append(want, w.reply(t, id))
	}
	start(t, opts)
	waitFor(t, "every reply", func() bool { return s.sink.Len() == len(want) })
	for _, mid := range want {
		if n := len(eventsByMessageID(s.sink)[mid]); n != 1 {
			t.Errorf("message %s: %d events; want 1", mid, n)
		}
	}
	for _, id := range []string{sinkPanics, openPanics, statusPanics, fine} {
		waitFor(t, id+" active", func() bool { return s.status.get(id).Status == provider.StatusActive })
	}
}

// An account removed and added again while its Fetch is in flight (and
// the provider does not notice the cancellation) never runs twice at
// once; the reply is delivered once.
func TestEngine_removeAndReAddDuringFetch(t *testing.T) {
	w := newIMAPWorld(t, 1)
	acct := w.ids[0]
	gate := make(chan struct{})
	var inflight, maxInflight, fetches atomic.Int32
	var first sync.Once
	entered := make(chan struct{})
	w.wrap = func(account string, p provider.Provider) provider.Provider {
		return &faulty{Provider: p, fetch: func(ctx context.Context, p provider.Provider, cursor string, idx provider.SentIndex) (*provider.Batch, error) {
			n := inflight.Add(1)
			defer inflight.Add(-1)
			for m := maxInflight.Load(); n > m && !maxInflight.CompareAndSwap(m, n); m = maxInflight.Load() {
			}
			fetches.Add(1)
			first.Do(func() {
				close(entered)
				<-gate // deaf to ctx, like a provider stuck in a read
			})
			return p.Fetch(context.WithoutCancel(ctx), cursor, idx)
		}}
	}
	s := newStores()
	reply := w.reply(t, acct)
	e, _ := start(t, s.options(w, w.index))
	<-entered
	e.Remove(acct)
	e.Add(acct)
	close(gate)
	waitFor(t, "the reply", func() bool { return has(s.sink, reply) })
	waitFor(t, "the account running again", func() bool { return e.Stats().Running == 1 })
	if got := maxInflight.Load(); got != 1 {
		t.Errorf("at most %d Fetches of the account at once; want 1", got)
	}
	if got := len(eventsByMessageID(s.sink)[reply]); got != 1 {
		t.Errorf("reply delivered %d times; want 1", got)
	}
	if fetches.Load() < 2 {
		t.Errorf("%d Fetches; want the cancelled one and at least one after the re-add", fetches.Load())
	}
}

// An account added while the engine runs starts at once; MaxAccounts
// caps what one process takes.
func TestEngine_addWhileRunning(t *testing.T) {
	w := newIMAPWorld(t, 3)
	listed := w.ids[:1]
	s := newStores()
	opts := s.options(accountsFunc{w, listed}, w.index)
	opts.MaxAccounts = 2
	e, _ := start(t, opts)
	waitFor(t, "the listed account", func() bool { return e.Stats().Running == 1 })
	e.Add(w.ids[1])
	waitFor(t, "the added account running", func() bool { return e.Kick(w.ids[1]) })
	e.Add(w.ids[2])
	reply := w.reply(t, w.ids[1])
	waitFor(t, "the added account's reply", func() bool { return has(s.sink, reply) })
	if st := e.Stats(); st.Accounts != 3 || st.Running != 2 {
		t.Errorf("Stats = %+v; want 3 accounts known, 2 running (MaxAccounts)", st)
	}
	e.Remove(w.ids[0])
	waitFor(t, "the third account taking the freed place", func() bool { return e.Stats().Running == 2 && e.Kick(w.ids[2]) })
}

// accountsFunc lists only some of a world's accounts.
type accountsFunc struct {
	*imapWorld
	listed []string
}

func (a accountsFunc) List(ctx context.Context) ([]string, error) { return a.listed, nil }

// Kicks that come while a Fetch runs become one more Fetch, not one each.
func TestEngine_kicksCoalesce(t *testing.T) {
	w := newIMAPWorld(t, 1)
	acct := w.ids[0]
	var fetches atomic.Int32
	gate := make(chan struct{})
	entered := make(chan struct{}, 1)
	var blocking atomic.Bool
	w.wrap = func(account string, p provider.Provider) provider.Provider {
		return &faulty{Provider: p, fetch: func(ctx context.Context, p provider.Provider, cursor string, idx provider.SentIndex) (*provider.Batch, error) {
			fetches.Add(1)
			if blocking.Load() {
				entered <- struct{}{}
				<-gate
				blocking.Store(false)
			}
			return p.Fetch(ctx, cursor, idx)
		}}
	}
	s := newStores()
	e, _ := start(t, s.options(w, w.index))
	waitFor(t, "the account running", func() bool { return e.Kick(acct) })
	blocking.Store(true)
	e.Kick(acct)
	<-entered
	before := fetches.Load()
	for range 1000 {
		e.Kick(acct)
	}
	close(gate)
	reply := w.reply(t, acct)
	waitFor(t, "the reply", func() bool { return has(s.sink, reply) })
	// The 1000 kicks coalesce into one Fetch. The reply then adds a few of
	// its own, however the scheduler orders them: IDLE's notice, the Fetch
	// again after a batch that brought an event, a notice after IDLE is
	// re-entered. Anything near 1000 would mean no coalescing.
	if got := fetches.Load() - before; got > 6 {
		t.Errorf("1000 kicks during a Fetch made %d more Fetches; want at most 6 (one coalesced, plus the reply's own)", got)
	}
}

// noWatch hides a provider's Watch, as a provider that cannot push.
type noWatch struct{ provider.Provider }

// A provider that cannot push is polled every PollInterval (on the
// engine's clock).
func TestEngine_pollsWithoutWatcher(t *testing.T) {
	w := newIMAPWorld(t, 1)
	acct := w.ids[0]
	w.wrap = func(account string, p provider.Provider) provider.Provider { return noWatch{p} }
	clock := enginetest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	s := newStores()
	s.leases = engine.NewMemoryLeases(clock)
	opts := s.options(w, w.index)
	opts.Clock, opts.LeaseTTL, opts.PollInterval = clock, 24*time.Hour, time.Minute
	e, _ := start(t, opts)
	waitFor(t, "the first Fetch", func() bool { return e.Stats().Fetches == 1 })
	reply := w.reply(t, acct)
	// The poll timer is the only one due within a minute.
	waitFor(t, "the poll timer", func() bool { d, ok := clock.Next(); return ok && d <= time.Minute })
	if has(s.sink, reply) {
		t.Fatal("the reply arrived before the poll")
	}
	d, _ := clock.Next()
	clock.Advance(d)
	waitFor(t, "the polled reply", func() bool { return has(s.sink, reply) })
}

// paged is a provider whose first Fetch stops at its work bound having
// read only unrelated mail: no messages, a new cursor and More.
type paged struct{ noWatch }

func (p paged) Fetch(ctx context.Context, cursor string, idx provider.SentIndex) (*provider.Batch, error) {
	if cursor == "" {
		return &provider.Batch{Cursor: "page-1", More: true}, nil
	}
	if cursor == "page-1" {
		cursor = ""
	}
	return p.Provider.Fetch(ctx, cursor, idx)
}

// A batch that says More is fetched again at once, even when it brought
// no events, instead of waiting for the next poll.
func TestEngine_moreFetchesAgain(t *testing.T) {
	w := newIMAPWorld(t, 1)
	acct := w.ids[0]
	reply := w.reply(t, acct) // waiting behind the unrelated first page
	w.wrap = func(account string, p provider.Provider) provider.Provider { return paged{noWatch{p}} }
	clock := enginetest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	s := newStores()
	s.leases = engine.NewMemoryLeases(clock)
	opts := s.options(w, w.index)
	opts.Clock, opts.LeaseTTL, opts.PollInterval = clock, 24*time.Hour, time.Hour
	e, _ := start(t, opts)
	// The clock never moves, so no poll can be what fetches the reply.
	waitFor(t, "the reply behind the first page", func() bool { return has(s.sink, reply) })
	if got := e.Stats().Fetches; got < 2 {
		t.Errorf("Fetches = %d; want the bounded one and the one after it", got)
	}
}
