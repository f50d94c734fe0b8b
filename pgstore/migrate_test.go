package pgstore_test

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/inboxkit/inboxkit/pgstore"
	"github.com/inboxkit/inboxkit/pgstore/internal/pgtest"
	"github.com/jackc/pgx/v5/pgconn"
)

func TestNew_schemaName(t *testing.T) {
	tests := []struct {
		schema string
		ok     bool
	}{
		{"", true},
		{"inboxkit", true},
		{"tenant_42", true},
		{"_x", true},
		{"Inboxkit", false},
		{"1abc", false},
		{"a-b", false},
		{"a;drop table x", false},
		{`a"b`, false},
		{"pg_catalog", false},
		{strings.Repeat("a", 64), false},
	}
	if _, err := pgstore.New(nil, nil); err == nil {
		t.Error("New(nil pool) = nil error; want an error")
	}
	pool := pgtest.Pool(t)
	for _, tc := range tests {
		_, err := pgstore.New(pool, &pgstore.Options{Schema: tc.schema})
		if got := err == nil; got != tc.ok {
			t.Errorf("New(Schema %q) error = %v; want ok=%v", tc.schema, err, tc.ok)
		}
	}
}

func TestMigrate_idempotentAndReversible(t *testing.T) {
	s, _ := newStore(t)
	ctx := pgtest.Context(t, testTimeout)
	v, err := s.Version(ctx)
	if err != nil || v < 1 {
		t.Fatalf("Version after Migrate = %d, %v; want >= 1", v, err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("second Migrate = %v; want nil", err)
	}
	if err := s.MigrateTo(ctx, 0); err != nil {
		t.Fatalf("MigrateTo(0) = %v", err)
	}
	if got, err := s.Version(ctx); err != nil || got != 0 {
		t.Fatalf("Version after MigrateTo(0) = %d, %v; want 0", got, err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("Migrate after going down = %v", err)
	}
	if got, err := s.Version(ctx); err != nil || got != v {
		t.Fatalf("Version after going up again = %d, %v; want %d", got, err, v)
	}
	if err := s.MigrateTo(ctx, v+1); err == nil {
		t.Errorf("MigrateTo(%d) = nil; want an error for a migration that does not exist", v+1)
	}
}

func TestVersion_beforeMigrate(t *testing.T) {
	pool := pgtest.Pool(t)
	s, err := pgstore.New(pool, &pgstore.Options{Schema: pgtest.Schema(t, pool)})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := s.Version(pgtest.Context(t, testTimeout)); err != nil || v != 0 {
		t.Errorf("Version of a fresh schema = %d, %v; want 0, nil", v, err)
	}
}

// Three replicas start at once, each on its own pool (its own
// connections): the advisory lock makes them take turns, and all succeed.
func TestMigrate_threeReplicasAtOnce(t *testing.T) {
	first := pgtest.Pool(t)
	schema := pgtest.Schema(t, first)
	const replicas = 3
	stores := make([]*pgstore.Store, replicas)
	for i := range stores {
		pool := first
		if i > 0 {
			pool = pgtest.Pool(t)
		}
		s, err := pgstore.New(pool, &pgstore.Options{Schema: schema})
		if err != nil {
			t.Fatal(err)
		}
		stores[i] = s
	}
	ctx := pgtest.Context(t, testTimeout)
	start := make(chan struct{})
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	for i, s := range stores {
		wg.Go(func() {
			<-start
			errs[i] = s.Migrate(ctx)
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d: Migrate = %v; want nil", i, err)
		}
	}
	var n int
	if err := first.QueryRow(ctx, "SELECT count(*) FROM "+schema+".schema_migration").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if v, _ := stores[0].Version(ctx); n != v {
		t.Errorf("schema_migration has %d rows; want one per migration (%d)", n, v)
	}
}

// The test pools have an empty search_path, so SQL that forgets its
// schema fails instead of finding a table by luck.
func TestSearchPathIsEmpty(t *testing.T) {
	s, pool := newStore(t)
	_, err := pool.Exec(pgtest.Context(t, testTimeout), "SELECT 1 FROM sent_message")
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "42P01" {
		t.Errorf("unqualified table in schema %s: error = %v; want undefined_table (42P01)", s.Schema(), err)
	}
}
