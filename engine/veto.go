package engine

import (
	"context"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/tracking/activity"
)

// Verdict is a Veto's answer about one send.
type Verdict struct {
	// Cancel stops the send for good: it becomes a send_cancelled event
	// with Reason.
	Cancel bool
	Reason string
	// NotBefore, when later than now and Cancel is false, puts the send
	// off until then (an out-of-office return date).
	NotBefore time.Time
}

// Veto is the host's last word right before each send: it carries the
// stop rules (the recipient replied, bounced or unsubscribed since the
// send was scheduled). It runs with the send claimed, so it should be
// quick; an error stops the account for a backoff and the send waits.
type Veto interface {
	Check(ctx context.Context, s Scheduled, now time.Time) (Verdict, error)
}

// VetoFunc adapts a function to Veto.
type VetoFunc func(ctx context.Context, s Scheduled, now time.Time) (Verdict, error)

// Check calls f.
func (f VetoFunc) Check(ctx context.Context, s Scheduled, now time.Time) (Verdict, error) {
	return f(ctx, s, now)
}

// LedgerVeto is a Veto over tracking's activity Ledger: a send to a
// recipient (To, Cc or Bcc) whom the ledger's stop rules have stopped —
// replied, bounced hard, unsubscribed, complained — is cancelled, and one
// to a recipient who is out of office waits for the return date.
func LedgerVeto(l *activity.Ledger) Veto {
	return VetoFunc(func(_ context.Context, s Scheduled, now time.Time) (Verdict, error) {
		var v Verdict
		for _, a := range s.Message.Recipients() {
			d := l.MayContinue(strings.ToLower(a.Email), now)
			if !d.Continue {
				return Verdict{Cancel: true, Reason: a.Email + ": " + d.Reason}, nil
			}
			if d.NotBefore.After(v.NotBefore) {
				v.NotBefore, v.Reason = d.NotBefore, a.Email+": "+d.Reason
			}
		}
		return v, nil
	})
}
