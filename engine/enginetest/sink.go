package enginetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/provider"
)

// SinkHarness is a Sink under test and a way to read back what it stored.
type SinkHarness struct {
	Sink engine.Sink
	// Stored returns every event the sink holds, in any order.
	Stored func(ctx context.Context) ([]engine.Event, error)
}

// RunSink runs the conformance suite for engine.Sink: every event is kept
// once by key, across repeated and overlapping batches and concurrent
// deliveries, with its fields intact.
func RunSink(t *testing.T, newSink func(t *testing.T) SinkHarness) {
	t.Run("Fields", func(t *testing.T) { testSinkFields(t, newSink(t)) })
	t.Run("IdempotentByKey", func(t *testing.T) { testSinkIdempotent(t, newSink(t)) })
	t.Run("Concurrent", func(t *testing.T) { testSinkConcurrent(t, newSink(t)) })
}

// SampleEvent returns a filled-in event numbered i, for tests of sinks.
func SampleEvent(account string, i int) engine.Event {
	mid := fmt.Sprintf("reply-%d@prospect.example", i)
	return engine.Event{
		Key:        engine.EventKey(account, engine.EventReplied, mid, fmt.Sprint(i)),
		Account:    account,
		Kind:       engine.EventReplied,
		At:         time.Date(2026, 3, 2, 9, 0, i%60, 123456000, time.UTC),
		MessageID:  mid,
		ProviderID: fmt.Sprintf("1/%d", i),
		ThreadID:   fmt.Sprintf("thread-%d", i),
		Folder:     "INBOX",
		Record: &provider.SentRecord{
			Account: account, MessageID: fmt.Sprintf("sent-%d@inboxkit.test", i), ThreadID: fmt.Sprintf("thread-%d", i),
			Recipients: []string{"bob@prospect.example"}, Subject: "Hello", Meta: map[string]string{"campaign": "q4"},
		},
		Fence: uint64(i + 1),
	}
}

func stored(t *testing.T, h SinkHarness) map[string][]engine.Event {
	t.Helper()
	evs, err := h.Stored(context.Background())
	if err != nil {
		t.Fatalf("Stored: %v", err)
	}
	m := map[string][]engine.Event{}
	for _, e := range evs {
		m[e.Key] = append(m[e.Key], e)
	}
	return m
}

func testSinkFields(t *testing.T, h SinkHarness) {
	want := SampleEvent("ada@inboxkit.test", 7)
	skipped := engine.Event{
		Key: engine.EventKey("ada@inboxkit.test", engine.EventSkipped, "", "INBOX\x009/12"), Account: "ada@inboxkit.test",
		Kind: engine.EventSkipped, At: want.At, ProviderID: "9/12", Folder: "INBOX", Reason: "larger than the cap", Fence: 3,
	}
	if err := h.Sink.Deliver(context.Background(), []engine.Event{want, skipped}); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	got := stored(t, h)
	if len(got) != 2 {
		t.Fatalf("stored %d keys; want 2", len(got))
	}
	g := got[want.Key][0]
	if g.Account != want.Account || g.Kind != want.Kind || g.MessageID != want.MessageID || g.ProviderID != want.ProviderID ||
		g.ThreadID != want.ThreadID || g.Folder != want.Folder || g.Fence != want.Fence || !g.At.Equal(want.At) {
		t.Errorf("stored event = %+v; want %+v", g, want)
	}
	if g.Record == nil || g.Record.MessageID != want.Record.MessageID || g.Record.Meta["campaign"] != "q4" {
		t.Errorf("stored event's Record = %+v; want %+v", g.Record, want.Record)
	}
	if s := got[skipped.Key][0]; s.Kind != engine.EventSkipped || s.Reason != skipped.Reason || s.ProviderID != skipped.ProviderID {
		t.Errorf("stored skipped event = %+v; want %+v", s, skipped)
	}
}

func testSinkIdempotent(t *testing.T, h SinkHarness) {
	ctx := context.Background()
	var first, second []engine.Event
	for i := range 10 {
		first = append(first, SampleEvent("ada@inboxkit.test", i))
	}
	for i := 5; i < 15; i++ {
		second = append(second, SampleEvent("ada@inboxkit.test", i))
	}
	for _, b := range [][]engine.Event{first, first, second, nil, second[:3]} {
		if err := h.Sink.Deliver(ctx, b); err != nil {
			t.Fatalf("Deliver: %v", err)
		}
	}
	got := stored(t, h)
	if len(got) != 15 {
		t.Errorf("stored %d keys; want 15", len(got))
	}
	for k, evs := range got {
		if len(evs) != 1 {
			t.Errorf("key %s stored %d times; want once", k, len(evs))
		}
	}
}

func testSinkConcurrent(t *testing.T, h SinkHarness) {
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			var b []engine.Event
			for i := range 40 {
				b = append(b, SampleEvent(fmt.Sprintf("acct-%d", i%4), (i+g*5)%60))
			}
			if err := h.Sink.Deliver(context.Background(), b); err != nil {
				t.Errorf("Deliver: %v", err)
			}
		})
	}
	wg.Wait()
	want := map[string]bool{}
	for g := range 8 {
		for i := range 40 {
			want[SampleEvent(fmt.Sprintf("acct-%d", i%4), (i+g*5)%60).Key] = true
		}
	}
	got := stored(t, h)
	if len(got) != len(want) {
		t.Errorf("stored %d keys; want %d", len(got), len(want))
	}
	for k, evs := range got {
		if !want[k] {
			t.Errorf("stored unexpected key %s", k)
		}
		if len(evs) != 1 {
			t.Errorf("key %s stored %d times under concurrent deliveries; want once", k, len(evs))
		}
	}
}
