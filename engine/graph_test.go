package engine_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/graph"
	"github.com/inboxkit/inboxkit/internal/fakegraph"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
	"github.com/inboxkit/inboxkit/tracking"
)

// graphWorld is one fake Graph with a mailbox per account, and the host's
// Accounts opening graph Providers for them (Watch without a webhook URL
// polls; the host's webhook handler would call Kick).
type graphWorld struct {
	srv   *fakegraph.Server
	index *tracking.MemoryIndex
	ids   []string
	sent  map[string]string

	mu     sync.Mutex
	tokens map[string]string
}

func newGraphWorld(t testing.TB, n int) *graphWorld {
	t.Helper()
	w := &graphWorld{index: tracking.NewMemoryIndex(n), sent: map[string]string{}, tokens: map[string]string{}}
	for i := range n {
		id := fmt.Sprintf("user%02d@inboxkit.test", i)
		if i == 0 {
			w.srv = fakegraph.New(fakegraph.Options{Email: id})
			t.Cleanup(w.srv.Close)
		}
		tok := "token-" + id
		w.srv.SetToken(tok, id, "Mail.Read", "Mail.Send", "User.Read")
		mid := providerkit.NewMessageID(id)
		if err := w.index.Add(provider.SentRecord{Account: id, MessageID: mid, Recipients: []string{prospectOf(id)}, Subject: subject}); err != nil {
			t.Fatal(err)
		}
		w.ids, w.sent[id], w.tokens[id] = append(w.ids, id), mid, tok
	}
	return w
}

func (w *graphWorld) List(ctx context.Context) ([]string, error) { return w.ids, nil }

func (w *graphWorld) Open(ctx context.Context, account string) (provider.Provider, error) {
	w.mu.Lock()
	tok := w.tokens[account]
	w.mu.Unlock()
	return graph.New(ctx, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: tok}), &graph.Options{
		Email: account, BaseURL: w.srv.URL(), HTTPClient: w.srv.Client(),
		Watch: graph.WatchOptions{PollInterval: time.Hour},
	})
}

func (w *graphWorld) reply(t testing.TB, account string) string {
	t.Helper()
	raw := providertest.Reply(prospectOf(account), account, subject, w.sent[account])
	if _, err := w.srv.Deliver(account, "inbox", raw); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	return providertest.MessageIDOf(raw)
}

// Graph mailboxes through the engine: replies become events once each
// across a restart over the same stores (delta links as cursors), and a
// revoked token turns only its own account red.
func TestEngine_graph(t *testing.T) {
	w := newGraphWorld(t, 2)
	s := newStores()
	e, stop := start(t, s.options(w, w.index))
	var want []string
	for _, id := range w.ids {
		want = append(want, w.reply(t, id))
	}
	waitFor(t, "first replies", func() bool {
		for _, id := range w.ids {
			e.Kick(id)
		}
		return s.sink.Len() == 2
	})
	stop()

	for _, id := range w.ids {
		want = append(want, w.reply(t, id))
	}
	e2, _ := start(t, s.options(w, w.index))
	waitFor(t, "replies after the restart", func() bool {
		for _, id := range w.ids {
			e2.Kick(id)
		}
		return s.sink.Len() == 4
	})
	got := eventsByMessageID(s.sink)
	for _, mid := range want {
		if evs := got[mid]; len(evs) != 1 || evs[0].Kind != engine.EventReplied || evs[0].Record == nil {
			t.Errorf("message %s: events %+v; want one reply with its record", mid, evs)
		}
	}

	revoked, fine := w.ids[0], w.ids[1]
	w.srv.RevokeToken(w.tokens[revoked])
	e2.Kick(revoked)
	waitFor(t, "the revoked account red", func() bool { return s.status.get(revoked).Status == provider.StatusError })
	if err := s.status.get(revoked).Err; !errors.Is(err, provider.ErrAuth) {
		t.Errorf("status error = %v; want ErrAuth", err)
	}
	last := w.reply(t, fine)
	waitFor(t, "the other account's reply", func() bool { return e2.Kick(fine) && has(s.sink, last) })
}
