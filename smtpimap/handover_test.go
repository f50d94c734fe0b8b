package smtpimap_test

import (
	"context"
	"errors"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/smtpimap"
)

// diesAfterHandover is a send log whose process dies right after the SMTP
// server accepted the message: Finish is never recorded.
type diesAfterHandover struct{ *provider.MemorySendLog }

func (diesAfterHandover) Finish(context.Context, string, string, provider.SendState, *provider.Sent) error {
	return nil
}

// A process killed after the server accepted a message and before its copy
// reached the Sent folder leaves nothing a look-up can find. The send log's
// hand-over mark makes the retry of another process refuse with
// ErrOutcomeUnknown instead of delivering the message a second time.
func TestSend_crashAfterHandoverNeverResends(t *testing.T) {
	srv := testServer(t, nil)
	log := provider.NewMemorySendLog()

	cfg := configFor(srv)
	cfg.SendLog = diesAfterHandover{log}
	cfg.SaveSent = smtpimap.SaveSentNever // it died before saving the copy
	first := newProvider(t, cfg)
	m := hello("bob@inboxkit.test")
	m.IdempotencyKey = "crash/handover"
	if _, err := first.Send(ctxT(t), m); err != nil {
		t.Fatalf("first Send = %v", err)
	}

	cfg = configFor(srv)
	cfg.SendLog = log
	cfg.Now = func() time.Time { return time.Now().Add(11 * time.Minute) } // past the in-flight lease
	second := newProvider(t, cfg)
	retry := hello("bob@inboxkit.test")
	retry.IdempotencyKey = m.IdempotencyKey
	sent, err := second.Send(ctxT(t), retry)
	if sent != nil || !errors.Is(err, provider.ErrOutcomeUnknown) {
		t.Errorf("retry Send = %+v, %v; want ErrOutcomeUnknown", sent, err)
	}
	if got := outboxCount(srv, m.MessageID); got != 1 {
		t.Errorf("delivered %d times; want 1", got)
	}
}

// A crash before the hand-over (the server never got the whole message)
// leaves no mark, so the retry sends: nothing is lost.
func TestSend_crashBeforeHandoverRetries(t *testing.T) {
	srv := testServer(t, nil)
	log := provider.NewMemorySendLog()
	m := hello("bob@inboxkit.test")
	m.IdempotencyKey = "crash/before"
	m.MessageID = "crash-before@inboxkit.test"
	if _, err := log.Begin(ctxT(t), sender, m.IdempotencyKey, m.MessageID, time.Now(), 10*time.Minute); err != nil {
		t.Fatal(err)
	}
	cfg := configFor(srv)
	cfg.SendLog = log
	cfg.Now = func() time.Time { return time.Now().Add(11 * time.Minute) }
	p := newProvider(t, cfg)
	sent, err := p.Send(ctxT(t), m)
	if err != nil || sent == nil {
		t.Fatalf("Send = %+v, %v; want a delivery", sent, err)
	}
	if got := outboxCount(srv, m.MessageID); got != 1 {
		t.Errorf("delivered %d times; want 1", got)
	}
}

// Without IMAP, whether a retry may send rests on the send log's hand-over
// mark, so it holds across processes: a definite failure in one process
// (nothing was handed over) is sent by the next one over the same log.
func TestSend_withoutIMAPDefiniteFailureRetriesInAnotherProcess(t *testing.T) {
	srv := testServer(t, nil)
	log := provider.NewMemorySendLog()
	cfg := configFor(srv)
	cfg.IMAP = nil
	cfg.SendLog = log
	cfg.Dialer = &net.Dialer{Control: func(string, string, syscall.RawConn) error { return errEgress }}
	m := hello("bob@inboxkit.test")
	m.IdempotencyKey = "no-imap/restart"
	if _, err := newProvider(t, cfg).Send(ctxT(t), m); err == nil || errors.Is(err, provider.ErrOutcomeUnknown) {
		t.Fatalf("Send through a refusing dialer = %v; want a definite failure", err)
	}
	cfg.Dialer = nil
	sent, err := newProvider(t, cfg).Send(ctxT(t), m)
	if err != nil || sent.Duplicate {
		t.Fatalf("retry in a new process = %+v, %v; want a first delivery", sent, err)
	}
	if got := outboxCount(srv, sent.MessageID); got != 1 {
		t.Errorf("delivered %d times; want 1", got)
	}
}
