package engine

import (
	"context"
	"errors"
	"time"

	"github.com/inboxkit/inboxkit/provider"
)

// QueueState is where a scheduled send stands.
type QueueState string

// The states of a scheduled send. Pending is the only one that changes;
// the others are final.
const (
	QueuePending   QueueState = "pending"
	QueueSent      QueueState = "sent"
	QueueFailed    QueueState = "failed"
	QueueCancelled QueueState = "cancelled"
)

// ErrSending is returned by Cancel for a send that a process has claimed
// and may be handing to the provider right now; it cannot be taken back.
var ErrSending = errors.New("engine: send in progress")

// Scheduled is one send in the Queue.
type Scheduled struct {
	// ID names the send (Engine.Schedule returns it).
	ID      string
	Account string
	// Message is the message as scheduled, validated, with its MessageID
	// and IdempotencyKey set. A follow-up's threading fields are filled
	// in only when it is sent.
	Message provider.Message
	// At is the earliest moment the send may go; pacing may make it later.
	At time.Time
	// After is the ID of the step this one follows in the same thread;
	// empty for a first step.
	After string
	// Actor is the user who sends from Account's mailbox on its owner's
	// behalf (delegation); empty when the owner sends.
	Actor string
	// Meta is the host's: campaign, sequence step, contact …; it is
	// copied into the sent event's SentRecord.
	Meta map[string]string
	// Created is when the send was scheduled.
	Created time.Time

	State QueueState
	// Attempts counts the tries that reached the provider and failed
	// (waits for pacing, rate limits and reconnects are not attempts).
	Attempts int
	// Sent is the provider's answer once State is QueueSent.
	Sent *provider.Sent
	// Reason says why a send failed, was cancelled, or last waited.
	Reason string
	// Updated is the time of the last change.
	Updated time.Time
}

// Claim is a process's hold on one due send while it sends it. Token
// fences it: it grows with every claim of the send, so a store refuses to
// Snooze or Finish under a claim that has expired and been taken again.
type Claim struct {
	Scheduled
	Token   uint64
	Expires time.Time
}

// Queue is the durable store of scheduled sends. MemoryQueue keeps it in
// memory for one process; pgstore keeps it in PostgreSQL for replicas
// sharing accounts. enginetest.RunQueue is its conformance suite.
// Implementations are safe for concurrent use.
//
// A send is claimed to be sent (Claim), and then either finished (Finish:
// sent, failed or cancelled) or put back to wait (Snooze) — the shape of
// a job queue's fetch, complete and snooze (River's JobSnooze).
type Queue interface {
	// Enqueue stores s (State pending) and returns it as stored. Within
	// one account an IdempotencyKey is unique: enqueueing a message whose
	// key is already there stores nothing and returns the send already
	// stored, so a host may retry Schedule safely.
	Enqueue(ctx context.Context, s Scheduled) (Scheduled, error)
	// Get returns the send with id, or an error matching
	// provider.ErrNotFound.
	Get(ctx context.Context, id string) (Scheduled, error)
	// Pending returns the account's pending sends, by At then ID.
	Pending(ctx context.Context, account string) ([]Scheduled, error)
	// Claim takes the account's pending send with the earliest At not
	// after now, that no live claim holds, for ttl; a send whose claim
	// expired (its process died) is claimed again with a greater Token.
	// With nothing due it returns a nil Claim and the earliest moment one
	// of the account's pending sends may be claimed: its At, or the
	// expiry of its live claim (zero when there are none).
	Claim(ctx context.Context, account string, now time.Time, ttl time.Duration) (*Claim, time.Time, error)
	// Snooze ends claim c, leaving the send pending until until, with
	// reason; attempted counts a failed try in Attempts. A claim that is
	// no longer the send's latest is ErrLeaseLost.
	Snooze(ctx context.Context, c *Claim, until time.Time, attempted bool, reason string) error
	// Finish ends claim c with a final state (sent with the provider's
	// answer, failed or cancelled with a reason). A claim that is no
	// longer the send's latest is ErrLeaseLost.
	Finish(ctx context.Context, c *Claim, state QueueState, sent *provider.Sent, reason string) error
	// Cancel cancels a pending send with reason and returns it. A send
	// under a live claim is ErrSending; a send already final is returned
	// as it is, unchanged; an unknown id matches provider.ErrNotFound.
	Cancel(ctx context.Context, id, reason string) (Scheduled, error)
}
