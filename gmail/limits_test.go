package gmail_test

import (
	"context"
	"errors"
	"testing"

	"github.com/inboxkit/inboxkit/gmail"
	"github.com/inboxkit/inboxkit/provider"
)

// Two Providers for one mailbox (two replicas of the host) sharing one
// SendCounter share the daily limit; a send refused by the limit or
// failing before delivery does not count.
func TestProvider_Send_sharedDailyLimit(t *testing.T) {
	srv := startFake(t)
	shared := &provider.MemorySendCounter{}
	a := newProvider(t, srv, nil, &gmail.Options{DailyLimit: 3, SendCounter: shared})
	b := newProvider(t, srv, nil, &gmail.Options{DailyLimit: 3, SendCounter: shared})
	for i, p := range []*gmail.Provider{a, b, a} {
		if _, err := p.Send(context.Background(), outgoing("n")); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	if _, err := b.Send(context.Background(), outgoing("one too many")); !errors.Is(err, provider.ErrRateLimited) {
		t.Fatalf("fourth Send across both replicas = %v; want ErrRateLimited", err)
	}
	for _, p := range []*gmail.Provider{a, b} {
		if sent, limit := p.SendsToday(); sent != 3 || limit != 3 {
			t.Errorf("SendsToday = %d/%d; want 3/3, the shared count", sent, limit)
		}
	}
	if n := len(srv.Sends()); n != 3 {
		t.Errorf("the fake saw %d sends; want 3", n)
	}
}
