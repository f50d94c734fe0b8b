package gmail_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/gmail"
	"github.com/inboxkit/inboxkit/internal/fakegmail"
	"github.com/inboxkit/inboxkit/provider"
)

func outgoing(subject string) *provider.Message {
	return &provider.Message{
		To:      []provider.Address{{Name: "Bob", Email: "bob@prospect.example"}},
		Bcc:     []provider.Address{{Email: "crm@inboxkit.test"}},
		Subject: subject,
		Text:    "Hello Bob.\r\n",
	}
}

func TestProvider_Send_aliases(t *testing.T) {
	srv := startFake(t)
	srv.AddSendAs("sales@inboxkit.test", "Sales", "accepted")
	srv.AddSendAs("pending@inboxkit.test", "", "pending")
	p := newProvider(t, srv, nil, nil)
	tests := []struct {
		from string
		want error
	}{
		{"", nil},
		{"ADA@inboxkit.test", nil},
		{"sales@inboxkit.test", nil},
		{"pending@inboxkit.test", provider.ErrNotAllowed},
		{"ceo@inboxkit.test", provider.ErrNotAllowed},
	}
	for _, tc := range tests {
		m := outgoing("From " + tc.from)
		m.From.Email = tc.from
		before := len(srv.Sends())
		_, err := p.Send(context.Background(), m)
		if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("Send(From %q) error = %v; want %v", tc.from, err, tc.want)
		}
		sends := srv.Sends()
		if tc.want != nil && len(sends) != before {
			t.Errorf("Send(From %q) reached the wire", tc.from)
		}
		if tc.want == nil && tc.from != "" && !strings.Contains(string(sends[len(sends)-1].Raw), tc.from) {
			t.Errorf("Send(From %q): From not kept in %q", tc.from, sends[len(sends)-1].Raw)
		}
	}
	if got := p.Account().Aliases; len(got) != 1 || got[0] != "sales@inboxkit.test" {
		t.Errorf("Account().Aliases = %v; want [sales@inboxkit.test]", got)
	}
	if got := srv.Stats().Calls["settings.sendAs.list"]; got != 3 {
		t.Errorf("sendAs.list calls = %d; want 3 (first alias, then each unknown address)", got)
	}
}

func TestProvider_Send_rawAndUpload(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, &gmail.Options{UploadThreshold: 2048})
	small, err := p.Send(context.Background(), outgoing("Small"))
	if err != nil {
		t.Fatal(err)
	}
	big := outgoing("Big")
	big.Attachments = []provider.Attachment{{Filename: "deck.pdf", Data: []byte(strings.Repeat("%PDF", 1024))}}
	large, err := p.Send(context.Background(), big)
	if err != nil {
		t.Fatal(err)
	}
	sends := srv.Sends()
	if len(sends) != 2 || sends[0].Upload || !sends[1].Upload {
		t.Fatalf("sends = %d, uploads %v %v; want the small one raw and the big one uploaded", len(sends), sends[0].Upload, sends[1].Upload)
	}
	for i, s := range []*provider.Sent{small, large} {
		if sends[i].MessageID != s.MessageID || sends[i].ID != s.ProviderID || sends[i].ThreadID != s.ThreadID {
			t.Errorf("Sent %+v does not describe the stored %+v", s, sends[i])
		}
		if !strings.Contains(string(sends[i].Raw), "Bcc: <crm@inboxkit.test>\r\n") {
			t.Errorf("raw send %d lacks the Bcc header Gmail needs to deliver to it: %.300q", i, sends[i].Raw)
		}
	}
}

func TestProvider_Send_unknownThread(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, nil)
	m := outgoing("Follow-up")
	m.ThreadID = "18c0000000000000"
	if _, err := p.Send(context.Background(), m); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("Send to an unknown thread = %v; want ErrNotFound", err)
	}
}

