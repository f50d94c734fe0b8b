package pgstore

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// queueChannel is the notification channel Enqueue announces new sends on.
const queueChannel = "inboxkit_queue"

// Listen calls wake with the account of every send enqueued from now on,
// by any replica, until ctx ends; it returns nil then. An engine's send
// loop with nothing pending waits for a Schedule through its own Engine,
// so replicas sharing the Queue run Listen with Engine.KickOutbox:
//
//	go store.Queue().Listen(ctx, func(account string) { eng.KickOutbox(account) })
//
// It holds one of the pool's connections (LISTEN). When it starts, and
// again after its connection was lost, it also calls wake for every
// account with pending sends, so that a send announced while it was not
// listening is not left waiting. wake is called from Listen's goroutine
// and should return quickly.
func (q *Queue) Listen(ctx context.Context, wake func(account string)) error {
	prefix := q.s.schema + " "
	wait := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := q.listenOnce(ctx, prefix, wake)
		if ctx.Err() != nil {
			break
		}
		q.s.log.LogAttrs(ctx, slog.LevelWarn, "pgstore: queue listener lost its connection; listening again",
			slog.Any("error", wrap("queue listen", err)), slog.Duration("wait", wait))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
		wait = min(2*wait, 5*time.Second)
	}
	return nil
}

// listenOnce listens on one connection until it fails or ctx ends.
func (q *Queue) listenOnce(ctx context.Context, prefix string, wake func(string)) error {
	conn, err := q.s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// The connection's session state (LISTEN) must not go back to the
	// pool: it is closed instead.
	defer func() {
		_ = conn.Conn().Close(context.WithoutCancel(ctx))
		conn.Release()
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{queueChannel}.Sanitize()); err != nil {
		return err
	}
	rows, err := conn.Query(ctx, q.s.q("queue_pending_accounts"))
	if err != nil {
		return err
	}
	accounts, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, a := range accounts {
		wake(a)
	}
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if account, ok := strings.CutPrefix(n.Payload, prefix); ok {
			wake(account)
		}
	}
}
