package smtpimap

import (
	"context"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/internal/mailserver"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/internal/watchloop"
)

// TestWatch_failureCountResetsAfterSuccess: #12 item 6. After failures in
// a row, an IDLE session that comes up starts the count again, so the
// next drop waits the shortest time.
func TestWatch_failureCountResetsAfterSuccess(t *testing.T) {
	srv, err := mailserver.Start(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	const user, pass = "ada@inboxkit.test", "pw"
	if err := srv.AddUser(user, pass); err != nil {
		t.Fatal(err)
	}
	sh, sp := srv.SMTPAddr()
	ih, ip := srv.IMAPAddr()
	p, err := New(Config{Email: user, Password: crypto.Secret(pass), TLSConfig: srv.ClientTLSConfig(),
		SMTP: Server{Host: sh, Port: sp, Security: STARTTLS}, IMAP: &Server{Host: ih, Port: ip, Security: STARTTLS}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	w := &idleWatch{p: p, newMail: watchloop.NewSignal(), ended: watchloop.NewSignal(),
		retry: watchloop.Retry{Backoff: providerkit.Backoff{Base: time.Second, Max: time.Minute}}}
	defer w.sessions.Wait()
	defer cancel()
	for range 5 {
		w.retry.Failed()
	}
	w.connect(ctx)
	deadline := time.Now().Add(15 * time.Second)
	for w.retry.Failures() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("Failures = %d after a session came up; want 0", w.retry.Failures())
		}
		select {
		case <-w.newMail: // raised once the reconnection selected the folder
		case <-time.After(50 * time.Millisecond):
		}
	}
}
