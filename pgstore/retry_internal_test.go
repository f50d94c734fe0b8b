package pgstore

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/pgstore/internal/pgtest"
	"github.com/jackc/pgx/v5"
)

// Two serializable transactions read what the other writes (write skew):
// PostgreSQL aborts one with a serialization failure, and inTx runs it
// again, so both succeed.
func TestInTx_retriesSerializationFailure(t *testing.T) {
	pool := pgtest.Pool(t)
	s, err := New(pool, &Options{Schema: pgtest.Schema(t, pool)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := pgtest.Context(t, time.Minute)
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var attempts atomic.Int32
	var bothRead sync.WaitGroup
	bothRead.Add(2)
	var first [2]sync.Once
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() {
			errs[i] = s.inTx(ctx, "skew", pgx.TxOptions{IsoLevel: pgx.Serializable}, func(tx pgx.Tx) error {
				attempts.Add(1)
				var n int
				if err := tx.QueryRow(ctx, s.q("counter_sum"), "skew", time.Time{}).Scan(&n); err != nil {
					return err
				}
				// On the first attempt, wait until the other has read too.
				first[i].Do(func() { bothRead.Done(); bothRead.Wait() })
				_, err := tx.Exec(ctx, s.q("counter_take"), "skew", time.Now(), n+1)
				return err
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("transaction %d = %v; want it retried to success", i, err)
		}
	}
	if got := attempts.Load(); got < 3 {
		t.Errorf("%d attempts; want at least 3 (one retry after the serialization failure)", got)
	}
	var total int
	if err := pool.QueryRow(ctx, s.q("counter_sum"), "skew", time.Time{}).Scan(&total); err != nil {
		t.Fatal(err)
	}
	if total != 1+2 {
		t.Errorf("sum after both = %d; want 3 (the retried one saw the other's row)", total)
	}
}
