package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/engine/enginetest"
	"github.com/inboxkit/inboxkit/pgstore"
	"github.com/inboxkit/inboxkit/pgstore/internal/pgtest"
	"github.com/inboxkit/inboxkit/provider"
)

// The engine's Queue suite against PostgreSQL, with the Store's clock
// being the suite's.
func TestQueue_conformance(t *testing.T) {
	pool := pgtest.Pool(t)
	enginetest.RunQueue(t, func(t *testing.T, clock engine.Clock) engine.Queue {
		return newStoreOn(t, pool, &pgstore.Options{Now: clock.Now}).Queue()
	})
}

func scheduled(id, account string, at time.Time) engine.Scheduled {
	return engine.Scheduled{ID: id, Account: account, At: at, Created: at, Message: provider.Message{
		From: provider.Address{Name: "Ada", Email: "ada@inboxkit.test"},
		To:   []provider.Address{{Email: "p@client.example"}}, Subject: "Grüße \x00 NUL", Text: "t",
		Attachments: []provider.Attachment{{Filename: "a.bin", ContentType: "application/octet-stream", Data: []byte{0, 1, 0xff}}},
		Headers:     []provider.Header{{Name: "X-Campaign", Value: "c1"}},
		MessageID:   id + "@inboxkit.test", IdempotencyKey: "key-" + id,
	}}
}

// What Enqueue stores comes back from Get, Claim and Pending as it went
// in, whatever its bytes.
func TestQueue_roundTrip(t *testing.T) {
	s, _ := newStore(t)
	q := s.Queue()
	ctx := pgtest.Context(t, testTimeout)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	in := scheduled("a", "ada", at)
	in.After, in.Actor, in.Meta = "prev", "bob@inboxkit.test", map[string]string{"campaign": "c1"}
	if _, err := q.Enqueue(ctx, in); err != nil {
		t.Fatal(err)
	}
	cl, _, err := q.Claim(ctx, "ada", at, time.Minute)
	if err != nil || cl == nil {
		t.Fatalf("Claim = %v, %v", cl, err)
	}
	got, want := cl.Scheduled, in
	want.State, want.Updated = engine.QueuePending, got.Updated
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("claimed\n%+v\nwant\n%+v", got, want)
	}
	if !cl.Expires.Equal(at.Add(time.Minute)) || cl.Token != 1 {
		t.Errorf("claim token %d expires %v; want 1, %v", cl.Token, cl.Expires, at.Add(time.Minute))
	}
	sent := &provider.Sent{MessageID: "a@inboxkit.test", ProviderID: "p1", ThreadID: "t1", SentAt: at}
	if err := q.Finish(ctx, cl, engine.QueueSent, sent, ""); err != nil {
		t.Fatal(err)
	}
	final, err := q.Get(ctx, "a")
	if err != nil || final.Sent == nil || *final.Sent != *sent || final.State != engine.QueueSent {
		t.Errorf("Get after Finish = %+v, %v; want sent %+v", final, err, sent)
	}
	if err := q.Finish(ctx, cl, engine.QueueState("pending"), nil, ""); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("Finish(pending) = %v; want ErrInvalid", err)
	}
	if _, err := q.Enqueue(ctx, engine.Scheduled{ID: "x", Account: "ada"}); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("Enqueue without a key = %v; want ErrInvalid", err)
	}
	taken := scheduled("a", "ada", at)
	taken.Message.IdempotencyKey = "another"
	if _, err := q.Enqueue(ctx, taken); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("Enqueue with a taken ID = %v; want ErrInvalid", err)
	}
	if n, err := q.PruneQueue(ctx, at.Add(100*365*24*time.Hour)); err != nil || n != 1 {
		t.Errorf("PruneQueue = %d, %v; want 1", n, err)
	}
}

// Replicas enqueueing one key at once store one send, and all get it.
func TestQueue_concurrentEnqueueOneKey(t *testing.T) {
	s, _ := newStore(t)
	q := s.Queue()
	ctx := pgtest.Context(t, testTimeout)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	const n = 8
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			in := scheduled(fmt.Sprintf("s%d", i), "ada", at)
			in.Message.IdempotencyKey = "one"
			got, err := q.Enqueue(ctx, in)
			if err != nil {
				t.Errorf("Enqueue %d: %v", i, err)
			}
			ids[i] = got.ID
		})
	}
	wg.Wait()
	for i, id := range ids {
		if id != ids[0] || id == "" {
			t.Errorf("Enqueue %d returned %q; want %q like the others", i, id, ids[0])
		}
	}
	if p, err := q.Pending(ctx, "ada"); err != nil || len(p) != 1 {
		t.Errorf("Pending = %d sends, %v; want 1", len(p), err)
	}
}

// Listen reports the accounts with pending sends when it starts, then
// every send enqueued in its schema, by any Store, once each: not a
// duplicate enqueue, not another schema's sends.
func TestQueue_listen(t *testing.T) {
	s, pool := newStore(t)
	other := newStoreOn(t, pool, nil)
	q := s.Queue()
	ctx := pgtest.Context(t, testTimeout)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	if _, err := q.Enqueue(ctx, scheduled("early", "early@inboxkit.test", at)); err != nil {
		t.Fatal(err)
	}
	woken := make(chan string, 16)
	lctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- q.Listen(lctx, func(account string) { woken <- account }) }()
	if got := pgtest.WaitOrTimeout(t, woken, 10*time.Second); got != "early@inboxkit.test" {
		t.Fatalf("first wake = %q; want the account already pending", got)
	}
	// Listen lists pending accounts after LISTEN: from here on it hears
	// every announcement.
	for _, step := range []struct {
		q  *pgstore.Queue
		in engine.Scheduled
	}{
		{other.Queue(), scheduled("x", "elsewhere@inboxkit.test", at)}, // another schema
		{q, scheduled("early", "early@inboxkit.test", at)},             // a duplicate: stores nothing
		{s.Queue(), scheduled("a", "ada@inboxkit.test", at)},
	} {
		if _, err := step.q.Enqueue(ctx, step.in); err != nil {
			t.Fatal(err)
		}
	}
	if got := pgtest.WaitOrTimeout(t, woken, 10*time.Second); got != "ada@inboxkit.test" {
		t.Errorf("wake = %q; want ada@inboxkit.test (nothing for another schema or a duplicate)", got)
	}
	stop()
	if err := pgtest.WaitOrTimeout(t, done, 10*time.Second); err != nil {
		t.Errorf("Listen = %v; want nil once its context ended", err)
	}
}
