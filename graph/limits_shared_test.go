package graph_test

import (
	"errors"
	"testing"

	"github.com/inboxkit/inboxkit/graph"
	"github.com/inboxkit/inboxkit/provider"
)

// Two Providers for one mailbox (two replicas of the host) sharing one
// SendCounter share Exchange's per-minute limit, and Usage shows the
// shared count.
func TestProvider_Send_sharedSendLimits(t *testing.T) {
	srv := startFake(t)
	shared := &provider.MemorySendCounter{}
	opts := func() *graph.Options {
		return &graph.Options{SendLimits: graph.SendLimits{MessagesPerMinute: 2}, SendCounter: shared}
	}
	a := newProvider(t, srv, nil, opts())
	b := newProvider(t, srv, nil, opts())
	if _, err := a.Send(ctx(t), msg("one")); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Send(ctx(t), msg("two")); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Send(ctx(t), msg("three")); !errors.Is(err, provider.ErrRateLimited) {
		t.Fatalf("third Send in a minute across both replicas = %v; want ErrRateLimited", err)
	}
	for _, p := range []*graph.Provider{a, b} {
		if u := p.Usage(); u.MessagesLastMinute != 2 || u.RecipientsLastDay != 2 {
			t.Errorf("Usage = %+v; want 2 messages and 2 recipients, the shared counts", u)
		}
	}
	if n := len(srv.Sends()); n != 2 {
		t.Errorf("the fake saw %d sends; want 2", n)
	}
}
