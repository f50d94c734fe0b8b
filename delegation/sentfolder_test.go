package delegation_test

import (
	"bytes"
	"context"
	"errors"
	"net/mail"
	"testing"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/delegation"
	"github.com/inboxkit/inboxkit/internal/mailserver"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/smtpimap"
)

// TestSentFolder_OnBehalfLandsInOwnersSent sends on behalf of the owner
// through the owner's real smtpimap provider against the in-process SMTP
// and IMAP servers: the message goes out as the owner, authenticated as the
// owner, reaches the recipient, and is in the owner's Sent folder. After the
// owner revokes, the next send is refused without opening an SMTP
// connection.
func TestSentFolder_OnBehalfLandsInOwnersSent(t *testing.T) {
	ctx := context.Background()
	srv, err := mailserver.Start(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	for _, u := range []string{"max@example.com", "rita@example.com", "candidate@example.org"} {
		if err := srv.AddUser(u, "pw-"+u); err != nil {
			t.Fatal(err)
		}
	}
	smtpHost, smtpPort := srv.SMTPAddr()
	imapHost, imapPort := srv.IMAPAddr()
	owner, err := smtpimap.New(smtpimap.Config{
		Email:     "max@example.com",
		FromName:  "Max Manager",
		Password:  crypto.Secret("pw-max@example.com"),
		SMTP:      smtpimap.Server{Host: smtpHost, Port: smtpPort, Security: smtpimap.STARTTLS},
		IMAP:      &smtpimap.Server{Host: imapHost, Port: imapPort, Security: smtpimap.STARTTLS},
		TLSConfig: srv.ClientTLSConfig(),
		SaveSent:  smtpimap.SaveSentAlways,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = owner.Close() })

	w := newWorld(t)
	g, err := w.manager.Request(ctx, "rita", "max")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.manager.Accept(ctx, "max", g.ID); err != nil {
		t.Fatal(err)
	}
	asRita, err := delegation.NewGuard(owner, "rita", w.policy, w.opts)
	if err != nil {
		t.Fatal(err)
	}
	msg := &provider.Message{
		To:      []provider.Address{{Name: "Cand Idate", Email: "candidate@example.org"}},
		Subject: "Your interview on Tuesday",
		Text:    "Dear candidate, see you on Tuesday.",
	}
	sent, err := asRita.Send(ctx, msg)
	if err != nil {
		t.Fatalf("Send on behalf = %v", err)
	}

	sentFolder, err := srv.Mailbox("max@example.com", "Sent")
	if err != nil {
		t.Fatal(err)
	}
	if len(sentFolder) != 1 {
		t.Fatalf("max's Sent folder has %d messages; want 1", len(sentFolder))
	}
	m, err := mail.ReadMessage(bytes.NewReader(sentFolder[0]))
	if err != nil {
		t.Fatal(err)
	}
	if got := providerkit.TrimMessageID(m.Header.Get("Message-Id")); got != sent.MessageID {
		t.Errorf("Sent copy Message-ID = %q; want %q", got, sent.MessageID)
	}
	if from, err := mail.ParseAddress(m.Header.Get("From")); err != nil || from.Address != "max@example.com" {
		t.Errorf("Sent copy From = %q, %v; want max@example.com", m.Header.Get("From"), err)
	}
	if subj := m.Header.Get("Subject"); subj != msg.Subject {
		t.Errorf("Sent copy Subject = %q; want %q", subj, msg.Subject)
	}
	if ritaSent, err := srv.Mailbox("rita@example.com", "Sent"); err != nil || len(ritaSent) != 0 {
		t.Errorf("rita's own Sent folder = %d messages, %v; want 0", len(ritaSent), err)
	}
	inbox, err := srv.Mailbox("candidate@example.org", "INBOX")
	if err != nil || len(inbox) != 1 {
		t.Fatalf("candidate's INBOX = %d messages, %v; want 1", len(inbox), err)
	}
	out := srv.Outbox()
	if len(out) != 1 || out[0].Authenticated != "max@example.com" || out[0].From != "max@example.com" {
		t.Errorf("SMTP envelope = %+v; want one, from and authenticated as max@example.com", out)
	}
	var audited []delegation.AuditEvent
	for _, e := range w.sink.Events() {
		if e.Type == delegation.AuditSent {
			audited = append(audited, e)
		}
	}
	if len(audited) != 1 || audited[0].MessageID != sent.MessageID || audited[0].Actor != "rita" || audited[0].OnBehalfOf != "max" {
		t.Errorf("audit = %+v; want one send by rita as max with Message-ID %s", audited, sent.MessageID)
	}

	// Max revokes: the next send never reaches the wire.
	if _, err := w.manager.Revoke(ctx, "max", g.ID); err != nil {
		t.Fatal(err)
	}
	conns := srv.SMTPConnections()
	if _, err := asRita.Send(ctx, msg); !errors.Is(err, provider.ErrNotAllowed) {
		t.Fatalf("Send after revoke = %v; want ErrNotAllowed", err)
	}
	if got := srv.SMTPConnections(); got != conns {
		t.Errorf("a refused send opened %d SMTP connections; want 0", got-conns)
	}
	if sentFolder, _ := srv.Mailbox("max@example.com", "Sent"); len(sentFolder) != 1 {
		t.Errorf("max's Sent folder has %d messages after the refused send; want 1", len(sentFolder))
	}
}
