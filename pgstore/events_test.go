package pgstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/engine/enginetest"
	"github.com/inboxkit/inboxkit/pgstore"
	"github.com/inboxkit/inboxkit/pgstore/internal/pgtest"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking"
)

// The event table read back in arrival order, with the classifier's answer
// and the record of our message intact.
func TestEvents_after(t *testing.T) {
	s, _ := newStore(t)
	ev := s.Events()
	ctx := pgtest.Context(t, testTimeout)
	first := enginetest.SampleEvent("ada@inboxkit.test", 1)
	first.Result = tracking.Result{Class: tracking.ClassReply, Text: "Yes, let's talk.", MessageID: first.MessageID, Record: first.Record}
	batch := []engine.Event{first, enginetest.SampleEvent("ada@inboxkit.test", 2)}
	if err := ev.Deliver(ctx, batch); err != nil {
		t.Fatalf("Deliver = %v", err)
	}
	// The same reply fetched again (after a failover) and one new event.
	if err := ev.Deliver(ctx, []engine.Event{first, enginetest.SampleEvent("ada@inboxkit.test", 3)}); err != nil {
		t.Fatalf("Deliver again = %v", err)
	}
	all, err := ev.After(ctx, 0, 10)
	if err != nil || len(all) != 3 {
		t.Fatalf("After(0) = %d events, %v; want 3", len(all), err)
	}
	var got pgstore.StoredEvent
	for _, e := range all {
		if e.Key == first.Key {
			got = e
		}
	}
	if got.Key != first.Key || got.Result.Text != first.Result.Text || got.Result.Class != tracking.ClassReply ||
		got.Result.Record == nil || got.Result.Record.MessageID != first.Record.MessageID || !got.At.Equal(first.At) {
		t.Errorf("first event = %+v; want %+v", got, first)
	}
	if rest, err := ev.After(ctx, all[1].Seq, 10); err != nil || len(rest) != 1 || rest[0].Seq != all[2].Seq {
		t.Errorf("After(second) = %+v, %v; want the third event only", rest, err)
	}
	if err := ev.Deliver(ctx, []engine.Event{{Account: "ada@inboxkit.test"}}); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("Deliver without a key = %v; want ErrInvalid", err)
	}
}

// The engine's conformance suites against the database: Leases, the Sink
// and the fenced CursorStore.
func TestEngineConformance(t *testing.T) {
	t.Run("Leases", func(t *testing.T) {
		enginetest.RunLeases(t, func(t *testing.T, _ engine.Clock) engine.Leases {
			s, _ := newStore(t)
			return s.Leases()
		})
	})
	t.Run("Sink", func(t *testing.T) {
		enginetest.RunSink(t, func(t *testing.T) enginetest.SinkHarness {
			s, _ := newStore(t)
			return enginetest.SinkHarness{Sink: s.Events(), Stored: func(ctx context.Context) ([]engine.Event, error) {
				stored, err := s.Events().After(ctx, 0, 100_000)
				out := make([]engine.Event, len(stored))
				for i, e := range stored {
					out[i] = e.Event
				}
				return out, err
			}}
		})
	})
	t.Run("CursorStore", func(t *testing.T) {
		enginetest.RunCursorStore(t, func(t *testing.T) provider.CursorStore {
			s, _ := newStore(t)
			return s
		})
	})
}
