package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/inboxkit/inboxkit/delegation"
	"github.com/inboxkit/inboxkit/provider"
)

// send decides and sends one claimed send: the thread of the step
// before, the host's veto, the delegation policy, the pacing gap, then
// the provider. Every path ends the claim (Finish or Snooze) unless the
// store fails, in which case the claim expires and the send is claimed
// again; its IdempotencyKey keeps a second try from delivering twice.
func (o *outbox) send(ctx context.Context, c *Claim, pacing Pacing, now time.Time) error {
	e := o.e
	s := &c.Scheduled
	if s.After != "" {
		var prev Scheduled
		err := guard("Queue.Get", func() error {
			var err error
			prev, err = e.opts.Queue.Get(ctx, s.After)
			return err
		})
		switch {
		case errors.Is(err, provider.ErrNotFound):
			return o.settle(ctx, c, EventSendCancelled, "the step before is gone")
		case err != nil:
			return errors.Join(err, o.release(ctx, c, s.At, "store failed"))
		case prev.State == QueueSent:
			thread(&s.Message, prev)
		case prev.State == QueuePending:
			return o.release(ctx, c, later(prev.At, now).Add(max(pacing.Gap, time.Minute)), "waiting for the step before")
		default:
			return o.settle(ctx, c, EventSendCancelled, "the step before was "+string(prev.State))
		}
	}
	if v := e.opts.Veto; v != nil {
		var d Verdict
		if err := guard("Veto.Check", func() error {
			var err error
			d, err = v.Check(ctx, *s, now)
			return err
		}); err != nil {
			return errors.Join(err, o.release(ctx, c, s.At, "veto failed"))
		}
		if d.Cancel {
			return o.settle(ctx, c, EventSendCancelled, "vetoed: "+d.Reason)
		}
		if d.NotBefore.After(now) {
			return o.release(ctx, c, d.NotBefore, "put off: "+d.Reason)
		}
	}
	p := o.p
	if s.Actor != "" {
		if e.opts.Delegation == nil {
			return o.settle(ctx, c, EventSendFailed, errNoPolicy.Error())
		}
		g, err := delegation.NewGuard(o.p, s.Actor, e.opts.Delegation, nil)
		if err != nil {
			return o.settle(ctx, c, EventSendFailed, err.Error())
		}
		p = g
	}
	key := gapKey(o.r.account)
	var gapID string
	if pacing.Gap > 0 {
		id, err := e.opts.SendCounter.Take(ctx, key, 1, 1, pacing.Gap, now)
		if d, ok := provider.RetryAfter(err); ok {
			o.hold = now.Add(d)
			return o.release(ctx, c, s.At, "pacing gap")
		}
		if err != nil {
			return errors.Join(&HostError{Call: "SendCounter.Take", Err: err}, o.release(ctx, c, s.At, "pacing store failed"))
		}
		gapID = id
	}
	giveBack := func() {
		if gapID != "" {
			_ = e.opts.SendCounter.Return(context.WithoutCancel(ctx), key, gapID)
		}
	}

	sctx, cancel := context.WithTimeout(ctx, e.opts.SendTimeout)
	msg := s.Message
	var sent *provider.Sent
	err := guardProvider("Provider.Send", func() error {
		var err error
		sent, err = p.Send(sctx, &msg)
		if err == nil && sent == nil {
			err = errors.New("engine: Send returned no Sent and no error")
		}
		return err
	})
	cancel()
	now = e.opts.Clock.Now()
	switch {
	case err == nil:
		o.hold = now.Add(pacing.Gap + jitter(pacing.Jitter))
		s.Sent = sent
		if s.Sent.SentAt.IsZero() {
			s.Sent.SentAt = now
		}
		if err := o.settle(ctx, c, EventSent, ""); err != nil {
			return err
		}
		e.sent.Add(1)
		return nil
	case ctx.Err() != nil:
		giveBack()
		return errors.Join(ctx.Err(), o.release(ctx, c, s.At, "stopped"))
	case errors.Is(err, provider.ErrRateLimited):
		giveBack()
		d, ok := provider.RetryAfter(err)
		if !ok {
			d = e.opts.Backoff.delay(1, nil)
		}
		o.hold = now.Add(d)
		return o.release(ctx, c, s.At, "rate limited: "+err.Error())
	case needsUser(err) && !errors.Is(err, provider.ErrInvalid):
		giveBack() // ErrAuth and the like: the account goes red, the send waits
		return errors.Join(err, o.release(ctx, c, s.At, "account needs the user: "+err.Error()))
	case errors.Is(err, provider.ErrNotAllowed):
		giveBack()
		return o.settle(ctx, c, EventSendCancelled, "not allowed: "+err.Error())
	case errors.Is(err, provider.ErrInvalid):
		giveBack() // the message or the settings were refused: trying again cannot help
		return o.settle(ctx, c, EventSendFailed, err.Error())
	default:
		// ErrOutcomeUnknown, ErrTemporary, a timeout, a panic, a failing
		// directory behind the delegation guard: tried again, with the
		// same IdempotencyKey, so after an unknown outcome the provider
		// looks the message up before sending again.
		if !errors.Is(err, provider.ErrOutcomeUnknown) {
			giveBack()
		}
		if s.Attempts+1 >= e.opts.MaxSendAttempts {
			s.Attempts++
			return o.settle(ctx, c, EventSendFailed, fmt.Sprintf("%d attempts; last: %v", s.Attempts, err))
		}
		until := now.Add(e.opts.Backoff.delay(s.Attempts+1, err))
		return o.snooze(ctx, c, until, true, err.Error())
	}
}

