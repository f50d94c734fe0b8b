package pgstore_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/pgstore"
	"github.com/inboxkit/inboxkit/pgstore/internal/pgtest"
	"github.com/inboxkit/inboxkit/provider"
)

func TestEvents_uniqueByKey(t *testing.T) {
	s, _ := newStore(t)
	ev := s.Events()
	ctx := pgtest.Context(t, testTimeout)
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	batch := []pgstore.Event{
		{Key: "a@example.com/msg-1/reply", Account: "a@example.com", Kind: "replied", At: at, Data: json.RawMessage(`{"from":"bob@example.org"}`)},
		{Key: "a@example.com/msg-2/bounce", Account: "a@example.com", Kind: "bounced", At: at.Add(time.Second)},
	}
	stored, err := ev.Record(ctx, batch)
	if err != nil || len(stored) != 2 {
		t.Fatalf("Record = %v, %v; want both stored", stored, err)
	}
	// The same reply fetched again (after a failover) and one new event.
	again := append(batch[:1:1], pgstore.Event{Key: "a@example.com/msg-3/reply", Account: "a@example.com", Kind: "replied", At: at.Add(2 * time.Second)})
	stored, err = ev.Record(ctx, again)
	if err != nil || len(stored) != 1 || stored[0] != "a@example.com/msg-3/reply" {
		t.Fatalf("Record again = %v, %v; want only the new key", stored, err)
	}
	all, err := ev.After(ctx, 0, 10)
	if err != nil || len(all) != 3 {
		t.Fatalf("After(0) = %d events, %v; want 3", len(all), err)
	}
	if all[0].Key != batch[0].Key || string(all[0].Data) != `{"from": "bob@example.org"}` || !all[0].At.Equal(at) {
		t.Errorf("first event = %+v; want %+v", all[0], batch[0])
	}
	if rest, err := ev.After(ctx, all[1].Seq, 10); err != nil || len(rest) != 1 || rest[0].Key != "a@example.com/msg-3/reply" {
		t.Errorf("After(second) = %+v, %v; want the third event only", rest, err)
	}
	if _, err := ev.Record(ctx, []pgstore.Event{{Account: "a@example.com"}}); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("Record without a key = %v; want ErrInvalid", err)
	}
}

// Replicas recording overlapping batches at once store each key once.
func TestEvents_concurrentReplicas(t *testing.T) {
	s, _ := newStore(t)
	ctx := pgtest.Context(t, testTimeout)
	const replicas, events = 4, 50
	var mu sync.Mutex
	total := 0
	var wg sync.WaitGroup
	for r := range replicas {
		wg.Go(func() {
			batch := make([]pgstore.Event, events)
			for i := range batch {
				j := (i + r*7) % events // each replica in its own order
				batch[i] = pgstore.Event{Key: fmt.Sprintf("k%02d", j), Account: "a@example.com", Kind: "replied", At: time.Now()}
			}
			stored, err := s.Events().Record(ctx, batch)
			if err != nil {
				t.Errorf("replica %d: Record = %v", r, err)
			}
			mu.Lock()
			total += len(stored)
			mu.Unlock()
		})
	}
	wg.Wait()
	if total != events {
		t.Errorf("%d events stored by %d replicas recording the same %d keys; want %d", total, replicas, events, events)
	}
}
