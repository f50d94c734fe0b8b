package pgstore

import (
	"context"

	"github.com/inboxkit/inboxkit/delegation"
	"github.com/jackc/pgx/v5"
)

// Audit is a delegation.AuditSink that appends to the audit_event table. It is
// safe for concurrent use.
type Audit struct{ s *Store }

var _ delegation.AuditSink = (*Audit)(nil)

// Audit returns the Store's audit sink.
func (s *Store) Audit() *Audit { return &Audit{s: s} }

// Record implements delegation.AuditSink.
func (a *Audit) Record(ctx context.Context, e delegation.AuditEvent) error {
	_, err := a.s.exec(ctx, "audit record", a.s.q("audit_record"), string(e.Type), e.At, e.Actor, e.OnBehalfOf,
		e.GrantID, e.Mailbox, e.MessageID, e.Reason)
	return wrap("audit record", err)
}

// ForUser returns up to limit events in which user acted or was the other
// party, oldest first.
func (a *Audit) ForUser(ctx context.Context, user string, limit int) ([]delegation.AuditEvent, error) {
	rows, err := a.s.pool.Query(ctx, a.s.q("audit_for_user"), user, limit)
	if err != nil {
		return nil, wrap("audit list", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (delegation.AuditEvent, error) {
		var e delegation.AuditEvent
		var kind string
		err := row.Scan(&kind, &e.At, &e.Actor, &e.OnBehalfOf, &e.GrantID, &e.Mailbox, &e.MessageID, &e.Reason)
		e.Type, e.At = delegation.AuditType(kind), e.At.UTC()
		return e, err
	})
	return out, wrap("audit list", err)
}
