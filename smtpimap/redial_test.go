package smtpimap_test

import (
	"testing"
)

// The server (or a NAT box) closes the kept SMTP connection while it is
// idle. The next Send must notice, dial again and deliver, with no error
// for the caller: nothing of that message had been sent.
func TestSend_redialsAfterIdleDrop(t *testing.T) {
	srv := testServer(t, nil)
	cfg := configFor(srv)
	sh, sp := srv.SMTPAddr()
	relay := countBytes(t, sh, sp)
	cfg.SMTP.Port = relay.Port()
	p := newProvider(t, cfg)
	for round := 0; round < 3; round++ {
		if _, err := p.Send(ctxT(t), hello("bob@inboxkit.test")); err != nil {
			t.Fatalf("round %d: Send = %v", round, err)
		}
		relay.DropAll()
	}
	if _, err := p.Send(ctxT(t), hello("bob@inboxkit.test")); err != nil {
		t.Fatalf("Send after the last drop = %v", err)
	}
	if n := len(srv.Outbox()); n != 4 {
		t.Errorf("Outbox has %d messages; want 4", n)
	}
	if n := srv.SMTPConnections(); n != 4 {
		t.Errorf("%d SMTP connections; want 4 (one per drop)", n)
	}
}

// The same for the kept IMAP connection: a Fetch after the server closed
// it dials again and works.
func TestFetch_redialsAfterIdleDrop(t *testing.T) {
	srv := testServer(t, nil)
	cfg := configFor(srv)
	ih, ip := srv.IMAPAddr()
	relay := countBytes(t, ih, ip)
	cfg.IMAP.Port = relay.Port()
	p := newProvider(t, cfg)
	b, err := p.Fetch(ctxT(t), "", &memIndex{})
	if err != nil {
		t.Fatal(err)
	}
	relay.DropAll()
	if _, err := p.Fetch(ctxT(t), b.Cursor, &memIndex{}); err != nil {
		t.Fatalf("Fetch after the connection was dropped = %v", err)
	}
	relay.DropAll()
	if _, err := p.Send(ctxT(t), hello("bob@inboxkit.test")); err != nil {
		t.Fatalf("Send (with its APPEND to Sent) after the IMAP connection was dropped = %v", err)
	}
}