// thread makes m a follow-up of the sent step prev.
func thread(m *provider.Message, prev Scheduled) {
	id := prev.Sent.MessageID
	if id == "" {
		id = prev.Message.MessageID
	}
	m.InReplyTo = id
	refs := append([]string(nil), prev.Message.References...)
	if prev.Message.InReplyTo != "" && (len(refs) == 0 || refs[len(refs)-1] != prev.Message.InReplyTo) {
		refs = append(refs, prev.Message.InReplyTo)
	}
	m.References = append(refs, id)
	m.ThreadID = prev.Sent.ThreadID
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// settle hands the send's outcome to the Sink, then finishes it in the
// Queue. A Sink failure leaves the send pending (released), so the
// outcome is reached and delivered again: a sent one through the
// provider's idempotent look-up, under the same event key.
func (o *outbox) settle(ctx context.Context, c *Claim, kind EventKind, reason string) error {
	e := o.e
	s := c.Scheduled
	state := map[EventKind]QueueState{EventSent: QueueSent, EventSendFailed: QueueFailed, EventSendCancelled: QueueCancelled}[kind]
	s.State, s.Reason = state, reason
	ev := sendEvent(kind, s, e.opts.Clock.Now(), o.r.lease.Token)
	if err := guard("Sink.Deliver", func() error { return e.opts.Sink.Deliver(ctx, []Event{ev}) }); err != nil {
		return errors.Join(err, o.release(ctx, c, s.At, "sink failed"))
	}
	e.events.Add(1)
	wctx, cancel := storeContext(ctx)
	defer cancel()
	return guard("Queue.Finish", func() error { return e.opts.Queue.Finish(wctx, c, state, s.Sent, reason) })
}

// release puts a claimed send back, due at until, without counting an
// attempt.
func (o *outbox) release(ctx context.Context, c *Claim, until time.Time, reason string) error {
	return o.snooze(ctx, c, until, false, reason)
}

func (o *outbox) snooze(ctx context.Context, c *Claim, until time.Time, attempted bool, reason string) error {
	wctx, cancel := storeContext(ctx)
	defer cancel()
	return guard("Queue.Snooze", func() error { return o.e.opts.Queue.Snooze(wctx, c, until, attempted, reason) })
}

// storeContext is for the writes that end a claim: they go through even
// when the loop is stopping, so that a send is not left claimed.
func storeContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
}
