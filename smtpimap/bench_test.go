package smtpimap_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/internal/mailserver"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
)

// BenchmarkSend_reused sends over the one kept SMTP connection (plus the
// APPEND to Sent, as in real use, turned off here to measure SMTP alone).
func BenchmarkSend_reused(b *testing.B) {
	srv := testServer(b, nil)
	cfg := configFor(srv)
	cfg.IMAP = nil
	p := newProvider(b, cfg)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.Send(ctx, hello("bob@inboxkit.test")); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if n := srv.SMTPConnections(); n != 1 {
		b.Fatalf("%d connections; want 1", n)
	}
}

// BenchmarkSend_reusedWithSentCopy is the real-use path: SMTP on the kept
// connection plus the APPEND to Sent on the kept IMAP connection.
func BenchmarkSend_reusedWithSentCopy(b *testing.B) {
	srv := testServer(b, nil)
	p := newProvider(b, configFor(srv))
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.Send(ctx, hello("bob@inboxkit.test")); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if n := srv.SMTPConnections(); n != 1 {
		b.Fatalf("%d connections; want 1", n)
	}
}

// BenchmarkSend_dialPerMessage dials, secures, authenticates and quits
// for every message.
func BenchmarkSend_dialPerMessage(b *testing.B) {
	srv := testServer(b, nil)
	cfg := configFor(srv)
	cfg.IMAP = nil
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := newProvider(b, cfg)
		if _, err := p.Send(ctx, hello("bob@inboxkit.test")); err != nil {
			b.Fatal(err)
		}
		p.Close()
	}
}

// fetchMailbox fills the sender's INBOX with n messages, every
// (n/related)th of them a reply to mail in the returned index.
func fetchMailbox(tb testing.TB, srv *mailserver.Server, n, related int) (*memIndex, int) {
	tb.Helper()
	idx := &memIndex{recs: map[string]*provider.SentRecord{}}
	size := 0
	for i := 0; i < n; i++ {
		var raw []byte
		if i%(n/related) == 0 {
			id := fmt.Sprintf("sent-%d@inboxkit.test", i)
			idx.recs[id] = &provider.SentRecord{Account: sender, MessageID: id}
			raw = providertest.Reply(fmt.Sprintf("p%d@client.test", i), sender, "Offer", id)
		} else {
			raw = providertest.Unrelated(fmt.Sprintf("news%d@shop.test", i), sender)
			raw = append(raw, make([]byte, 2000)...) // a typical newsletter body
		}
		size += len(raw)
		if err := srv.Deliver(sender, raw); err != nil {
			tb.Fatal(err)
		}
	}
	return idx, size
}

// TestFetch_tenThousand checks the first Fetch of a 10,000-message INBOX
// returns exactly the 100 replies and downloads only their bodies (the
// bytes the server sends, counted on the wire, stay a small fraction of
// the mailbox), and that an idle Fetch costs at most 2 IMAP commands.
func TestFetch_tenThousand(t *testing.T) {
	if testing.Short() {
		t.Skip("fills a 10,000-message mailbox")
	}
	srv := testServer(t, nil)
	idx, size := fetchMailbox(t, srv, 10000, 100)
	cfg := configFor(srv)
	ih, ip := srv.IMAPAddr()
	wire := countBytes(t, ih, ip)
	cfg.IMAP.Port = wire.Port()
	p := newProvider(t, cfg)
	srv.ResetCounters()
	start := time.Now()
	batch, err := p.Fetch(context.Background(), "", idx)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if len(batch.Messages) != 100 {
		t.Fatalf("first Fetch returned %d messages; want the 100 replies", len(batch.Messages))
	}
	body := 0
	for _, in := range batch.Messages {
		if in.Record == nil || idx.recs[in.Record.MessageID] == nil {
			t.Fatalf("message %s not tied to a sent message", in.ProviderID)
		}
		body += len(in.Raw)
	}
	down := wire.Down()
	t.Logf("first Fetch %v: mailbox %d bytes; downloaded %d bytes on the wire (%.1f%%), of which related bodies %d; %d IMAP commands",
		took.Round(time.Millisecond), size, down, 100*float64(down)/float64(size), body, srv.IMAPCommands())
	// 14 header fields of 10,000 messages (the FETCH response echoes
	// the field list, ~220 bytes a message) plus 100 bodies; the 2 kB
	// bodies of the 9,900 others alone would be 90% of the mailbox.
	if down > int64(size)/3 {
		t.Errorf("the first Fetch downloaded %d bytes of a %d-byte mailbox; want under a third (bodies of related mail only)", down, size)
	}
	srv.ResetCounters()
	wire.Reset()
	idle, err := p.Fetch(context.Background(), batch.Cursor, idx)
	if err != nil || len(idle.Messages) != 0 {
		t.Fatalf("idle Fetch = %v, %v; want nothing", idle, err)
	}
	if n := srv.IMAPCommands(); n > 2 {
		t.Errorf("idle Fetch on 10,000 messages sent %d IMAP commands; want ≤ 2", n)
	}
	t.Logf("idle Fetch: %d IMAP commands, %d bytes", srv.IMAPCommands(), wire.Down())
}

// BenchmarkFetch_first10k measures a first Fetch of a 10,000-message
// INBOX holding 100 related replies.
func BenchmarkFetch_first10k(b *testing.B) {
	srv := testServer(b, nil)
	idx, _ := fetchMailbox(b, srv, 10000, 100)
	p := newProvider(b, configFor(srv))
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		batch, err := p.Fetch(ctx, "", idx)
		if err != nil || len(batch.Messages) != 100 {
			b.Fatalf("Fetch = %d messages, %v", len(batch.Messages), err)
		}
	}
}

// BenchmarkFetch_idle10k measures a Fetch with nothing new.
func BenchmarkFetch_idle10k(b *testing.B) {
	srv := testServer(b, nil)
	idx, _ := fetchMailbox(b, srv, 10000, 100)
	p := newProvider(b, configFor(srv))
	ctx := context.Background()
	batch, err := p.Fetch(ctx, "", idx)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.Fetch(ctx, batch.Cursor, idx); err != nil {
			b.Fatal(err)
		}
	}
}
