// Package pgtest makes pgstore's tests against a real PostgreSQL hard to get
// wrong, in the manner of river's riversharedtest: the database comes from
// INBOXKIT_POSTGRES (tests skip with one line saying how to start one when
// it is unset), every connection has an empty search_path so a query that
// forgets its schema fails loudly, every test gets a schema of its own that
// is dropped afterwards, waits are bounded, and TestMain checks that no
// goroutine outlives the tests.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// EnvVar names the environment variable holding the pgx connection string.
const EnvVar = "INBOXKIT_POSTGRES"

// SkipMessage is the one line a test prints when it has no database.
const SkipMessage = EnvVar + ` is unset: no PostgreSQL to test against; start one with: eval "$(bash scripts/postgres.sh start)"`

// MaxConns caps each test pool. The throw-away cluster allows 200
// connections; tests run one package's tests at a time, mostly
// sequentially, and the concurrency tests need a handful of connections
// each, so a small cap keeps a parallel run of several packages far from
// the server's limit.
const MaxConns = 12

// Config returns the parsed connection settings with an empty search_path,
// skipping t when INBOXKIT_POSTGRES is unset.
func Config(t testing.TB) *pgxpool.Config {
	t.Helper()
	url := os.Getenv(EnvVar)
	if url == "" {
		t.Skip(SkipMessage)
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// The message of a parse error can quote the string; do not print it.
		t.Fatalf("%s does not parse as a pgx connection string", EnvVar)
	}
	cfg.MaxConns = MaxConns
	cfg.ConnConfig.RuntimeParams["search_path"] = ""
	cfg.ConnConfig.RuntimeParams["application_name"] = "inboxkit-test"
	return cfg
}

// Pool returns a new pool for t, closed when t ends.
func Pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	return PoolWith(t, Config(t))
}

// PoolWith returns a new pool from cfg, closed when t ends.
func PoolWith(t testing.TB, cfg *pgxpool.Config) *pgxpool.Pool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("opening a pool: %v", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		t.Fatalf("reaching PostgreSQL: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

var notIdent = regexp.MustCompile(`[^a-z0-9_]+`)

// Schema returns a new schema name for t (from its name and a random
// suffix) and drops that schema, with everything in it, when t ends. The
// schema itself is left for the code under test to create.
func Schema(t testing.TB, pool *pgxpool.Pool) string {
	t.Helper()
	var b [4]byte
	_, _ = rand.Read(b[:])
	name := notIdent.ReplaceAllString(strings.ToLower(t.Name()), "_")
	if len(name) > 40 {
		name = name[len(name)-40:]
	}
	schema := "t_" + strings.Trim(name, "_") + "_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("dropping test schema %s: %v", schema, err)
		}
	})
	return schema
}

// Context returns a context that ends when t does or after d, whichever
// comes first, so that no test waits on the database forever.
func Context(t testing.TB, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// WaitOrTimeout returns the first value from ch, failing t if none comes
// within d.
func WaitOrTimeout[T any](t testing.TB, ch <-chan T, d time.Duration) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(d):
		t.Fatalf("no value within %v", d)
		var zero T
		return zero
	}
}

// WrapTestMain runs the tests and then fails the binary if goroutines
// started by inboxkit or pgx are still running after a grace period
// (pools not closed, loops not stopped). Use it as
//
//	func TestMain(m *testing.M) { pgtest.WrapTestMain(m) }
func WrapTestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if leaked := leakedGoroutines(5 * time.Second); leaked != "" {
			fmt.Fprintf(os.Stderr, "pgtest: goroutines still running after the tests:\n%s\n", leaked)
			code = 1
		}
	}
	os.Exit(code)
}

// leakedGoroutines waits up to d for every goroutine running inboxkit or
// pgx code to end, and returns the stacks of those that did not.
func leakedGoroutines(d time.Duration) string {
	deadline := time.Now().Add(d)
	for {
		leaked := ours()
		if leaked == "" || time.Now().After(deadline) {
			return leaked
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func ours() string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "pgtest.WrapTestMain") || strings.Contains(g, "pgtest.ours") {
			continue
		}
		if strings.Contains(g, "github.com/inboxkit/inboxkit") || strings.Contains(g, "github.com/jackc/pgx") {
			out = append(out, g)
		}
	}
	return strings.Join(out, "\n\n")
}

// PoolWithoutPing returns a pool from cfg without checking the server is
// there, for tests of what happens when it is not. It is closed when t
// ends.
func PoolWithoutPing(t testing.TB, cfg *pgxpool.Config) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatalf("opening a pool: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}
