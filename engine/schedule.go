package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// ScheduleOptions are the optional parts of a scheduled send.
type ScheduleOptions struct {
	// After is the ID of the previous step to the same recipient: this
	// send waits until that one was sent, then continues its thread (its
	// InReplyTo, References and ThreadID come from it), and is cancelled
	// if that one failed or was cancelled.
	After string
	// Actor is the user who sends from account's mailbox on its owner's
	// behalf; the delegation policy (Options.Delegation) is asked at send
	// time, so a grant revoked meanwhile cancels the send.
	Actor string
	// Meta is the host's own ids, carried into the sent event's
	// SentRecord.
	Meta map[string]string
}

// Schedule stores a send of m from account's mailbox, to go at or after
// at, paced (see Pacing), and returns its ID. m is validated now: a bad
// address or a reserved header is an error matching provider.ErrInvalid
// here, not a failure days later. Schedule copies m, giving it a
// MessageID and an IdempotencyKey when it has none; the key stays the
// same across every retry of the send, so it is delivered at most once.
// Scheduling a message whose IdempotencyKey is already queued for the
// account returns the existing send's ID, so a host may retry Schedule.
// The account need not be running here: the process that holds its lease
// sends it.
func (e *Engine) Schedule(ctx context.Context, account string, m *provider.Message, at time.Time, opts *ScheduleOptions) (string, error) {
	if account == "" {
		return "", providerkit.Invalid("account", "is empty")
	}
	if m == nil {
		return "", providerkit.Invalid("Message", "is nil")
	}
	if opts == nil {
		opts = &ScheduleOptions{}
	}
	msg := *m
	msg.To, msg.Cc, msg.Bcc, msg.References = slices.Clone(m.To), slices.Clone(m.Cc), slices.Clone(m.Bcc), slices.Clone(m.References)
	if msg.MessageID == "" {
		msg.MessageID = providerkit.NewMessageID(account)
	}
	if msg.IdempotencyKey == "" {
		msg.IdempotencyKey = "engine:" + msg.MessageID
	}
	if err := msg.Validate(); err != nil {
		return "", err
	}
	if opts.After != "" {
		prev, err := e.opts.Queue.Get(ctx, opts.After)
		if err != nil {
			return "", fmt.Errorf("engine: the step before, %s: %w", opts.After, err)
		}
		if prev.Account != account {
			return "", providerkit.Invalid("After", "is a send from another account")
		}
	}
	now := e.opts.Clock.Now()
	if at.IsZero() {
		at = now
	}
	s, err := e.opts.Queue.Enqueue(ctx, Scheduled{
		ID: newSendID(), Account: account, Message: msg, At: at, After: opts.After, Actor: opts.Actor,
		Meta: maps.Clone(opts.Meta), Created: now,
	})
	if err != nil {
		return "", err
	}
	e.wakeOutbox(account)
	return s.ID, nil
}

// Cancel cancels a pending send and hands a send_cancelled event to the
// Sink. A send already final is left as it is (no error); one that is
// being sent right now is ErrSending; an unknown id matches
// provider.ErrNotFound.
func (e *Engine) Cancel(ctx context.Context, id string) error {
	s, err := e.opts.Queue.Cancel(ctx, id, "cancelled by the host")
	if err != nil {
		return err
	}
	if s.State != QueueCancelled || s.Reason != "cancelled by the host" {
		return nil
	}
	e.wakeOutbox(s.Account)
	ev := sendEvent(EventSendCancelled, s, e.opts.Clock.Now(), 0)
	return guard("Sink.Deliver", func() error { return e.opts.Sink.Deliver(ctx, []Event{ev}) })
}

// Pending returns the account's sends waiting to go, by time then ID.
// A send's At is when it is due; pacing may send it later.
func (e *Engine) Pending(ctx context.Context, account string) ([]Scheduled, error) {
	return e.opts.Queue.Pending(ctx, account)
}

// Lookup returns a scheduled send by id, whatever its state.
func (e *Engine) Lookup(ctx context.Context, id string) (Scheduled, error) {
	return e.opts.Queue.Get(ctx, id)
}

// NextSend returns when the account's outbox will next try to send (a
// due send waiting for the window, the gap or a provider limit), and
// false when the account does not run here or has nothing due.
func (e *Engine) NextSend(account string) (time.Time, bool) {
	e.mu.Lock()
	m := e.known[account]
	var r *runner
	if m != nil {
		r = m.run
	}
	e.mu.Unlock()
	if r == nil {
		return time.Time{}, false
	}
	return r.outbox.next()
}

// wakeOutbox tells account's send loop, if it runs here, to look again.
func (e *Engine) wakeOutbox(account string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if m := e.known[account]; m != nil && m.run != nil {
		m.run.signal(m.run.sendWake)
	}
}

func newSendID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "snd_" + hex.EncodeToString(b[:])
}

// sendEvent is the event of a scheduled send's outcome.
func sendEvent(kind EventKind, s Scheduled, now time.Time, fence uint64) Event {
	ev := Event{
		Key:     EventKey(s.Account, kind, s.Message.MessageID, s.ID),
		Account: s.Account, Kind: kind, At: now, MessageID: s.Message.MessageID,
		Reason: s.Reason, Fence: fence,
	}
	if s.Sent != nil {
		sent := *s.Sent
		ev.Sent = &sent
		ev.ProviderID, ev.ThreadID, ev.MessageID = sent.ProviderID, sent.ThreadID, sent.MessageID
		ev.At = sent.SentAt
		rcpts := make([]string, 0, len(s.Message.To)+len(s.Message.Cc)+len(s.Message.Bcc))
		for _, a := range s.Message.Recipients() {
			rcpts = append(rcpts, a.Email)
		}
		ev.Record = &provider.SentRecord{
			Account: s.Account, MessageID: sent.MessageID, ThreadID: sent.ThreadID, Recipients: rcpts,
			Subject: s.Message.Subject, SentAt: sent.SentAt, Meta: maps.Clone(s.Meta),
		}
	}
	ev.Send = &s
	return ev
}

var errNoPolicy = errors.New("engine: a send on behalf needs Options.Delegation")
