package engine_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking"
)

// countingProvider accepts every message and keeps nothing but a count:
// a provider whose Send costs next to nothing, so that the outbox's own
// cost per send shows.
type countingProvider struct{ n atomic.Int64 }

func (p *countingProvider) Kind() provider.Kind { return "counting" }
func (p *countingProvider) Account() provider.Account {
	return provider.Account{Email: "ada@inboxkit.test"}
}
func (p *countingProvider) Verify(context.Context) error { return nil }
func (p *countingProvider) Send(_ context.Context, m *provider.Message) (*provider.Sent, error) {
	p.n.Add(1)
	return &provider.Sent{MessageID: m.MessageID, ThreadID: m.MessageID, SentAt: time.Now()}, nil
}
func (p *countingProvider) Fetch(context.Context, string, provider.SentIndex) (*provider.Batch, error) {
	return &provider.Batch{}, nil
}
func (p *countingProvider) Close() error { return nil }

type oneAccount struct{ p provider.Provider }

func (a oneAccount) List(context.Context) ([]string, error) {
	return []string{a.p.Account().Email}, nil
}
func (a oneAccount) Open(context.Context, string) (provider.Provider, error) { return a.p, nil }

// signalSink tells when a sent event arrives.
type signalSink struct{ sent chan struct{} }

func (s signalSink) Deliver(_ context.Context, evs []engine.Event) error {
	for _, e := range evs {
		if e.Kind == engine.EventSent {
			s.sent <- struct{}{}
		}
	}
	return nil
}

func benchMessage(i int) *provider.Message {
	m := message(fmt.Sprintf("prospect%d@client.example", i), "Go engineers")
	m.MessageID = providerkit.NewMessageID("ada@inboxkit.test")
	return m
}

// benchOutbox schedules b.N sends due now, one at a time, and waits for
// each sent event: Schedule, the Queue's claim and finish, the event.
func benchOutbox(b *testing.B, p provider.Provider) {
	sink := signalSink{sent: make(chan struct{}, 1)}
	e, _ := start(b, engine.Options{
		Accounts: oneAccount{p}, Cursors: &engine.MemoryCursors{}, SentIndex: tracking.NewMemoryIndex(0),
		Sink: sink, PollInterval: time.Hour,
	})
	account := p.Account().Email
	waitFor(b, "the account running", func() bool { return e.Stats().Running == 1 })
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, err := e.Schedule(ctx, account, benchMessage(i), time.Time{}, nil); err != nil {
			b.Fatal(err)
		}
		<-sink.sent
	}
}

func benchBare(b *testing.B, p provider.Provider) {
	ctx := context.Background()
	b.ReportAllocs()
	for i := range b.N {
		if _, err := p.Send(ctx, benchMessage(i)); err != nil {
			b.Fatal(err)
		}
	}
}

// The outbox's own cost per send, over a provider that costs nothing.
func BenchmarkOutbox_counting(b *testing.B)   { benchOutbox(b, &countingProvider{}) }
func BenchmarkBareSend_counting(b *testing.B) { benchBare(b, &countingProvider{}) }

// The same over fake Gmail (the real gmail/v1 client over HTTP).
func BenchmarkOutbox_gmail(b *testing.B) {
	w := newSendWorld(b, time.Now())
	p, err := w.Open(context.Background(), w.account)
	if err != nil {
		b.Fatal(err)
	}
	benchOutbox(b, p)
}

func BenchmarkBareSend_gmail(b *testing.B) {
	w := newSendWorld(b, time.Now())
	p, err := w.Open(context.Background(), w.account)
	if err != nil {
		b.Fatal(err)
	}
	benchBare(b, p)
}
