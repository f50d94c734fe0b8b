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
	// HandedOver says that an attempt handed the whole message to the
	// server (see HandoverLog): after a crash, such a send may have gone
	// out even when no copy of it can be found.
	HandedOver bool
}

// HandoverLog is a SendLog that can also record that an attempt handed the
// whole message to the server (for SMTP: just before the final "." of
// DATA). A process that dies between the server accepting a message and
// the copy reaching the Sent folder leaves nothing a retry could find;
// with the mark, that retry fails with ErrOutcomeUnknown instead of
// delivering the message a second time. Without the mark, a retry after a
// crash before the hand-over may safely send. MemorySendLog and pgstore's
// log implement it; a SendLog that does not keeps the look-up-only
// behaviour.
type HandoverLog interface {
	SendLog
	// HandOver sets (handed true) or clears (false: the attempt failed
	// for sure, nothing was delivered) the entry's HandedOver mark. It is
	// ErrNotFound for a key without an entry.
	HandOver(ctx context.Context, account, key string, handed bool) error
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

// ErrInFlight is returned (wrapped, matching ErrTemporary) when a Send with
// the same idempotency key is still running.
var ErrInFlight = errors.New("provider: a send with this idempotency key is in progress")

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

// HandOver implements HandoverLog.
func (l *MemorySendLog) HandOver(_ context.Context, account, key string, handed bool) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.entries[account+"\x00"+key]
	if !ok {
		return ErrNotFound
	}
	e.HandedOver = handed
	return nil
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
