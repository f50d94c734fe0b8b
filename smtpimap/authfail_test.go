package smtpimap_test

import (
	"errors"
	"testing"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/provider"
)

// A rejected password fails Send and Fetch too, not only Verify, with
// ErrAuth that tells the host to ask the user to reconnect, and it is not
// retried into a lockout: one SMTP AUTH for the Send, one IMAP LOGIN (or
// AUTHENTICATE) for the Fetch.
func TestAuthFailureOnSendAndFetch(t *testing.T) {
	srv := testServer(t, nil)
	cfg := configFor(srv)
	cfg.Password = crypto.Secret("expired-app-password")
	p := newProvider(t, cfg)
	_, err := p.Send(ctxT(t), hello("bob@inboxkit.test"))
	if !errors.Is(err, provider.ErrAuth) || !provider.NeedsReconnect(err) {
		t.Errorf("Send = %v; want ErrAuth", err)
	}
	if n := len(srv.Outbox()); n != 0 {
		t.Errorf("%d messages delivered without a login", n)
	}
	if n := srv.AuthAttempts(); n != 1 {
		t.Errorf("Send made %d AUTH attempts; want 1", n)
	}
	srv.ResetCounters()
	_, err = p.Fetch(ctxT(t), "", &memIndex{})
	if !errors.Is(err, provider.ErrAuth) || !provider.NeedsReconnect(err) {
		t.Errorf("Fetch = %v; want ErrAuth", err)
	}
	if n := srv.AuthAttempts(); n != 1 {
		t.Errorf("Fetch made %d login attempts; want 1", n)
	}
}
