package engine_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/internal/mailserver"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
	"github.com/inboxkit/inboxkit/smtpimap"
	"github.com/inboxkit/inboxkit/tracking"
)

const password = "correct horse battery staple"

// waitFor polls cond until it holds or 30 seconds pass.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

// statuses records every status the engine reports.
type statuses struct {
	mu   sync.Mutex
	last map[string]provider.AccountState
	all  map[string][]provider.Status
}

func newStatuses() *statuses {
	return &statuses{last: map[string]provider.AccountState{}, all: map[string][]provider.Status{}}
}

func (s *statuses) SetStatus(ctx context.Context, account string, st provider.AccountState) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.last[account] = st
	s.all[account] = append(s.all[account], st.Status)
	return nil
}

func (s *statuses) history(account string) []provider.Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]provider.Status(nil), s.all[account]...)
}

func (s *statuses) get(account string) provider.AccountState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last[account]
}

// imapWorld is the in-process SMTP/IMAP servers with n mailboxes, a
// SentIndex holding one message sent from each to a prospect, and the
// host's Accounts opening smtpimap Providers for them.
type imapWorld struct {
	srv   *mailserver.Server
	index *tracking.MemoryIndex
	ids   []string
	sent  map[string]string // account → Message-ID of the message it sent

	mu   sync.Mutex
	wrap func(account string, p provider.Provider) provider.Provider // fault injection; nil: none
	open func(account string) error                                  // runs before Open; nil: none
}

const subject = "Go engineers for your platform team"

func newIMAPWorld(t testing.TB, n int) *imapWorld {
	t.Helper()
	srv, err := mailserver.Start(nil)
	if err != nil {
		t.Fatalf("mailserver.Start: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	w := &imapWorld{srv: srv, index: tracking.NewMemoryIndex(n), sent: map[string]string{}}
	for i := range n {
		id := fmt.Sprintf("user%02d@inboxkit.test", i)
		if err := srv.AddUser(id, password); err != nil {
			t.Fatalf("AddUser: %v", err)
		}
		mid := providerkit.NewMessageID(id)
		if err := w.index.Add(provider.SentRecord{
			Account: id, MessageID: mid, Recipients: []string{prospectOf(id)}, Subject: subject, SentAt: time.Now(),
		}); err != nil {
			t.Fatalf("index.Add: %v", err)
		}
		w.ids = append(w.ids, id)
		w.sent[id] = mid
	}
	return w
}

func prospectOf(account string) string {
	return "prospect-of-" + account[:len("user00")] + "@client.example"
}

func (w *imapWorld) List(ctx context.Context) ([]string, error) { return w.ids, nil }

func (w *imapWorld) Open(ctx context.Context, account string) (provider.Provider, error) {
	w.mu.Lock()
	open, wrap := w.open, w.wrap
	w.mu.Unlock()
	if open != nil {
		if err := open(account); err != nil {
			return nil, err
		}
	}
	sh, sp := w.srv.SMTPAddr()
	ih, ip := w.srv.IMAPAddr()
	p, err := smtpimap.New(smtpimap.Config{
		Email:     account,
		Password:  crypto.Secret(password),
		SMTP:      smtpimap.Server{Host: sh, Port: sp, Security: smtpimap.STARTTLS},
		IMAP:      &smtpimap.Server{Host: ih, Port: ip, Security: smtpimap.STARTTLS},
		TLSConfig: w.srv.ClientTLSConfig(),
	})
	if err != nil {
		return nil, err
	}
	if wrap != nil {
		return wrap(account, p), nil
	}
	return p, nil
}

// reply delivers a reply from the account's prospect and returns its
// Message-ID.
func (w *imapWorld) reply(t testing.TB, account string) string {
	t.Helper()
	raw := providertest.Reply(prospectOf(account), account, subject, w.sent[account])
	if err := w.srv.Deliver(account, raw); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	return providertest.MessageIDOf(raw)
}

func (w *imapWorld) bounce(t testing.TB, account string) string {
	t.Helper()
	raw := providertest.Bounce(account, prospectOf(account), subject, w.sent[account])
	if err := w.srv.Deliver(account, raw); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	return providertest.MessageIDOf(raw)
}

// stores are what survives a restart of the engine.
type stores struct {
	cursors *engine.MemoryCursors
	sink    *engine.MemorySink
	leases  *engine.MemoryLeases
	status  *statuses
}

func newStores() *stores {
	return &stores{cursors: &engine.MemoryCursors{}, sink: &engine.MemorySink{}, leases: engine.NewMemoryLeases(nil), status: newStatuses()}
}

func (s *stores) options(accounts engine.Accounts, idx provider.SentIndex) engine.Options {
	return engine.Options{
		Accounts: accounts, Cursors: s.cursors, SentIndex: idx, Sink: s.sink, Status: s.status, Leases: s.leases,
		LeaseTTL: 3 * time.Second, PollInterval: time.Hour,
		Backoff: engine.Backoff{Base: 20 * time.Millisecond, Max: 200 * time.Millisecond},
	}
}

// start runs an engine until the test ends or stop is called; stop
// waits for Run to return.
func start(t testing.TB, opts engine.Options) (e *engine.Engine, stop func()) {
	t.Helper()
	e, err := engine.New(opts)
	if err != nil {
		t.Fatalf("engine.New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return e, stop
}

// keysOnce checks that the sink holds the wanted Message-IDs of kind, each
// once, and returns how many events it holds in all.
func eventsByMessageID(sink *engine.MemorySink) map[string][]engine.Event {
	m := map[string][]engine.Event{}
	for _, e := range sink.Events() {
		m[e.MessageID] = append(m[e.MessageID], e)
	}
	return m
}
