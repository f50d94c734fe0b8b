package pgstore_test

import (
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/pgstore"
	"github.com/inboxkit/inboxkit/pgstore/internal/pgtest"
	"github.com/jackc/pgx/v5/pgxpool"
)

func TestMain(m *testing.M) { pgtest.WrapTestMain(m) }

// testTimeout bounds every test's database work.
const testTimeout = 60 * time.Second

// newStore returns a migrated Store in a schema of t's own, and its pool.
func newStore(t testing.TB) (*pgstore.Store, *pgxpool.Pool) {
	t.Helper()
	pool := pgtest.Pool(t)
	return newStoreOn(t, pool, nil), pool
}

// newStoreOn returns a migrated Store over pool in a new schema of t's.
func newStoreOn(t testing.TB, pool *pgxpool.Pool, opts *pgstore.Options) *pgstore.Store {
	t.Helper()
	var o pgstore.Options
	if opts != nil {
		o = *opts
	}
	o.Schema = pgtest.Schema(t, pool)
	s, err := pgstore.New(pool, &o)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(pgtest.Context(t, testTimeout)); err != nil {
		t.Fatalf("Migrate = %v", err)
	}
	return s
}
