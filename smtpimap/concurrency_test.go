package smtpimap_test

import (
	"sync"
	"testing"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
)

// One Provider used from several goroutines at once (a host's send workers
// and its fetch loop): every send is delivered exactly once and saved to
// Sent, every reply is fetched exactly once across the cursors, and the
// race detector stays quiet.
func TestProvider_concurrentSendAndFetch(t *testing.T) {
	srv := testServer(t, nil)
	p := newProvider(t, configFor(srv))
	ctx := ctxT(t)
	const workers, each = 4, 5
	var (
		mu   sync.Mutex
		idx  = &memIndex{recs: map[string]*provider.SentRecord{}}
		sent []string
		wg   sync.WaitGroup
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				m := hello("bob@inboxkit.test")
				s, err := p.Send(ctx, m)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				idx.recs[s.MessageID] = provider.RecordOf(sender, m, s)
				sent = append(sent, s.MessageID)
				mu.Unlock()
			}
		}()
	}
	// Fetch from the start while the sends run: it must not trip over them.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 5; i++ {
			if _, err := p.Fetch(ctx, "", &memIndex{}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	wg.Wait()
	if t.Failed() {
		return
	}
	if len(sent) != workers*each {
		t.Fatalf("%d sends; want %d", len(sent), workers*each)
	}
	box, err := srv.Mailbox(sender, "Sent")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range sent {
		if n := outboxCount(srv, id); n != 1 {
			t.Errorf("%s delivered %d times; want 1", id, n)
		}
		if n := countMessageID(box, id); n != 1 {
			t.Errorf("%s has %d copies in Sent; want 1", id, n)
		}
	}

	b, err := p.Fetch(ctx, "", idx)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range sent {
		if err := srv.Deliver(sender, providertest.Reply("bob@inboxkit.test", sender, "hello", id)); err != nil {
			t.Fatal(err)
		}
		if i%7 == 0 { // fetch while replies keep arriving
			next, err := p.Fetch(ctx, b.Cursor, idx)
			if err != nil {
				t.Fatal(err)
			}
			b.Messages = append(b.Messages, next.Messages...)
			b.Cursor = next.Cursor
		}
	}
	last, err := p.Fetch(ctx, b.Cursor, idx)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, in := range append(b.Messages, last.Messages...) {
		seen[in.Record.MessageID]++
	}
	for _, id := range sent {
		if seen[id] != 1 {
			t.Errorf("the reply to %s was fetched %d times; want 1", id, seen[id])
		}
	}
}
