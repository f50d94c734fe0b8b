package graph_test

import (
	"context"
	"testing"

	"github.com/inboxkit/inboxkit/graph"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
	"github.com/inboxkit/inboxkit/tracking"
)

// benchProvider has the local send limits off, so the loop measures the
// requests rather than Exchange's 30 a minute.
func benchProvider(b *testing.B) (*graph.Provider, func() *graph.Options) {
	srv := startFake(b)
	srv.SetSendLimits(0, 0)
	opts := func() *graph.Options {
		return &graph.Options{SendLimits: graph.SendLimits{MessagesPerMinute: -1, RecipientsPerDay: -1}}
	}
	return newProvider(b, srv, nil, opts()), opts
}

// BenchmarkFetch_idle is one idle poll: a delta page per folder over
// loopback HTTPS to the fake.
func BenchmarkFetch_idle(b *testing.B) {
	p, _ := benchProvider(b)
	ctx := context.Background()
	idx := tracking.NewMemoryIndex(0)
	first, err := p.Fetch(ctx, "", idx)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Fetch(ctx, first.Cursor, idx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFetch_reply is a poll that finds one reply in a known
// conversation: two delta pages and one MIME download.
func BenchmarkFetch_reply(b *testing.B) {
	srv := startFake(b)
	srv.SetSendLimits(0, 0)
	p := newProvider(b, srv, nil, nil)
	ctx := context.Background()
	idx := tracking.NewMemoryIndex(0)
	m := msg("Bench")
	s, err := p.Send(ctx, m)
	if err != nil {
		b.Fatal(err)
	}
	if err := idx.Add(*provider.RecordOf(account, m, s)); err != nil {
		b.Fatal(err)
	}
	cur, err := p.Fetch(ctx, "", idx)
	if err != nil {
		b.Fatal(err)
	}
	reply := providertest.Reply("bob@prospect.example", account, "Bench", s.MessageID)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		if _, err := srv.Deliver(account, "inbox", reply); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		batch, err := p.Fetch(ctx, cur.Cursor, idx)
		if err != nil || len(batch.Messages) != 1 {
			b.Fatalf("Fetch = %v, %v", batch, err)
		}
		cur = batch
	}
}

// BenchmarkSend is one send: a MIME draft and its send.
func BenchmarkSend(b *testing.B) {
	p, _ := benchProvider(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Send(ctx, msg("Bench")); err != nil {
			b.Fatal(err)
		}
	}
}
