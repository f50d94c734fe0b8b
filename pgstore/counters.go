package pgstore

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/jackc/pgx/v5"
)

// Counters is a provider.SendCounter in the send_count table: one row per
// taking, summed over the window, with the key's row in send_count_key
// locked while a Take counts, so concurrent Takes on any replica never
// together pass the limit. Takings that left the window are deleted as
// the key is used. It is safe for concurrent use.
type Counters struct{ s *Store }

var _ provider.SendCounter = (*Counters)(nil)

// Counters returns the Store's shared send counters.
func (s *Store) Counters() *Counters { return &Counters{s: s} }

// Take implements provider.SendCounter.
func (c *Counters) Take(ctx context.Context, key string, n, limit int, window time.Duration, now time.Time) (string, error) {
	if n <= 0 || n > limit || window <= 0 {
		return "", providerkit.Invalid("n", "must be 1..limit, with a positive window")
	}
	from := now.Add(-window)
	var id int64
	var refused error
	err := c.s.inTx(ctx, "counter take", pgx.TxOptions{}, func(tx pgx.Tx) error {
		id, refused = 0, nil
		if _, err := tx.Exec(ctx, c.s.q("counter_lock"), key); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, c.s.q("counter_prune"), key, from); err != nil {
			return err
		}
		var total int
		if err := tx.QueryRow(ctx, c.s.q("counter_sum"), key, from).Scan(&total); err != nil {
			return err
		}
		if total+n > limit {
			var at time.Time
			err := tx.QueryRow(ctx, c.s.q("counter_room_at"), key, from, n, limit, total).Scan(&at)
			wait := window
			if err == nil {
				wait = at.Add(window).Sub(now)
			} else if !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
			refused = provider.LimitReached(key, limit, wait)
			return nil
		}
		return tx.QueryRow(ctx, c.s.q("counter_take"), key, now, n).Scan(&id)
	})
	if err != nil {
		return "", wrap("counter take", err)
	}
	if refused != nil {
		return "", refused
	}
	return strconv.FormatInt(id, 10), nil
}

// Return implements provider.SendCounter.
func (c *Counters) Return(ctx context.Context, key, id string) error {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return nil // not an id this store gave out: nothing to return
	}
	_, err = c.s.exec(ctx, "counter return", c.s.q("counter_return"), key, n)
	return wrap("counter return", err)
}

// Count implements provider.SendCounter.
func (c *Counters) Count(ctx context.Context, key string, window time.Duration, now time.Time) (int, error) {
	var total int
	err := c.s.pool.QueryRow(ctx, c.s.q("counter_sum"), key, now.Add(-window)).Scan(&total)
	return total, wrap("counter count", err)
}
