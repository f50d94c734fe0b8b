package pgstore_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/pgstore/internal/pgtest"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// loadQueue puts n due sends, spread over accounts, straight into the
// queue table in one statement.
func loadQueue(b *testing.B, pool *pgxpool.Pool, schema string, n, accounts int, at time.Time) {
	b.Helper()
	_, err := pool.Exec(context.Background(), fmt.Sprintf(`
		INSERT INTO %s.queue (id, account, idem_key, at, message, created_at, updated_at)
		SELECT 's' || i, 'acct' || (i %% $2), convert_to('key-' || i, 'UTF8'), $3,
		       json_build_object('Subject', 'bench ' || i, 'IdempotencyKey', 'key-' || i), $3, $3
		FROM generate_series(1, $1) AS i`, pgx.Identifier{schema}.Sanitize()), n, accounts, at)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := pool.Exec(context.Background(), "ANALYZE "+pgx.Identifier{schema, "queue"}.Sanitize()); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkQueue_claimFinish measures the queue's throughput: claimers
// (goroutines, each with its own pooled connection) claim due sends and
// finish them as sent, the engine's round trips for one delivered send.
// "accounts" spreads the load the way the engine does (one claimer per
// account at a time); "oneAccount" puts every claimer on the same
// account's sends, the worst case for FOR UPDATE SKIP LOCKED.
func BenchmarkQueue_claimFinish(b *testing.B) {
	for _, bc := range []struct {
		name               string
		accounts, claimers int
	}{
		{"accounts=64/claimers=8", 64, 8},
		{"accounts=64/claimers=32", 64, 32},
		{"oneAccount/claimers=8", 1, 8},
	} {
		b.Run(bc.name, func(b *testing.B) {
			cfg := pgtest.Config(b)
			cfg.MaxConns = int32(bc.claimers + 2)
			pool := pgtest.PoolWith(b, cfg)
			s := newStoreOn(b, pool, nil)
			q := s.Queue()
			now := time.Now()
			loadQueue(b, pool, s.Schema(), b.N, bc.accounts, now.Add(-time.Hour))
			ctx := context.Background()
			var done atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for w := range bc.claimers {
				wg.Go(func() {
					// Claimer w works on the accounts w, w+claimers, …
					// (all of them on one account).
					for i := w; done.Load() < int64(b.N); i += bc.claimers {
						account := fmt.Sprintf("acct%d", i%bc.accounts)
						c, _, err := q.Claim(ctx, account, now, time.Minute)
						if err != nil {
							b.Error(err)
							return
						}
						if c == nil {
							continue
						}
						if err := q.Finish(ctx, c, engine.QueueSent, &provider.Sent{MessageID: c.ID}, ""); err != nil {
							b.Error(err)
							return
						}
						done.Add(1)
					}
				})
			}
			wg.Wait()
			b.ReportMetric(float64(done.Load())/time.Since(start).Seconds(), "sends/s")
		})
	}
}

// BenchmarkQueue_claim measures Claim alone, one statement, on a queue of
// sends spread over 64 accounts, from 8 claimers.
func BenchmarkQueue_claim(b *testing.B) {
	cfg := pgtest.Config(b)
	cfg.MaxConns = 10
	pool := pgtest.PoolWith(b, cfg)
	s := newStoreOn(b, pool, nil)
	q := s.Queue()
	now := time.Now()
	loadQueue(b, pool, s.Schema(), b.N+64*8, 64, now.Add(-time.Hour))
	ctx := context.Background()
	var n atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; n.Load() < int64(b.N); i += 8 {
				c, _, err := q.Claim(ctx, fmt.Sprintf("acct%d", i%64), now, time.Hour)
				if err != nil {
					b.Error(err)
					return
				}
				if c != nil {
					n.Add(1)
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(n.Load())/time.Since(start).Seconds(), "claims/s")
}
