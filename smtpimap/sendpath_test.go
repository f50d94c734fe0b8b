package smtpimap_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/provider"
)

// countingLog is a MemorySendLog that counts the keys it is asked to
// remember.
type countingLog struct {
	*provider.MemorySendLog
	begins atomic.Int32
}

func (l *countingLog) Begin(ctx context.Context, account, key, messageID string, now time.Time, lease time.Duration) (*provider.SendEntry, error) {
	l.begins.Add(1)
	return l.MemorySendLog.Begin(ctx, account, key, messageID, now, lease)
}

// A message that fails validation is refused before its idempotency key is
// recorded: otherwise the key is left "outcome unknown", and the corrected
// message sent with it looks the Sent folder up before it is delivered.
func TestSend_invalidMessageIsRefusedBeforeTheSendLog(t *testing.T) {
	srv := testServer(t, nil)
	cfg := configFor(srv)
	log := &countingLog{MemorySendLog: provider.NewMemorySendLog()}
	cfg.SendLog = log
	p := newProvider(t, cfg)

	bad := hello("bob@inboxkit.test")
	bad.Subject = "hi\r\nBcc: everyone@example.com"
	bad.IdempotencyKey = "step-1/bob"
	_, err := p.Send(ctxT(t), bad)
	if !errors.Is(err, provider.ErrInvalid) {
		t.Fatalf("Send(invalid) = %v; want ErrInvalid", err)
	}
	if got, want := log.begins.Load(), int32(0); got != want {
		t.Errorf("SendLog.Begin calls after an invalid message = %d; want %d", got, want)
	}

	good := hello("bob@inboxkit.test")
	good.IdempotencyKey = bad.IdempotencyKey
	sent, err := p.Send(ctxT(t), good)
	if err != nil || sent.Duplicate {
		t.Fatalf("Send(corrected) = %+v, %v; want a first delivery", sent, err)
	}
	if got, want := len(srv.Outbox()), 1; got != want {
		t.Errorf("messages delivered = %d; want %d", got, want)
	}
}

// Every call on a closed Provider is a *provider.Error matching ErrClosed,
// as on gmail and graph.
func TestClosed_isProviderError(t *testing.T) {
	srv := testServer(t, nil)
	p := newProvider(t, configFor(srv))
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	_, sendErr := p.Send(ctxT(t), hello("bob@inboxkit.test"))
	_, fetchErr := p.Fetch(ctxT(t), "", nil)
	for _, tc := range []struct {
		op  string
		err error
	}{{"send", sendErr}, {"fetch", fetchErr}, {"verify", p.Verify(ctxT(t))}} {
		var pe *provider.Error
		if !errors.Is(tc.err, provider.ErrClosed) || !errors.As(tc.err, &pe) || pe.Op != tc.op || pe.Provider != provider.KindSMTPIMAP {
			t.Errorf("%s after Close = %#v; want a *provider.Error for op %q matching ErrClosed", tc.op, tc.err, tc.op)
		}
	}
}
