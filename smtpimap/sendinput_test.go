package smtpimap_test

import (
	"errors"
	"testing"

	"github.com/inboxkit/inboxkit/provider"
)

// Bad input beyond the conformance suite's cases: each is ErrInvalid (or
// ErrNotAllowed for a well-formed foreign From) naming the field, and
// nothing reaches the SMTP server — not even a connection. Validation
// comes first, so a From carrying an injection is ErrInvalid, as on
// gmail and graph.
func TestSend_badInputSendsNothing(t *testing.T) {
	srv := testServer(t, nil)
	p := newProvider(t, configFor(srv))
	tests := []struct {
		name  string
		edit  func(m *provider.Message)
		code  error
		field string
	}{
		{"from name injection", func(m *provider.Message) { m.From = provider.Address{Name: "Ada\r\nBcc: v@example.com", Email: sender} }, provider.ErrInvalid, "From.Name"},
		{"from address injection", func(m *provider.Message) { m.From = provider.Address{Email: sender + "\r\nBcc: v@example.com"} }, provider.ErrInvalid, "From.Email"},
		{"foreign from", func(m *provider.Message) { m.From = provider.Address{Email: "mallory@inboxkit.test"} }, provider.ErrNotAllowed, "From.Email"},
		{"cc injection", func(m *provider.Message) { m.Cc = []provider.Address{{Email: "c@example.com\nBcc: v@example.com"}} }, provider.ErrInvalid, "Cc[0].Email"},
		{"bcc name injection", func(m *provider.Message) { m.Bcc = []provider.Address{{Name: "x\rBcc", Email: "c@example.com"}} }, provider.ErrInvalid, "Bcc[0].Name"},
		{"reply-to bad", func(m *provider.Message) { m.ReplyTo = []provider.Address{{Email: "nope"}} }, provider.ErrInvalid, "ReplyTo[0].Email"},
		{"in-reply-to injection", func(m *provider.Message) { m.InReplyTo = "a@b>\r\nBcc: <v@example.com" }, provider.ErrInvalid, "InReplyTo"},
		{"no body", func(m *provider.Message) { m.Text = "" }, provider.ErrInvalid, "Text"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := hello("bob@inboxkit.test")
			tc.edit(m)
			_, err := p.Send(ctxT(t), m)
			var pe *provider.Error
			if !errors.Is(err, tc.code) || !errors.As(err, &pe) || pe.Field != tc.field {
				t.Fatalf("Send = %v; want %v naming %s", err, tc.code, tc.field)
			}
		})
	}
	if n := len(srv.Outbox()); n != 0 {
		t.Errorf("%d messages reached the server", n)
	}
	if n := srv.SMTPConnections(); n != 0 {
		t.Errorf("refused input opened %d SMTP connections; want 0", n)
	}
}

// The From check ignores case, as mail systems do.
func TestSend_fromAliasIgnoresCase(t *testing.T) {
	srv := testServer(t, nil)
	cfg := configFor(srv)
	cfg.Aliases = []string{"sales@inboxkit.test"}
	p := newProvider(t, cfg)
	for _, from := range []string{"ADA@inboxkit.test", "Sales@InboxKit.test"} {
		m := hello("bob@inboxkit.test")
		m.From = provider.Address{Email: from}
		if _, err := p.Send(ctxT(t), m); err != nil {
			t.Errorf("Send from %s = %v", from, err)
		}
	}
	if n := len(srv.Outbox()); n != 2 {
		t.Errorf("Outbox has %d; want 2", n)
	}
}
