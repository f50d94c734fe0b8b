package smtpimap_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/internal/mailserver"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
)

func outboxCount(srv *mailserver.Server, id string) int {
	n := 0
	for _, env := range srv.Outbox() {
		if providertest.MessageIDOf(env.Data) == id {
			n++
		}
	}
	return n
}

func sentCount(t *testing.T, srv *mailserver.Server, id string) int {
	t.Helper()
	msgs, err := srv.Mailbox(sender, "Sent")
	if err != nil {
		t.Fatal(err)
	}
	return countMessageID(msgs, id)
}

// crashingLog is the host's persistent send log as seen by a process that
// dies right after the send: Begin is recorded, Finish never is.
type crashingLog struct{ provider.SendLog }

func (crashingLog) Finish(context.Context, string, string, provider.SendState, *provider.Sent) error {
	return errors.New("process gone")
}

// A process sends with a key, the connection drops during DATA and the
// process dies before recording the outcome. The restarted process (same
// persistent SendLog, in-flight lease expired) looks the Message-ID derived
// from the key up in the Sent folder and does not deliver again.
func TestSend_retryAfterCrashFindsSentCopy(t *testing.T) {
	srv := testServer(t, nil)
	log := provider.NewMemorySendLog()
	cfg := configFor(srv)
	cfg.SendLog = crashingLog{log}
	srv.DropDuringData(1)
	m := hello("bob@inboxkit.test")
	m.IdempotencyKey = "seq-9/step-2/bob"
	sent, err := newProvider(t, cfg).Send(ctxT(t), m)
	if sent != nil || !errors.Is(err, provider.ErrOutcomeUnknown) {
		t.Fatalf("Send = %+v, %v; want ErrOutcomeUnknown for a whole transfer whose reply was lost", sent, err)
	}
	first := &provider.Sent{MessageID: m.MessageID} // derived from the key
	if n := sentCount(t, srv, first.MessageID); n != 1 {
		t.Fatalf("%d copies in Sent after the ambiguous send; want 1", n)
	}

	cfg.SendLog = log
	cfg.Now = func() time.Time { return time.Now().Add(time.Hour) } // the in-flight lease has run out
	restarted := newProvider(t, cfg)
	retry := hello("bob@inboxkit.test")
	retry.IdempotencyKey = m.IdempotencyKey
	again, err := restarted.Send(ctxT(t), retry)
	if err != nil || again == nil || !again.Duplicate || again.MessageID != first.MessageID {
		t.Fatalf("retry after restart = %+v, %v; want Duplicate of %s", again, err, first.MessageID)
	}
	if n := outboxCount(srv, first.MessageID); n != 1 {
		t.Errorf("delivered %d times; want 1", n)
	}
	if n := sentCount(t, srv, first.MessageID); n != 1 {
		t.Errorf("%d copies in Sent; want 1", n)
	}
}

// The drop test in faults_test.go checks delivery; here the copy in Sent
// and the state after a failed APPEND: the error says the message went out
// (a *Sent comes back) and the retry with the same key is a Duplicate.
func TestSend_appendFailureKeepsOneDelivery(t *testing.T) {
	srv := testServer(t, nil)
	p := newProvider(t, configFor(srv))
	if err := p.Verify(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	srv.FailAppend(1)
	m := hello("cyd@inboxkit.test")
	m.IdempotencyKey = "seq-9/step-3/cyd"
	sent, err := p.Send(ctxT(t), m)
	if sent == nil || err != nil || sent.SentCopyErr == nil {
		t.Fatalf("Send = %+v, %v; want the *Sent with SentCopyErr and no error", sent, err)
	}
	if err := sent.SentCopyErr; errors.Is(err, provider.ErrInvalid) || errors.Is(err, provider.ErrAuth) {
		t.Errorf("the APPEND failure is reported as %v; want a server error, not bad input or auth", err)
	}
	if n := sentCount(t, srv, sent.MessageID); n != 0 {
		t.Errorf("%d copies in Sent after a failed APPEND; want 0", n)
	}
	again, err := p.Send(ctxT(t), m)
	if err != nil || !again.Duplicate || again.MessageID != sent.MessageID {
		t.Fatalf("retry = %+v, %v; want Duplicate of %s", again, err, sent.MessageID)
	}
	if n := outboxCount(srv, sent.MessageID); n != 1 {
		t.Errorf("delivered %d times; want 1", n)
	}
	// The next message is saved to Sent again: one failure does not
	// disable the copy.
	next, err := p.Send(ctxT(t), hello("cyd@inboxkit.test"))
	if err != nil {
		t.Fatal(err)
	}
	if n := sentCount(t, srv, next.MessageID); n != 1 {
		t.Errorf("%d copies of the next message in Sent; want 1", n)
	}
}
