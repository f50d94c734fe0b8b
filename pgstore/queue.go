package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Queue keeps the engine's scheduled sends in the queue table, shared by
// every replica: it implements engine.Queue. An account's earliest due
// send is claimed in one statement with FOR UPDATE SKIP LOCKED, so
// replicas claiming at once take different sends instead of waiting on
// each other; every claim increments the send's token, and Snooze and
// Finish succeed only under the send's latest claim, so a replica whose
// claim expired (it stalled, or died and came back) cannot overwrite the
// outcome of the replica that claimed the send after it. Within an
// account an IdempotencyKey is unique (a unique index).
//
// Claim dates the claim with the caller's now; Enqueue, Snooze, Finish
// and Cancel date their changes (and Cancel judges whether a claim is
// live) with the Store's clock: Options.Now, or the database's.
//
// The queue does not retry or pace by itself: the engine decides when a
// send goes again (Snooze) and when it has failed for good (Finish). A
// replica's send loop with nothing pending sleeps until a send is
// scheduled; Listen tells it about sends other replicas schedule. It is
// safe for concurrent use by many goroutines and many processes.
//
// It is a table of its own rather than River's job table: the engine pulls
// one account's earliest due send, when that account's lease, pacing and
// sending window allow, and needs to know when the next one is due, while
// River's workers are pushed the earliest job of a whole queue, with no
// per-account filter and no "next due" answer; River's completion is not
// fenced by attempt (a job rescued from a stalled worker can be completed
// by both), and the engine already owns retries, snoozes and windows.
type Queue struct{ s *Store }

var _ engine.Queue = (*Queue)(nil)

// Queue returns the Store's queue of scheduled sends.
func (s *Store) Queue() *Queue { return &Queue{s: s} }