func TestProvider_Send_ambiguousFailure(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, nil)
	// Gmail delivers, but the answer is a 500: the retry must find the
	// message by Message-ID instead of sending it again.
	srv.Fail("messages.send", 1, fakegmail.Fault{Status: 500, Served: true})
	m := outgoing("Exactly once")
	m.IdempotencyKey = "seq-1/step-2/contact-9"
	s, err := p.Send(context.Background(), m)
	if err != nil {
		t.Fatalf("Send = %v", err)
	}
	sends := srv.Sends()
	if len(sends) != 1 || sends[0].MessageID != s.MessageID || sends[0].ID != s.ProviderID {
		t.Fatalf("sends = %+v; want one delivery matching %+v", sends, s)
	}
	// Without a key, a refused (not served) 5xx is simply retried.
	srv.Fail("messages.send", 1, fakegmail.BackendError())
	if _, err := p.Send(context.Background(), outgoing("Retried")); err != nil || len(srv.Sends()) != 2 {
		t.Errorf("Send after a refused 500 = %v with %d sends; want one more", err, len(srv.Sends()))
	}
	// When every attempt fails ambiguously, the key is remembered as
	// unknown and the next Send looks before sending.
	srv.Fail("messages.send", 4, fakegmail.Fault{Status: 503, Served: true})
	srv.Fail("messages.list", 4, fakegmail.Unavailable())
	m2 := outgoing("Unclear")
	m2.IdempotencyKey = "seq-1/step-2/contact-10"
	if _, err := p.Send(context.Background(), m2); !errors.Is(err, provider.ErrOutcomeUnknown) || provider.IsTemporary(err) {
		t.Fatalf("Send with Gmail failing = %v; want ErrOutcomeUnknown", err)
	}
	m3 := outgoing("Unclear")
	m3.IdempotencyKey = m2.IdempotencyKey
	s3, err := p.Send(context.Background(), m3)
	if err != nil || !s3.Duplicate {
		t.Fatalf("second Send = %+v, %v; want the earlier delivery marked Duplicate", s3, err)
	}
	n := 0
	for _, x := range srv.Sends() {
		if x.MessageID == s3.MessageID {
			n++
		}
	}
	if n != 1 {
		t.Errorf("deliveries of %s = %d; want 1", s3.MessageID, n)
	}
}

func TestProvider_Send_dailyLimit(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, &gmail.Options{DailyLimit: 2})
	for i := range 2 {
		if _, err := p.Send(context.Background(), outgoing("n")); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	_, err := p.Send(context.Background(), outgoing("one too many"))
	if d, ok := provider.RetryAfter(err); !errors.Is(err, provider.ErrRateLimited) || !ok || d <= 0 {
		t.Fatalf("third Send = %v; want ErrRateLimited with a wait", err)
	}
	if sent, limit := p.SendsToday(); sent != 2 || limit != 2 || len(srv.Sends()) != 2 {
		t.Errorf("SendsToday = %d/%d, fake saw %d; want 2/2 and 2", sent, limit, len(srv.Sends()))
	}
}

func TestProvider_Verify_aliases(t *testing.T) {
	srv := startFake(t)
	srv.AddSendAs("sales@inboxkit.test", "Sales", "accepted")
	srv.AddSendAs("pending@inboxkit.test", "", "pending")
	p := newProvider(t, srv, nil, nil)
	if err := p.Verify(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := p.Account(); got.Email != account || len(got.Aliases) != 1 || got.Aliases[0] != "sales@inboxkit.test" {
		t.Errorf("Account() after Verify = %+v; want the accepted alias only", got)
	}
	srv.Fail("settings.sendAs.list", 1, fakegmail.InsufficientPermissions())
	if err := p.Verify(context.Background()); err != nil {
		t.Errorf("Verify with aliases unreadable = %v; want nil", err)
	}
}

// Gmail's search index may not show a message sent a moment ago; the
// look-up after an ambiguous failure must find it all the same.
func TestProvider_Send_ambiguousFailureSearchLag(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, nil)
	for range 3 {
		if _, err := p.Send(context.Background(), outgoing("Earlier")); err != nil {
			t.Fatal(err)
		}
	}
	srv.SetSearchLag(1)
	srv.Fail("messages.send", 1, fakegmail.Fault{Status: 502, Served: true})
	m := outgoing("Lagging index")
	m.IdempotencyKey = "k-lag"
	s, err := p.Send(context.Background(), m)
	if err != nil {
		t.Fatalf("Send = %v", err)
	}
	sends := srv.Sends()
	if len(sends) != 4 || sends[3].MessageID != s.MessageID || sends[3].ID != s.ProviderID {
		t.Errorf("sends = %d (last %+v); want 4 with the lagging one once, matching %+v", len(sends), sends[len(sends)-1], s)
	}
}
