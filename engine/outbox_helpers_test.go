package engine_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/engine/enginetest"
	"github.com/inboxkit/inboxkit/gmail"
	"github.com/inboxkit/inboxkit/internal/fakegmail"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking"
)

// sendWorld is one fake Gmail mailbox on a fake clock, with the stores
// that outlive an engine: what an outbox test needs.
type sendWorld struct {
	account string
	fake    *fakegmail.Server
	client  *http.Client
	clock   *enginetest.Clock
	queue   *engine.MemoryQueue
	sink    *engine.MemorySink
	log     provider.SendLog
	counter *provider.MemorySendCounter
	status  *statuses

	mu    sync.Mutex
	token string
	daily int
}

func newSendWorld(t testing.TB, start time.Time) *sendWorld {
	t.Helper()
	w := &sendWorld{
		account: "ada@inboxkit.test", token: "token-1",
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2}},
		clock:  enginetest.NewClock(start), sink: &engine.MemorySink{}, log: provider.NewMemorySendLog(),
		counter: &provider.MemorySendCounter{}, status: newStatuses(),
	}
	w.fake = fakegmail.New(fakegmail.Options{Email: w.account, Tokens: []string{"token-1"}})
	t.Cleanup(w.fake.Close)
	w.queue = engine.NewMemoryQueue(w.clock)
	return w
}

func (w *sendWorld) List(ctx context.Context) ([]string, error) { return []string{w.account}, nil }

func (w *sendWorld) Open(ctx context.Context, account string) (provider.Provider, error) {
	w.mu.Lock()
	tok, daily := w.token, w.daily
	w.mu.Unlock()
	return gmail.New(ctx, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: tok}), &gmail.Options{
		Email: account, Endpoint: w.fake.URL(), HTTPClient: w.client, Now: w.clock.Now,
		SendLog: w.log, SendCounter: w.counter, DailyLimit: daily,
		Watch: gmail.WatchOptions{Topic: "projects/inboxkit/topics/gmail", PollInterval: time.Hour},
	})
}

func (w *sendWorld) options(pacing engine.Pacing) engine.Options {
	return engine.Options{
		Accounts: w, Cursors: &engine.MemoryCursors{}, SentIndex: tracking.NewMemoryIndex(0), Sink: w.sink,
		Status: w.status, Clock: w.clock, Queue: w.queue, SendCounter: w.counter, LeaseTTL: time.Hour,
		PollInterval: 24 * time.Hour, Backoff: engine.Backoff{Base: time.Second, Max: time.Minute},
		Pacing: func(context.Context, string) (engine.Pacing, error) { return pacing, nil },
	}
}

func message(to, subject string) *provider.Message {
	return &provider.Message{To: []provider.Address{{Email: to}}, Subject: subject, Text: "Hello,\n\nwould you have a minute?\n"}
}

// idle waits until the account's outbox waits again after waits0.
func idle(t testing.TB, e *engine.Engine, w *sendWorld, waits0 uint64) {
	t.Helper()
	waitFor(t, "the outbox to wait", func() bool {
		if e.Stats().SendWaits <= waits0 {
			return false
		}
		next, ok := e.NextSend(w.account)
		return !ok || next.After(w.clock.Now())
	})
}

// next moves the fake clock to the outbox's next moment and waits until
// it acted; it reports false when the outbox waits for nothing.
func next(t testing.TB, e *engine.Engine, w *sendWorld) bool {
	t.Helper()
	at, ok := e.NextSend(w.account)
	if !ok {
		return false
	}
	waits := e.Stats().SendWaits
	w.clock.Advance(at.Sub(w.clock.Now()))
	idle(t, e, w, waits)
	return true
}

// schedule schedules m and waits until the outbox has looked at it.
func schedule(t testing.TB, e *engine.Engine, w *sendWorld, m *provider.Message, at time.Time, opts *engine.ScheduleOptions) string {
	t.Helper()
	waits := e.Stats().SendWaits
	id, err := e.Schedule(context.Background(), w.account, m, at, opts)
	if err != nil {
		t.Fatalf("Schedule: %v", err)
	}
	idle(t, e, w, waits)
	return id
}

func eventsOf(sink *engine.MemorySink, kind engine.EventKind) []engine.Event {
	var out []engine.Event
	for _, e := range sink.Events() {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// running starts an engine and waits for its outbox's first wait.
func running(t testing.TB, w *sendWorld, opts engine.Options) (*engine.Engine, func()) {
	t.Helper()
	e, stop := start(t, opts)
	idle(t, e, w, 0)
	return e, stop
}