// Enqueue implements engine.Queue.
func (q *Queue) Enqueue(ctx context.Context, s engine.Scheduled) (engine.Scheduled, error) {
	if s.ID == "" || s.Account == "" || s.Message.IdempotencyKey == "" {
		return engine.Scheduled{}, &provider.Error{Op: "pgstore: queue enqueue", Code: provider.ErrInvalid, Field: "Scheduled",
			Err: errors.New("pgstore: ID, Account and Message.IdempotencyKey are required")}
	}
	msg, err := json.Marshal(s.Message)
	if err != nil {
		return engine.Scheduled{}, fmt.Errorf("pgstore: queue enqueue: encoding the message: %w", err)
	}
	meta, err := jsonOrNil(s.Meta, len(s.Meta) > 0)
	if err != nil {
		return engine.Scheduled{}, fmt.Errorf("pgstore: queue enqueue: encoding Meta: %w", err)
	}
	var out engine.Scheduled
	// A concurrent Enqueue of the same key may leave the statement's
	// snapshot seeing neither its own row nor the other's; a new statement
	// sees the other's.
	for range 3 {
		var found bool
		err = q.s.retry(ctx, "queue enqueue", func() error {
			rows, err := q.s.pool.Query(ctx, q.s.q("queue_enqueue"), s.ID, s.Account, []byte(s.Message.IdempotencyKey),
				s.At, s.After, s.Actor, msg, meta, s.Created, q.s.clock(), q.s.schema)
			if err != nil {
				return err
			}
			got, err := pgx.CollectRows(rows, scanQueued)
			if len(got) > 0 {
				out, found = got[0].Scheduled, true
			}
			return err
		})
		if err != nil || found {
			break
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" { // the ID is taken under another key
		return engine.Scheduled{}, &provider.Error{Op: "pgstore: queue enqueue", Code: provider.ErrInvalid, Field: "ID",
			Err: fmt.Errorf("pgstore: send ID %q is taken", s.ID)}
	}
	if err == nil && out.ID == "" {
		err = errors.New("pgstore: a concurrent enqueue of the same key kept the send out of sight")
	}
	return out, wrap("queue enqueue", err)
}

// Get implements engine.Queue.
func (q *Queue) Get(ctx context.Context, id string) (engine.Scheduled, error) {
	c, err := q.one(ctx, "queue get", q.s.q("queue_get"), id)
	if err != nil {
		return engine.Scheduled{}, err
	}
	return c.Scheduled, nil
}

// Pending implements engine.Queue.
func (q *Queue) Pending(ctx context.Context, account string) ([]engine.Scheduled, error) {
	var out []engine.Scheduled
	err := q.s.retry(ctx, "queue pending", func() error {
		rows, err := q.s.pool.Query(ctx, q.s.q("queue_pending"), account)
		if err != nil {
			return err
		}
		got, err := pgx.CollectRows(rows, scanQueued)
		out = out[:0]
		for _, c := range got {
			out = append(out, c.Scheduled)
		}
		return err
	})
	return out, wrap("queue pending", err)
}

// Claim implements engine.Queue, in one round trip.
func (q *Queue) Claim(ctx context.Context, account string, now time.Time, ttl time.Duration) (*engine.Claim, time.Time, error) {
	var got claimed
	err := q.s.retry(ctx, "queue claim", func() error {
		rows, err := q.s.pool.Query(ctx, q.s.q("queue_claim"), account, now, ttl.Microseconds())
		if err != nil {
			return err
		}
		got, err = pgx.CollectExactlyOneRow(rows, scanClaimed)
		return err
	})
	if err != nil {
		return nil, time.Time{}, wrap("queue claim", err)
	}
	return got.claim, got.next, nil
}

// Snooze implements engine.Queue.
func (q *Queue) Snooze(ctx context.Context, c *engine.Claim, until time.Time, attempted bool, reason string) error {
	add := 0
	if attempted {
		add = 1
	}
	n, err := q.s.exec(ctx, "queue snooze", q.s.q("queue_snooze"), c.ID, int64(c.Token), until, reason, add, q.s.clock())
	return q.fenced("queue snooze", c, n, err)
}

// Finish implements engine.Queue.
func (q *Queue) Finish(ctx context.Context, c *engine.Claim, state engine.QueueState, sent *provider.Sent, reason string) error {
	if state != engine.QueueSent && state != engine.QueueFailed && state != engine.QueueCancelled {
		return &provider.Error{Op: "pgstore: queue finish", Code: provider.ErrInvalid, Field: "state",
			Err: fmt.Errorf("pgstore: %q is not a final state", state)}
	}
	js, err := jsonOrNil(sent, sent != nil)
	if err != nil {
		return fmt.Errorf("pgstore: queue finish: encoding the provider's answer: %w", err)
	}
	n, err := q.s.exec(ctx, "queue finish", q.s.q("queue_finish"), c.ID, int64(c.Token), string(state), js, reason, q.s.clock())
	return q.fenced("queue finish", c, n, err)
}

// fenced turns an update under claim c that changed no row into
// engine.ErrLeaseLost: the send was claimed again, or is already final.
func (q *Queue) fenced(op string, c *engine.Claim, n int64, err error) error {
	if err != nil {
		return wrap(op, err)
	}
	if n == 0 {
		return fmt.Errorf("pgstore: %s: claim %d of send %s: %w", op, c.Token, c.ID, engine.ErrLeaseLost)
	}
	return nil
}

// Cancel implements engine.Queue. A pending, unclaimed send is cancelled
// in one statement; otherwise a second one says why not.
func (q *Queue) Cancel(ctx context.Context, id, reason string) (engine.Scheduled, error) {
	for attempt := 0; ; attempt++ {
		c, err := q.one(ctx, "queue cancel", q.s.q("queue_cancel"), id, reason, q.s.clock())
		if err == nil {
			return c.Scheduled, nil
		}
		if !errors.Is(err, provider.ErrNotFound) {
			return engine.Scheduled{}, err
		}
		c, err = q.one(ctx, "queue cancel", q.s.q("queue_get"), id)
		if err != nil {
			return engine.Scheduled{}, err
		}
		if c.State != engine.QueuePending {
			return c.Scheduled, nil
		}
		now := time.Now()
		if t := q.s.clock(); t != nil {
			now = *t
		}
		// A claim that ended between the two statements: try again. The
		// database's clock (which judged the claim live) may run behind
		// this process's: after a few tries the claim counts as live.
		if c.Expires.After(now) || attempt == 2 {
			return engine.Scheduled{}, fmt.Errorf("pgstore: cancel %s: %w", id, engine.ErrSending)
		}
	}
}

// PruneQueue deletes the sends that became final (sent, failed,
// cancelled) before olderThan. A follow-up threads under the send it
// follows, read from the queue: keep final sends for longer than a
// sequence's longest gap.
func (q *Queue) PruneQueue(ctx context.Context, olderThan time.Time) (int64, error) {
	n, err := q.s.exec(ctx, "prune queue", q.s.q("queue_prune"), olderThan)
	return n, wrap("prune queue", err)
}

// one runs a query returning at most one send; none is provider.ErrNotFound.
func (q *Queue) one(ctx context.Context, op, query string, args ...any) (*engine.Claim, error) {
	var c *engine.Claim
	err := q.s.retry(ctx, op, func() error {
		rows, err := q.s.pool.Query(ctx, query, args...)
		if err != nil {
			return err
		}
		c, err = pgx.CollectExactlyOneRow(rows, scanQueued)
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, &provider.Error{Op: "pgstore: " + op, Code: provider.ErrNotFound, Err: fmt.Errorf("pgstore: no scheduled send %q", args[0])}
	}
	return c, wrap(op, err)
}

func jsonOrNil(v any, present bool) ([]byte, error) {
	if !present {
		return nil, nil
	}
	return json.Marshal(v)
}
