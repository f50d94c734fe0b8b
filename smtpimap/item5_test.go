package smtpimap_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/internal/mailserver"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking"
)

// bareReply is a reply whose client dropped In-Reply-To and References.
func bareReply(from, subject, id string, at time.Time) []byte {
	return fmt.Appendf(nil, "Received: from mx.example.net by mail.inboxkit.test; %s\r\nFrom: %s\r\nTo: %s\r\nSubject: %s\r\n"+
		"Date: %s\r\nMessage-ID: <%s>\r\n\r\nYes, let's talk.\r\n",
		at.UTC().Format(time.RFC1123Z), from, sender, subject, at.UTC().Format(time.RFC1123Z), id)
}

// TestItem5_repliesWithoutThreadingHeaders: #12 item 5. With a SentIndex
// that has ByRecipient (tracking.MemoryIndex), Fetch over IMAP and over
// POP3 returns a reply from a recipient we wrote to with the same
// normalised subject although it carries no In-Reply-To or References,
// and not the same subject from someone we never wrote to.
func TestItem5_repliesWithoutThreadingHeaders(t *testing.T) {
	const subject = "Quick question about your roadmap"
	at := time.Now().Add(-time.Hour)
	bob := bareReply("Bob <bob@inboxkit.test>", "RE: "+subject, "bob-1@inboxkit.test", at)
	eve := bareReply("eve@elsewhere.example", "Re: "+subject, "eve-1@elsewhere.example", at.Add(time.Minute))
	index := func() *tracking.MemoryIndex {
		idx := tracking.NewMemoryIndex(0)
		err := idx.Add(provider.SentRecord{Account: sender, MessageID: "sent-9@inboxkit.test", Recipients: []string{"bob@inboxkit.test"},
			Subject: subject, SentAt: at.Add(-time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		return idx
	}
	check := func(t *testing.T, b *provider.Batch) {
		t.Helper()
		if got, want := fmt.Sprint(ids(b)), fmt.Sprint([]string{"bob-1@inboxkit.test"}); got != want {
			t.Fatalf("Fetch = %v; want only Bob's reply %v", got, want)
		}
		if m := b.Messages[0]; m.MatchedBy != "recipient-subject" || m.Record == nil || m.Record.MessageID != "sent-9@inboxkit.test" {
			t.Errorf("Incoming matched by %q to %+v; want recipient-subject to sent-9", m.MatchedBy, m.Record)
		}
	}
	t.Run("IMAP", func(t *testing.T) {
		srv := testServer(t, nil)
		p := newProvider(t, configFor(srv))
		for _, raw := range [][]byte{bob, eve} {
			if err := srv.Deliver(sender, raw); err != nil {
				t.Fatal(err)
			}
		}
		b, err := p.Fetch(ctxT(t), "", index())
		if err != nil {
			t.Fatal(err)
		}
		check(t, b)
	})
	t.Run("POP3", func(t *testing.T) {
		srv, cfg := pop3Setup(t, mailserver.SecurityTLS)
		drop := mailserver.NewMaildrop()
		if err := srv.SetMaildrop(sender, drop); err != nil {
			t.Fatal(err)
		}
		drop.Add("u1", bob)
		drop.Add("u2", eve)
		b, err := newProvider(t, cfg).Fetch(ctxT(t), "", index())
		if err != nil {
			t.Fatal(err)
		}
		check(t, b)
	})
}
