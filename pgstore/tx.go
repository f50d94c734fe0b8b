package pgstore

import (
	"context"
	"log/slog"

	"github.com/jackc/pgx/v5"
)

// inTx runs fn in a transaction and commits it, running it again from the
// start after a serialization failure or a deadlock (up to the Store's
// MaxRetries). fn must be safe to run more than once: it must not act
// outside the transaction before it commits.
func (s *Store) inTx(ctx context.Context, op string, opts pgx.TxOptions, fn func(tx pgx.Tx) error) error {
	var err error
	for attempt := 0; attempt <= s.retries; attempt++ {
		err = pgx.BeginTxFunc(ctx, s.pool, opts, fn)
		if err == nil || !retryable(err) || ctx.Err() != nil {
			break
		}
		s.log.LogAttrs(ctx, slog.LevelDebug, "pgstore: retrying transaction",
			slog.String("op", op), slog.Int("attempt", attempt+1), slog.Any("error", err))
	}
	return err
}

// exec runs one statement outside an explicit transaction, retrying it
// after a serialization failure or a deadlock.
func (s *Store) exec(ctx context.Context, op, query string, args ...any) (int64, error) {
	var n int64
	err := s.retry(ctx, op, func() error {
		tag, err := s.pool.Exec(ctx, query, args...)
		n = tag.RowsAffected()
		return err
	})
	return n, err
}

// retry runs fn again after a serialization failure or a deadlock.
func (s *Store) retry(ctx context.Context, op string, fn func() error) error {
	var err error
	for attempt := 0; attempt <= s.retries; attempt++ {
		err = fn()
		if err == nil || !retryable(err) || ctx.Err() != nil {
			break
		}
		s.log.LogAttrs(ctx, slog.LevelDebug, "pgstore: retrying statement",
			slog.String("op", op), slog.Int("attempt", attempt+1), slog.Any("error", err))
	}
	return err
}
