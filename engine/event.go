package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking"
)

// EventKind is what the engine found in an account's mail.
type EventKind string

// The event kinds.
const (
	EventReplied     EventKind = "replied"      // a person answered mail we sent
	EventAutoReplied EventKind = "auto_replied" // an out-of-office or other automatic answer
	EventBounced     EventKind = "bounced"      // a delivery failure or delay notice
	EventComplained  EventKind = "complained"   // an ARF spam report about our mail
	// EventOther is a message Fetch related to our mail that the
	// classifier found to be none of the above (a delivery receipt, a
	// forwarded copy). Hosts usually ignore it.
	EventOther EventKind = "other"
	// EventSkipped is a message that could not be read: Fetch moved past
	// it (provider.Batch.Skipped) or the classifier could not parse it.
	// Reason says why.
	EventSkipped EventKind = "skipped"

	// The outcomes of scheduled sends (Engine.Schedule). Event.Send is
	// the send; a sent event's Record is the SentRecord for the host's
	// SentIndex and Sent the provider's answer.
	EventSent          EventKind = "sent"
	EventSendFailed    EventKind = "send_failed"
	EventSendCancelled EventKind = "send_cancelled"
)

// Event is one thing the engine found in an account's mail.
type Event struct {
	// Key identifies the event across retries, restarts and resyncs:
	// fetching the same message again gives the same Key (see EventKey).
	Key     string
	Account string
	Kind    EventKind
	// At is when the message was received, or when the engine saw it
	// when the provider does not say.
	At time.Time

	// The fetched message: its Message-ID (without angle brackets), the
	// provider's id, thread and folder.
	MessageID  string
	ProviderID string
	ThreadID   string
	Folder     string

	// Record is the SentRecord of our message this one relates to, with
	// its ids and the host's Meta, for attribution; nil for a skipped
	// message. Shared with the SentIndex: do not modify it.
	Record *provider.SentRecord
	// Result is the classifier's full answer (zero for a skipped message).
	Result tracking.Result
	// Reason says why a message was skipped.
	Reason string

	// Send is the scheduled send of a sent, send_failed or
	// send_cancelled event; Sent is the provider's answer to a sent one.
	Send *Scheduled
	Sent *provider.Sent

	// Fence is the fencing token of the lease under which the event was
	// produced. A sink shared by several processes may refuse events
	// older than a token it has already seen for the account.
	Fence uint64
}

// EventKey returns the stable key of an event: a hash of the account, the
// kind, and the message's Message-ID, or its provider id when it has none.
// A Message-ID survives a resync, a move between folders and an IMAP
// mailbox rebuild, so the same message always gives the same key.
func EventKey(account string, kind EventKind, messageID, providerID string) string {
	h := sha256.New()
	h.Write([]byte(account))
	h.Write([]byte{0})
	h.Write([]byte(kind))
	h.Write([]byte{0})
	if messageID != "" {
		h.Write([]byte("mid:"))
		h.Write([]byte(messageID))
	} else {
		h.Write([]byte("pid:"))
		h.Write([]byte(providerID))
	}
	var sum [sha256.Size]byte
	return string(kind) + ":" + hex.EncodeToString(h.Sum(sum[:0])[:16])
}

// Sink receives the events of one Fetch as one batch. Hosts implement it
// over their database or queue; MemorySink is an in-memory one.
//
// Deliver must be idempotent by Event.Key: the engine delivers a batch
// again after a failure, a crash or a lost lease, and a resync can find a
// message again, so a sink stores each key once and treats a key it
// already holds as success. A nil error means every event of the batch is
// stored durably; only then does the engine save the account's cursor.
// Deliver is called concurrently for different accounts and must be safe
// for concurrent use.
type Sink interface {
	Deliver(ctx context.Context, events []Event) error
}

// SinkFunc adapts a function to Sink.
type SinkFunc func(ctx context.Context, events []Event) error

// Deliver calls f.
func (f SinkFunc) Deliver(ctx context.Context, events []Event) error { return f(ctx, events) }
