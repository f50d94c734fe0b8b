package pgstore

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/jackc/pgx/v5"
)

// queuedRow is one row of the queue table as the queue_*.sql queries
// return it (their column lists are in this order). Every column is
// nullable here because Claim's answer is all NULLs when nothing was
// claimed.
type queuedRow struct {
	id, account, after, actor, state, reason *string
	at, created, updated, expires            *time.Time
	message, meta, sent                      []byte
	attempts                                 *int32
	token                                    *int64
}

func (r *queuedRow) dests() []any {
	return []any{&r.id, &r.account, &r.at, &r.after, &r.actor, &r.message, &r.meta, &r.created,
		&r.state, &r.attempts, &r.sent, &r.reason, &r.updated, &r.token, &r.expires}
}

// claim decodes the row; it must have a send (r.id not nil).
func (r *queuedRow) claim() (*engine.Claim, error) {
	c := &engine.Claim{Scheduled: engine.Scheduled{
		ID: deref(r.id), Account: deref(r.account), After: deref(r.after), Actor: deref(r.actor),
		State: engine.QueueState(deref(r.state)), Reason: deref(r.reason),
		At: utc(r.at), Created: utc(r.created), Updated: utc(r.updated),
	}, Expires: utc(r.expires)}
	if r.attempts != nil {
		c.Attempts = int(*r.attempts)
	}
	if r.token != nil {
		c.Token = uint64(*r.token)
	}
	if err := json.Unmarshal(r.message, &c.Message); err != nil {
		return nil, fmt.Errorf("decoding the message of send %s: %w", c.ID, err)
	}
	if len(r.meta) > 0 {
		if err := json.Unmarshal(r.meta, &c.Meta); err != nil {
			return nil, fmt.Errorf("decoding the Meta of send %s: %w", c.ID, err)
		}
	}
	if len(r.sent) > 0 {
		c.Sent = &provider.Sent{}
		if err := json.Unmarshal(r.sent, c.Sent); err != nil {
			return nil, fmt.Errorf("decoding the answer of send %s: %w", c.ID, err)
		}
	}
	return c, nil
}

// utc returns *t in UTC, or the zero time for NULL.
func utc(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

func scanQueued(row pgx.CollectableRow) (*engine.Claim, error) {
	var r queuedRow
	if err := row.Scan(r.dests()...); err != nil {
		return nil, err
	}
	return r.claim()
}

// claimed is Claim's answer: the claim, or when nothing was due, the
// earliest moment something may be.
type claimed struct {
	claim *engine.Claim
	next  time.Time
}

func scanClaimed(row pgx.CollectableRow) (claimed, error) {
	var (
		r    queuedRow
		next *time.Time
	)
	if err := row.Scan(append(r.dests(), &next)...); err != nil {
		return claimed{}, err
	}
	if r.id == nil {
		return claimed{next: utc(next)}, nil
	}
	c, err := r.claim()
	return claimed{claim: c}, err
}
