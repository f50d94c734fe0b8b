package provider

import (
	"context"
	"errors"
	"sync"
	"time"
)

// SendState is where a send with an idempotency key stands.
type SendState int

// The send states.
const (
	// SendInFlight: a Send with this key is running now.
	SendInFlight SendState = iota + 1
	// SendUnknown: an earlier Send failed in a way that may or may not
	// have delivered (a timeout during DATA, a dropped connection).
	SendUnknown
	// SendDone: delivered; Entry.Sent says where.
	SendDone
)

// SendEntry is what a SendLog keeps per idempotency key.
type SendEntry struct {
	State     SendState
	MessageID string
	Sent      *Sent // set when State is SendDone
	Updated   time.Time
}

// SendLog remembers idempotency keys across calls (and, when the host backs
// it with its database, across processes). Implementations must be safe for
// concurrent use, and Begin must be atomic: of concurrent Begins for one key
// exactly one gets a nil or a SendUnknown entry back (and so may send);
// package sendlogtest checks that.
type SendLog interface {
	// Begin claims key for a send with messageID and returns the entry
	// that was there before, or nil when the key is new (it is then stored
	// as SendInFlight with messageID, updated now).
	//
	// A SendUnknown entry, and a SendInFlight entry updated more than
	// lease before now (its process is taken to have died mid-send), are
	// taken over: they become SendInFlight, updated now, and are returned
	// as SendUnknown, with their own MessageID, because whether that send
	// went out is unknown. A fresher SendInFlight entry and a SendDone
	// entry are left as they are and returned as they are.
	//
	// now is the caller's clock; replicas sharing a log must agree on the
	// time to well within lease.
	Begin(ctx context.Context, account, key, messageID string, now time.Time, lease time.Duration) (*SendEntry, error)
	// Finish records the outcome: SendDone with sent, or SendUnknown. A
	// SendDone entry stays as it is. Finish on a key without an entry is
	// ErrNotFound.
	Finish(ctx context.Context, account, key string, state SendState, sent *Sent) error
}

// Deduper makes Send idempotent for any provider. The zero value is not
// usable; fill Log (NewMemorySendLog for a single process).
type Deduper struct {
	Log SendLog
	// Lease is how long an in-flight entry blocks a second Send with the
	// same key before it is taken to be from a crashed process.
	// Zero means 10 minutes.
	Lease time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// ErrInFlight is returned (wrapped, matching ErrTemporary) when a Send with
// the same idempotency key is still running.
var ErrInFlight = errors.New("provider: a send with this idempotency key is in progress")

// SendFunc delivers m. A non-nil *Sent with a non-nil error means "delivered,
// but a later step failed" (e.g. SMTP accepted the message and the copy to
// the Sent folder failed): the Deduper records it as delivered.
type SendFunc func(ctx context.Context, m *Message) (*Sent, error)

// LookupFunc finds an earlier delivery by Message-ID (in the Sent folder),
// returning ErrNotFound when there is none.
type LookupFunc func(ctx context.Context, messageID string) (*Sent, error)

// Send runs send at most once per (account, m.IdempotencyKey). Without a
// key it just calls send. With one, it fills m.MessageID from the key when
// empty, returns the earlier result (Duplicate set) when the key was
// delivered, and after an ambiguous earlier failure asks lookup before
// sending again.
func (d *Deduper) Send(ctx context.Context, account string, m *Message, send SendFunc, lookup LookupFunc) (*Sent, error) {
	if m.IdempotencyKey == "" {
		return send(ctx, m)
	}
	if m.MessageID == "" {
		m.MessageID = MessageIDForKey(account, m.IdempotencyKey)
	}
	prev, err := d.Log.Begin(ctx, account, m.IdempotencyKey, m.MessageID, d.now(), d.lease())
	if err != nil {
		return nil, &Error{Op: "send", Code: ErrTemporary, Err: err}
	}
	if prev != nil {
		switch {
		case prev.State == SendDone && prev.Sent != nil:
			dup := *prev.Sent
			dup.Duplicate = true
			return &dup, nil
		case prev.State == SendInFlight:
			// Another process is sending it now; an in-flight entry from
			// a process that died comes back from Begin as SendUnknown.
			return nil, &Error{Op: "send", Code: ErrTemporary, Err: ErrInFlight}
		}
		if prev.MessageID != "" {
			m.MessageID = prev.MessageID
		}
		if lookup != nil {
			found, lerr := lookup(ctx, m.MessageID)
			if lerr == nil && found != nil {
				d.finish(ctx, account, m.IdempotencyKey, SendDone, found)
				dup := *found
				dup.Duplicate = true
				return &dup, nil
			}
			if lerr != nil && !errors.Is(lerr, ErrNotFound) {
				// We cannot tell whether it was delivered: do not risk a
				// second delivery.
				d.finish(ctx, account, m.IdempotencyKey, SendUnknown, nil)
				return nil, lerr
			}
		}
	}
	sent, err := send(ctx, m)
	switch {
	case sent != nil:
		d.finish(ctx, account, m.IdempotencyKey, SendDone, sent)
	default:
		d.finish(ctx, account, m.IdempotencyKey, SendUnknown, nil)
	}
	return sent, err
}

func (d *Deduper) finish(ctx context.Context, account, key string, state SendState, sent *Sent) {
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

// MemorySendLog is a SendLog in memory, for one process. It forgets entries
// older than its retention (7 days) as new ones arrive. Safe for concurrent
// use.
type MemorySendLog struct {
	mu      sync.Mutex
	entries map[string]*SendEntry
	now     func() time.Time
	inserts int
}

// NewMemorySendLog returns an empty MemorySendLog.
func NewMemorySendLog() *MemorySendLog {
	return &MemorySendLog{entries: make(map[string]*SendEntry), now: time.Now}
}

const memorySendLogRetention = 7 * 24 * time.Hour

// Begin implements SendLog.
func (l *MemorySendLog) Begin(_ context.Context, account, key, messageID string, now time.Time, lease time.Duration) (*SendEntry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := account + "\x00" + key
	prev, ok := l.entries[k]
	if ok {
		old := *prev
		stale := prev.State == SendInFlight && prev.Updated.Add(lease).Before(now)
		if prev.State == SendUnknown || stale {
			// Take over the retry. The entry is updated in the same step,
			// so a concurrent Begin sees it in flight and fresh.
			prev.State = SendInFlight
			prev.Updated = now
			old.State = SendUnknown
		}
		return &old, nil
	}
	l.entries[k] = &SendEntry{State: SendInFlight, MessageID: messageID, Updated: now}
	l.inserts++
	if l.inserts%1024 == 0 {
		for key, e := range l.entries {
			if now.Sub(e.Updated) > memorySendLogRetention {
				delete(l.entries, key)
			}
		}
	}
	return nil, nil
}

// Finish implements SendLog.
func (l *MemorySendLog) Finish(_ context.Context, account, key string, state SendState, sent *Sent) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.entries[account+"\x00"+key]
	if !ok {
		return ErrNotFound
	}
	if e.State == SendDone {
		return nil
	}
	e.State = state
	e.Updated = l.now()
	if sent != nil {
		cp := *sent
		e.Sent = &cp
	}
	return nil
}
