package gmail_test

import (
	"context"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/provider/providertest"
)

// BenchmarkFetch_idle is one idle poll: one history.list round trip to
// the fake over loopback HTTP.
func BenchmarkFetch_idle(b *testing.B) {
	srv := startFake(b)
	p := newProvider(b, srv, nil, nil)
	ctx := context.Background()
	first, err := p.Fetch(ctx, "", &index{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Fetch(ctx, first.Cursor, &index{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFetch_reply is a poll that finds one reply in a known thread.
func BenchmarkFetch_reply(b *testing.B) {
	srv := startFake(b)
	p := newProvider(b, srv, nil, nil)
	w := &world{srv: srv, p: p, idx: &index{}}
	ctx := context.Background()
	m := outgoing("Bench")
	s, err := p.Send(ctx, m)
	if err != nil {
		b.Fatal(err)
	}
	w.idx.add(recordOf(m, s))
	cur, err := p.Fetch(ctx, "", w.idx)
	if err != nil {
		b.Fatal(err)
	}
	reply := providertest.Reply("bob@prospect.example", account, "Bench", s.MessageID)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		if _, _, err := srv.Deliver(reply); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		batch, err := p.Fetch(ctx, cur.Cursor, w.idx)
		if err != nil || len(batch.Messages) != 1 {
			b.Fatalf("Fetch = %v, %v", batch, err)
		}
		cur = batch
	}
}

func BenchmarkSend(b *testing.B) {
	srv := startFake(b)
	p := newProvider(b, srv, nil, nil)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Send(ctx, outgoing("Bench")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFetch_lookBack is a first Fetch over 100 messages with a 5 ms
// round trip to the fake: messages.get calls overlap (four at a time), so
// it takes about a quarter of the time of one call after another (#12
// item 4).
func BenchmarkFetch_lookBack(b *testing.B) {
	srv := startFake(b)
	p := newProvider(b, srv, nil, nil)
	for range 100 {
		if _, _, err := srv.Deliver(providertest.Unrelated("n@news.example", account)); err != nil {
			b.Fatal(err)
		}
	}
	srv.SetLatency(5 * time.Millisecond)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Fetch(ctx, "", &index{}); err != nil {
			b.Fatal(err)
		}
	}
}
