package delegation

import (
	"context"
	"slices"
	"sync"
	"time"
)

// EventKind names what an audit Event records.
type EventKind string

// The audit event kinds.
const (
	EventRequested EventKind = "grant.requested"
	EventOffered   EventKind = "grant.offered"
	EventAccepted  EventKind = "grant.accepted"
	EventDeclined  EventKind = "grant.declined"
	EventRevoked   EventKind = "grant.revoked"
	// EventSent: a message went out on behalf of another user.
	EventSent EventKind = "send.on_behalf"
	// EventRefused: a Guard refused a send; Reason says why.
	EventRefused EventKind = "send.refused"
)

// Event is one audit record: who did what, as whom, when.
type Event struct {
	Kind EventKind
	At   time.Time
	// Actor is the user who acted (for a send: who pressed send).
	Actor string
	// OnBehalfOf is the other party: the owner for a send or a request,
	// the requester for an offer, accept or decline; for a revoke, the
	// party who did not revoke.
	OnBehalfOf string
	GrantID    string
	// Mailbox is the address mail was sent from (sends only).
	Mailbox string
	// MessageID is the sent message's Message-ID, without angle brackets
	// (EventSent only).
	MessageID string
	// Reason is the refusal (EventRefused only).
	Reason string
}

// Sink receives audit events. Hosts implement it over their audit log;
// MemorySink keeps them in memory. Implementations must be safe for
// concurrent use.
type Sink interface {
	Record(ctx context.Context, e Event) error
}

// MemorySink is a Sink that keeps events in memory, in order. It is safe
// for concurrent use; the zero value is ready.
type MemorySink struct {
	mu     sync.Mutex
	events []Event
}

var _ Sink = (*MemorySink)(nil)

// Record appends e.
func (s *MemorySink) Record(_ context.Context, e Event) error {
	s.mu.Lock()
	s.events = append(s.events, e)
	s.mu.Unlock()
	return nil
}

// Events returns a copy of the events recorded so far.
func (s *MemorySink) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.events)
}

type discard struct{}

func (discard) Record(context.Context, Event) error { return nil }
