package delegation

import (
	"context"
	"slices"
	"sync"
	"time"
)

// AuditType names what an audit AuditEvent records.
type AuditType string

// The audit event kinds.
const (
	AuditRequested AuditType = "grant.requested"
	AuditOffered   AuditType = "grant.offered"
	AuditAccepted  AuditType = "grant.accepted"
	AuditDeclined  AuditType = "grant.declined"
	AuditRevoked   AuditType = "grant.revoked"
	// AuditSent: a message went out on behalf of another user.
	AuditSent AuditType = "send.on_behalf"
	// AuditRefused: a Guard refused a send; Reason says why.
	AuditRefused AuditType = "send.refused"
)

// AuditEvent is one audit record: who did what, as whom, when.
type AuditEvent struct {
	Type AuditType
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
	// (AuditSent only).
	MessageID string
	// Reason is the refusal (AuditRefused only).
	Reason string
}

// AuditSink receives audit events. Hosts implement it over their audit log;
// MemoryAudit keeps them in memory. Implementations must be safe for
// concurrent use.
type AuditSink interface {
	Record(ctx context.Context, e AuditEvent) error
}

// MemoryAudit is an AuditSink that keeps events in memory, in order. It is safe
// for concurrent use; the zero value is ready.
type MemoryAudit struct {
	mu     sync.Mutex
	events []AuditEvent
}

var _ AuditSink = (*MemoryAudit)(nil)

// Record appends e.
func (s *MemoryAudit) Record(_ context.Context, e AuditEvent) error {
	s.mu.Lock()
	s.events = append(s.events, e)
	s.mu.Unlock()
	return nil
}

// Events returns a copy of the events recorded so far.
func (s *MemoryAudit) Events() []AuditEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.events)
}

type discard struct{}

func (discard) Record(context.Context, AuditEvent) error { return nil }
