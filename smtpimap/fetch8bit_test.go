package smtpimap_test

import (
	"bytes"
	"testing"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
)

// Replies whose headers carry raw 8-bit bytes (UTF-8 without RFC 2047,
// Latin-1, a lone 0xFF), odd header case and folded reference lists are
// still matched and come back byte for byte; a bounce whose body is
// binary junk is a candidate that is checked and dropped without error.
func TestFetch_eightBitHeaders(t *testing.T) {
	srv := testServer(t, nil)
	p := newProvider(t, configFor(srv))
	ctx := ctxT(t)
	idx := &memIndex{recs: map[string]*provider.SentRecord{}}
	var sent []string
	for _, to := range []string{"bob@inboxkit.test", "cyd@inboxkit.test", "bob@inboxkit.test"} {
		m := hello(to)
		s, err := p.Send(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		idx.recs[s.MessageID] = provider.RecordOf(sender, m, s)
		sent = append(sent, s.MessageID)
	}
	replies := [][]byte{
		[]byte("From: Zoë Ångström <bob@inboxkit.test>\r\nTo: " + sender + "\r\nSubject: Re: héllo — ça va?\r\n" +
			"Message-ID: <utf8-1@inboxkit.test>\r\nIn-Reply-To: <" + sent[0] + ">\r\n\r\nMerci, très intéressant.\r\n"),
		[]byte("from: J\xf6rg M\xfcller <cyd@inboxkit.test>\r\nsubject: Re: h\xe9llo\r\nmessage-id: <latin1-1@inboxkit.test>\r\n" +
			"references: <unknown@elsewhere.example>\r\n\t<" + sent[1] + ">\r\n\r\nJa, gerne. \xff\r\n"),
		[]byte("From: \xff\xfe <bob@inboxkit.test>\r\nSubject: \xc3\x28 broken utf-8\r\nMessage-ID: <broken-1@inboxkit.test>\r\n" +
			"IN-REPLY-TO: <" + sent[2] + ">\r\n\r\nok\r\n"),
	}
	junkBounce := []byte("From: MAILER-DAEMON@inboxkit.test\r\nSubject: Undelivered Mail Returned to Sender\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"\xff\"\r\n\r\n\x00\x01\x02\xff\r\n--\xff--\r\n")
	for _, raw := range append([][]byte{junkBounce, providertest.Unrelated("x@example.net", sender)}, replies...) {
		if err := srv.Deliver(sender, raw); err != nil {
			t.Fatal(err)
		}
	}
	b, err := p.Fetch(ctx, "", idx)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if len(b.Messages) != len(replies) {
		t.Fatalf("Fetch returned %d messages %v; want the %d replies", len(b.Messages), ids(b), len(replies))
	}
	for i, m := range b.Messages {
		if !bytes.Equal(m.Raw, replies[i]) {
			t.Errorf("message %d came back changed:\n got %q\nwant %q", i, m.Raw, replies[i])
		}
		if m.Record == nil || m.Record.MessageID != sent[i] {
			t.Errorf("message %d tied to %+v; want the sent message %s", i, m.Record, sent[i])
		}
	}
}
