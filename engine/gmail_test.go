package engine_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/engine/enginetest"
	"github.com/inboxkit/inboxkit/gmail"
	"github.com/inboxkit/inboxkit/internal/fakegmail"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
	"github.com/inboxkit/inboxkit/tracking"
)

// gmailWorld is one fake Gmail mailbox per account, and the host's
// Accounts opening gmail Providers for them in push mode (a Pub/Sub topic;
// the host's push handler calls Kick).
type gmailWorld struct {
	client *http.Client
	index  *tracking.MemoryIndex
	ids    []string
	fakes  map[string]*fakegmail.Server
	sent   map[string]string

	mu     sync.Mutex
	tokens map[string]string // the host's credential store
}

func newGmailWorld(t testing.TB, n int) *gmailWorld {
	t.Helper()
	w := &gmailWorld{
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2, IdleConnTimeout: time.Second}},
		index:  tracking.NewMemoryIndex(n), fakes: map[string]*fakegmail.Server{}, sent: map[string]string{}, tokens: map[string]string{},
	}
	for i := range n {
		id := fmt.Sprintf("user%02d@inboxkit.test", i)
		srv := fakegmail.New(fakegmail.Options{Email: id, Tokens: []string{"token-1"}})
		t.Cleanup(srv.Close)
		mid := providerkit.NewMessageID(id)
		if err := w.index.Add(provider.SentRecord{Account: id, MessageID: mid, Recipients: []string{prospectOf(id)}, Subject: subject}); err != nil {
			t.Fatal(err)
		}
		w.ids, w.fakes[id], w.sent[id], w.tokens[id] = append(w.ids, id), srv, mid, "token-1"
	}
	return w
}

func (w *gmailWorld) List(ctx context.Context) ([]string, error) { return w.ids, nil }

func (w *gmailWorld) Open(ctx context.Context, account string) (provider.Provider, error) {
	w.mu.Lock()
	tok := w.tokens[account]
	w.mu.Unlock()
	return gmail.New(ctx, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: tok}), &gmail.Options{
		Email: account, Endpoint: w.fakes[account].URL(), HTTPClient: w.client,
		Watch: gmail.WatchOptions{Topic: "projects/inboxkit/topics/gmail", PollInterval: time.Hour},
	})
}

func (w *gmailWorld) reply(t testing.TB, account string) string {
	t.Helper()
	raw := providertest.Reply(prospectOf(account), account, subject, w.sent[account])
	if _, _, err := w.fakes[account].Deliver(raw); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	return providertest.MessageIDOf(raw)
}

func has(sink *engine.MemorySink, mid string) bool { return len(eventsByMessageID(sink)[mid]) > 0 }

// A revoked token turns the account red with ErrAuth and stops it; once
// the host stores the new token and calls Reconnect, it runs again and
// catches up, with nothing lost or doubled.
func TestEngine_revokedThenReconnect(t *testing.T) {
	w := newGmailWorld(t, 2)
	s := newStores()
	e, _ := start(t, s.options(w, w.index))
	acct, other := w.ids[0], w.ids[1]

	first := w.reply(t, acct)
	waitFor(t, "first reply", func() bool { return e.Kick(acct) && has(s.sink, first) })

	w.fakes[acct].SetTokens("token-2") // the user revoked the grant and connected again elsewhere
	second := w.reply(t, acct)
	e.Kick(acct)
	waitFor(t, "red status", func() bool { return s.status.get(acct).Status == provider.StatusError })
	if st := s.status.get(acct); !errors.Is(st.Err, provider.ErrAuth) {
		t.Errorf("status error = %v; want ErrAuth", st.Err)
	}
	// The other account goes on.
	third := w.reply(t, other)
	waitFor(t, "other account's reply", func() bool { return e.Kick(other) && has(s.sink, third) })
	if has(s.sink, second) {
		t.Fatal("a reply was fetched with a revoked token")
	}

	w.mu.Lock()
	w.tokens[acct] = "token-2"
	w.mu.Unlock()
	if !e.Reconnect(acct) {
		t.Fatal("Reconnect: account not running here")
	}
	waitFor(t, "reply after reconnect", func() bool { return has(s.sink, second) })
	if got, want := s.status.history(acct), []provider.Status{provider.StatusActive, provider.StatusError, provider.StatusActive}; !slices.Equal(got, want) {
		t.Errorf("status history = %v; want %v", got, want)
	}
	for mid, evs := range eventsByMessageID(s.sink) {
		if len(evs) != 1 || evs[0].Kind != engine.EventReplied {
			t.Errorf("message %s: events %+v; want one reply", mid, evs)
		}
	}
}

// A 429 storm on one account: the engine waits exactly the Retry-After
// the service asked for, on its clock, between attempts, and the other
// account is not held up.
func TestEngine_rateLimitStorm(t *testing.T) {
	w := newGmailWorld(t, 2)
	s := newStores()
	clock := enginetest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	s.leases = engine.NewMemoryLeases(clock)
	opts := s.options(w, w.index)
	opts.Clock = clock
	opts.LeaseTTL = 24 * time.Hour
	opts.Backoff = engine.Backoff{Base: 10 * time.Second, Max: time.Minute}
	stormy, calm := w.ids[0], w.ids[1]
	const storm = 6
	// A Retry-After beyond what the provider waits out itself (2 minutes)
	// comes back to the engine at once, for it to schedule.
	w.fakes[stormy].Fail("", storm, fakegmail.Fault{Status: http.StatusTooManyRequests, Reason: "rateLimitExceeded", RetryAfter: "300"})
	want := w.reply(t, stormy)
	calmReply := w.reply(t, calm)
	e, _ := start(t, opts)

	waitFor(t, "the calm account's reply", func() bool { return has(s.sink, calmReply) })
	waits := 0
	for !has(s.sink, want) {
		// The only timer due in 5 minutes is the stormy account's
		// Retry-After wait (leases renew every 8 hours, backoffs
		// start at 5s).
		waitFor(t, "a 5-minute Retry-After wait or the reply", func() bool {
			d, ok := clock.Next()
			return (ok && d == 5*time.Minute) || has(s.sink, want)
		})
		if has(s.sink, want) {
			break
		}
		clock.Advance(5 * time.Minute)
		waits++
		if waits > storm {
			t.Fatalf("more than %d waits for %d refusals", waits, storm)
		}
	}
	t.Logf("%d Retry-After waits of 5 minutes", waits)
	if waits == 0 {
		t.Error("the reply arrived without waiting out the storm")
	}
	if got := w.fakes[stormy].Stats().Requests; got > storm+10 {
		t.Errorf("%d requests to the stormy mailbox; want few more than the %d refused", got, storm)
	}
	if st := s.status.get(stormy); st.Status != provider.StatusActive {
		t.Errorf("status after the storm = %v; want active (rate limits do not turn an account red)", st.Status)
	}
	if st := e.Stats(); st.Events != 2 {
		t.Errorf("events = %d; want 2", st.Events)
	}
}
