package relate_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/internal/automail"
	"github.com/inboxkit/inboxkit/internal/relate"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking"
)

// TestItem5_recipientSubject: #12 item 5. With a SentIndex that also has
// ByRecipient, a message from a recipient we wrote to with the same
// normalised subject is related even without In-Reply-To and
// References; mail from anyone else, or about another subject, is not.
func TestItem5_recipientSubject(t *testing.T) {
	ctx := context.Background()
	idx := tracking.NewMemoryIndex(0)
	ours := provider.SentRecord{Account: "ada@example.com", MessageID: "ours@example.com", Recipients: []string{"Bob@Example.net"},
		Subject: "Hello from Ada", SentAt: time.Now()}
	if err := idx.Add(ours); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, from, subject string
		want                string
	}{
		{"reply without threading headers", "Bob <bob@example.net>", "Re: Hello from Ada", "recipient-subject"},
		{"other prefixes and case", "BOB@example.net", "AW: SV: Fwd:  hello FROM ada", "recipient-subject"},
		{"encoded", "=?UTF-8?Q?B=C3=B6b?= <bob@example.net>", "=?UTF-8?Q?Re:_Hello_from_Ada?=", "recipient-subject"},
		{"stranger, same subject", "eve@example.org", "Re: Hello from Ada", ""},
		{"recipient, other subject", "bob@example.net", "Re: something else", ""},
		{"no subject", "bob@example.net", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw := fmt.Sprintf("From: %s\r\nSubject: %s\r\nMessage-ID: <r@example.net>\r\n\r\n", tc.from, tc.subject)
			v, err := relate.Match(ctx, relate.Header([]byte(raw)), idx, "", "")
			if err != nil {
				t.Fatal(err)
			}
			if v.MatchedBy != tc.want || (tc.want != "" && v.Record.MessageID != ours.MessageID) {
				t.Errorf("Match = %+v; want matchedBy %q", v, tc.want)
			}
		})
	}
	// Without ByRecipient, only the headers can tie a message to our mail.
	plain := index{ours.MessageID: &ours}
	v, err := relate.Match(ctx, relate.Header([]byte("From: bob@example.net\r\nSubject: Re: Hello from Ada\r\n\r\n")), plain, "", "")
	if err != nil || v.Related() {
		t.Errorf("Match without ByRecipient = %+v, %v; want unrelated", v, err)
	}
}

// TestItem5_classifierAutoRepliesAreCandidates: #12 item 5. Every
// out-of-office subject the classifier knows makes Fetch download the
// message: the pre-filter and Classify read one list.
func TestItem5_classifierAutoRepliesAreCandidates(t *testing.T) {
	ctx := context.Background()
	for _, phrase := range automail.AutoReplySubjects() {
		subject := strings.TrimSpace(phrase) + " Ihre Nachricht"
		raw := "From: Carl <carl@example.org>\r\nTo: ada@example.com\r\nSubject: " + subject +
			"\r\nMessage-ID: <ooo@example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nI am away until Monday.\r\n"
		res, err := tracking.Classify(ctx, []byte(raw), nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Class != tracking.ClassAutoReply {
			continue // the classifier needs more than this subject
		}
		if !relate.Candidate(relate.Header([]byte(raw))) {
			t.Errorf("subject %q: Classify says auto_reply, but Fetch's pre-filter would not download it", subject)
		}
	}
	// And the bounce senders are one list too.
	for _, from := range automail.DaemonSenders() {
		h := relate.Header([]byte("From: " + from + " <x@example.net>\r\nSubject: hi\r\n\r\n"))
		if !relate.Candidate(h) {
			t.Errorf("From %q: a bounce sender the classifier knows is no download candidate", from)
		}
	}
}
