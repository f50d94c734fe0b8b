package smtpimap_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
)

func waitNote(t *testing.T, notes <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-notes:
	case <-time.After(15 * time.Second):
		t.Fatalf("no notification %s", what)
	}
}

// The IDLE connection is cut under Watch: it reconnects on its own,
// notifies once (mail may have come in meanwhile) and then reports new
// mail over the new connection.
func TestWatch_reconnectsAfterDrop(t *testing.T) {
	srv := testServer(t, nil)
	cfg := configFor(srv)
	ih, ip := srv.IMAPAddr()
	wire := countBytes(t, ih, ip)
	cfg.IMAP.Port = wire.Port()
	p := newProvider(t, cfg)
	ctx, cancel := context.WithCancel(ctxT(t))
	defer cancel()
	notes := make(chan struct{}, 16)
	done := make(chan error, 1)
	go func() { done <- p.Watch(ctx, func() { notes <- struct{}{} }) }()
	waitNote(t, notes, "at start")
	deliver := func() error { return srv.Deliver(sender, providertest.Unrelated("x@example.net", sender)) }
	deliverUntilNoted(t, notes, deliver, "before the drop") // IDLE is up
	conns := wire.Conns()
	wire.DropAll()
	waitNote(t, notes, "after reconnecting")
	for deadline := time.Now().Add(10 * time.Second); wire.Conns() <= conns; {
		if time.Now().After(deadline) {
			t.Fatal("Watch did not reconnect after the drop")
		}
		time.Sleep(5 * time.Millisecond) // polling a condition, bounded
	}
	for len(notes) > 0 {
		<-notes
	}
	deliverUntilNoted(t, notes, deliver, "for mail after the reconnect")
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Watch = %v; want nil after cancel (as every provider's Watch)", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Watch did not return after cancel")
	}
}

// A rejected password ends Watch with ErrAuth instead of retrying forever;
// without IMAP settings Watch is ErrInvalid.
func TestWatch_unfixableErrorsReturn(t *testing.T) {
	srv := testServer(t, nil)
	cfg := configFor(srv)
	cfg.Password = crypto.Secret("wrong")
	p := newProvider(t, cfg)
	errc := make(chan error, 1)
	go func() { errc <- p.Watch(ctxT(t), func() {}) }()
	select {
	case err := <-errc:
		if !errors.Is(err, provider.ErrAuth) {
			t.Errorf("Watch with a wrong password = %v; want ErrAuth", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Watch kept retrying a rejected password")
	}
	cfg = configFor(srv)
	cfg.IMAP = nil
	if err := newProvider(t, cfg).Watch(ctxT(t), func() {}); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("Watch without IMAP = %v; want ErrInvalid", err)
	}
}

// Close ends a running Watch with ErrClosed, as on every provider, and
// closes its IDLE connection.
func TestWatch_closeEnds(t *testing.T) {
	srv := testServer(t, nil)
	p := newProvider(t, configFor(srv))
	notes := make(chan struct{}, 16)
	done := make(chan error, 1)
	go func() { done <- p.Watch(ctxT(t), func() { notes <- struct{}{} }) }()
	waitNote(t, notes, "at start")
	_ = p.Close()
	select {
	case err := <-done:
		if !errors.Is(err, provider.ErrClosed) {
			t.Errorf("Watch after Close = %v; want ErrClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not end the running Watch")
	}
}
