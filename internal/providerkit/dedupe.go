package providerkit

import (
	"context"
	"errors"
	"time"

	"github.com/inboxkit/inboxkit/provider"
)

// Deduper makes Send idempotent for any provider. The zero value is not
// usable; fill Log (provider.NewMemorySendLog for a single process).
type Deduper struct {
	Log provider.SendLog
	// Lease is how long an in-flight entry blocks a second Send with the
	// same key before it is taken to be from a crashed process.
	// Zero means 10 minutes.
	Lease time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// SendFunc delivers m. A non-nil *provider.Sent with a non-nil error means
// "delivered, but a later step failed" (e.g. SMTP accepted the message and
// the copy to the Sent folder failed): the Deduper records it as delivered.
type SendFunc func(ctx context.Context, m *provider.Message) (*provider.Sent, error)

// LookupFunc finds an earlier delivery by Message-ID (in the Sent folder),
// returning provider.ErrNotFound when there is none.
type LookupFunc func(ctx context.Context, messageID string) (*provider.Sent, error)

// NewDeduper returns a Deduper over log, or over a new
// provider.MemorySendLog when log is nil (a provider's Options.SendLog
// left empty); now nil means time.Now.
func NewDeduper(log provider.SendLog, now func() time.Time) Deduper {
	if log == nil {
		log = provider.NewMemorySendLog()
	}
	return Deduper{Log: log, Now: now}
}

// FindEarlier looks messageID up before a retry whose earlier attempt may
// have delivered it. It returns the earlier delivery; nil and a nil error
// when lookup finds none (provider.ErrNotFound), so the retry may go on;
// or lookup's other error, which must end the retries, since sending again
// could deliver twice.
func FindEarlier(ctx context.Context, lookup LookupFunc, messageID string) (*provider.Sent, error) {
	found, err := lookup(ctx, messageID)
	switch {
	case err == nil:
		return found, nil
	case errors.Is(err, provider.ErrNotFound):
		return nil, nil
	}
	return nil, err
}

// Send runs send at most once per (account, m.IdempotencyKey). Without a
// key it just calls send. With one, it fills m.MessageID from the key when
// empty, returns the earlier result (Duplicate set) when the key was
// delivered, and after an ambiguous earlier failure asks lookup before
// sending again.
func (d *Deduper) Send(ctx context.Context, account string, m *provider.Message, send SendFunc, lookup LookupFunc) (*provider.Sent, error) {
	if m.IdempotencyKey == "" {
		return send(ctx, m)
	}
	SetMessageID(account, m)
	prev, err := d.Log.Begin(ctx, account, m.IdempotencyKey, m.MessageID, d.now(), d.lease())
	if err != nil {
		return nil, &provider.Error{Op: "send", Code: provider.ErrTemporary, Err: err}
	}
	if prev != nil {
		switch {
		case prev.State == provider.SendDone && prev.Sent != nil:
			dup := *prev.Sent
			dup.Duplicate = true
			return &dup, nil
		case prev.State == provider.SendInFlight:
			// Another process is sending it now; an in-flight entry from
			// a process that died comes back from Begin as SendUnknown.
			return nil, &provider.Error{Op: "send", Code: provider.ErrTemporary, Err: provider.ErrInFlight}
		}
		if prev.MessageID != "" {
			m.MessageID = prev.MessageID
		}
		if lookup != nil {
			found, lerr := FindEarlier(ctx, lookup, m.MessageID)
			if lerr != nil {
				// We cannot tell whether it was delivered: do not risk a
				// second delivery.
				d.finish(ctx, account, m.IdempotencyKey, provider.SendUnknown, nil)
				return nil, lerr
			}
			if found != nil {
				d.finish(ctx, account, m.IdempotencyKey, provider.SendDone, found)
				dup := *found
				dup.Duplicate = true
				return &dup, nil
			}
		}
		if prev.HandedOver {
			// An earlier attempt handed the message over and left no copy
			// to find (its process died before saving one): it may have
			// gone out, so it is not sent again.
			d.finish(ctx, account, m.IdempotencyKey, provider.SendUnknown, nil)
			return nil, &provider.Error{Op: "send", Code: provider.ErrOutcomeUnknown, Err: errHandedOver}
		}
	}
	sent, err := send(ctx, m)
	switch {
	case sent != nil:
		d.finish(ctx, account, m.IdempotencyKey, provider.SendDone, sent)
	default:
		if !errors.Is(err, provider.ErrOutcomeUnknown) {
			// A failure that surely delivered nothing (the server refused
			// the message): a retry may send again.
			if hl, ok := d.Log.(provider.HandoverLog); ok {
				_ = hl.HandOver(context.WithoutCancel(ctx), account, m.IdempotencyKey, false)
			}
		}
		d.finish(ctx, account, m.IdempotencyKey, provider.SendUnknown, nil)
	}
	return sent, err
}

// errHandedOver is why a retry is refused after a crash that followed the
// hand-over of the message.
var errHandedOver = errors.New("providerkit: an earlier attempt with this idempotency key handed the message to the server and left no copy to find; not sending it again")

// Handover returns the function a provider calls right before it hands the
// whole message to the server (for SMTP: before the final "." of DATA),
// recording the hand-over in the SendLog when it is a
// provider.HandoverLog and m has an IdempotencyKey; nil otherwise. When
// recording fails, the provider must not hand the message over.
func (d *Deduper) Handover(account string, m *provider.Message) func(ctx context.Context) error {
	hl, ok := d.Log.(provider.HandoverLog)
	if !ok || m.IdempotencyKey == "" {
		return nil
	}
	key := m.IdempotencyKey
	return func(ctx context.Context) error {
		return hl.HandOver(ctx, account, key, true)
	}
}

func (d *Deduper) finish(ctx context.Context, account, key string, state provider.SendState, sent *provider.Sent) {
	// A failure to record is not worth failing the send over: the next
	// attempt sees SendInFlight expire and looks the Message-ID up.
	_ = d.Log.Finish(context.WithoutCancel(ctx), account, key, state, sent)
}

func (d *Deduper) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func (d *Deduper) lease() time.Duration {
	if d.Lease > 0 {
		return d.Lease
	}
	return 10 * time.Minute
}
