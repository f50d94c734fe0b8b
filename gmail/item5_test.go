package gmail_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking"
)

// TestItem5_repliesWithoutThreadingHeaders: #12 item 5, on Gmail through
// fakegmail (which, like Gmail, threads a message only by its
// In-Reply-To/References): with a SentIndex that has ByRecipient, Fetch
// returns a reply from a recipient we wrote to with the same normalised
// subject although its client dropped the threading headers, and not the
// same subject from someone we never wrote to.
func TestItem5_repliesWithoutThreadingHeaders(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, nil)
	ctx := context.Background()
	const subject = "Quick question about your roadmap"
	m := &provider.Message{To: []provider.Address{{Email: "bob@prospect.example"}}, Subject: subject, Text: "Hi.\r\n"}
	s, err := p.Send(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	idx := tracking.NewMemoryIndex(0)
	if err := idx.Add(*provider.RecordOf(account, m, s)); err != nil {
		t.Fatal(err)
	}
	bare := func(from, id string) []byte {
		date := time.Now().UTC().Format(time.RFC1123Z)
		return fmt.Appendf(nil, "From: %s\r\nTo: %s\r\nSubject: Re: %s\r\nDate: %s\r\nMessage-ID: <%s>\r\n\r\nYes, let's talk.\r\n",
			from, account, subject, date, id)
	}
	for _, raw := range [][]byte{bare("Bob <bob@prospect.example>", "bob-1@prospect.example"), bare("eve@elsewhere.example", "eve-1@elsewhere.example")} {
		if _, _, err := srv.Deliver(raw); err != nil {
			t.Fatal(err)
		}
	}
	b, err := p.Fetch(ctx, "", idx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(messageIDs(b)), fmt.Sprint([]string{"bob-1@prospect.example"}); got != want {
		t.Fatalf("Fetch = %v; want only Bob's reply %v", got, want)
	}
	if in := b.Messages[0]; in.MatchedBy != "recipient-subject" || in.Record == nil || in.Record.MessageID != s.MessageID {
		t.Errorf("matched by %q to %+v; want recipient-subject to the sent message", in.MatchedBy, in.Record)
	}
}
