package pgstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/inboxkit/inboxkit/gmail"
	"github.com/inboxkit/inboxkit/internal/fakegmail"
	"github.com/inboxkit/inboxkit/pgstore"
	"github.com/inboxkit/inboxkit/pgstore/internal/pgtest"
	"github.com/inboxkit/inboxkit/provider"
	"golang.org/x/oauth2"
)

// replicaStores returns n Stores over one schema, each on its own pool,
// as n host processes would have.
func replicaStores(t *testing.T, n int) []*pgstore.Store {
	first := pgtest.Pool(t)
	schema := pgtest.Schema(t, first)
	out := make([]*pgstore.Store, n)
	for i := range out {
		pool := first
		if i > 0 {
			pool = pgtest.Pool(t)
		}
		s, err := pgstore.New(pool, &pgstore.Options{Schema: schema})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(pgtest.Context(t, testTimeout)); err != nil {
			t.Fatal(err)
		}
		out[i] = s
	}
	return out
}

func gmailReplica(t *testing.T, srv *fakegmail.Server, s *pgstore.Store, dailyLimit int) *gmail.Provider {
	p, err := gmail.New(context.Background(), oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "test-token"}), &gmail.Options{
		Email: "ada@inboxkit.test", Endpoint: srv.URL(), HTTPClient: srv.Client(),
		SendLog: s, SendCounter: s.Counters(), DailyLimit: dailyLimit,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

func hello() *provider.Message {
	return &provider.Message{To: []provider.Address{{Email: "bob@prospect.example"}}, Subject: "Hello", Text: "Hello Bob.\r\n"}
}

// Two replicas of a host send from one Gmail mailbox through pgstore: the
// same IdempotencyKey sent from both at once is delivered once, and
// Google's daily limit is counted once for both.
func TestReplicas_gmailShareSendLogAndQuota(t *testing.T) {
	srv := fakegmail.New(fakegmail.Options{Email: "ada@inboxkit.test"})
	t.Cleanup(srv.Close)
	stores := replicaStores(t, 2)
	replicas := []*gmail.Provider{gmailReplica(t, srv, stores[0], 3), gmailReplica(t, srv, stores[1], 3)}
	ctx := pgtest.Context(t, testTimeout)

	var wg sync.WaitGroup
	results := make([]*provider.Sent, 2)
	for i, p := range replicas {
		wg.Go(func() {
			m := hello()
			m.IdempotencyKey = "seq-1/step-1/bob"
			s, err := p.Send(ctx, m)
			if err != nil && !errors.Is(err, provider.ErrInFlight) {
				t.Errorf("replica %d: Send = %v", i, err)
			}
			results[i] = s
		})
	}
	wg.Wait()
	if n := len(srv.Sends()); n != 1 {
		t.Fatalf("the same key from two replicas was delivered %d times; want 1", n)
	}
	// A later retry of the key on either replica is the earlier delivery.
	m := hello()
	m.IdempotencyKey = "seq-1/step-1/bob"
	if s, err := replicas[1].Send(ctx, m); err != nil || !s.Duplicate {
		t.Errorf("retry = %+v, %v; want a Duplicate", s, err)
	}

	for i, p := range []*gmail.Provider{replicas[0], replicas[1]} {
		if _, err := p.Send(ctx, hello()); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	if _, err := replicas[0].Send(ctx, hello()); !errors.Is(err, provider.ErrRateLimited) {
		t.Errorf("fourth send of the day across replicas = %v; want ErrRateLimited", err)
	}
	if sent, limit := replicas[1].SendsToday(); sent != 3 || limit != 3 {
		t.Errorf("SendsToday = %d/%d; want 3/3", sent, limit)
	}
}
