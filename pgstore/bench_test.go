package pgstore_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/pgstore"
	"github.com/inboxkit/inboxkit/pgstore/internal/pgtest"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// benchRows is how many sent records the lookup benchmarks load:
// INBOXKIT_PG_BENCH_ROWS (say 1000000 or 10000000), else 100,000 so that
// a plain -bench run stays quick.
func benchRows(b *testing.B) int {
	if v := os.Getenv("INBOXKIT_PG_BENCH_ROWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1000 {
			b.Fatalf("INBOXKIT_PG_BENCH_ROWS=%q: want a number >= 1000", v)
		}
		return n
	}
	return 100_000
}

// The shape of the loaded data: 1,000 mailboxes, threads of 3 messages,
// and each recipient written to 5 times.
const (
	benchAccounts     = 1000
	benchPerRecipient = 5
	benchThreadLength = 3
)

func benchMessageID(i int) string {
	return fmt.Sprintf("%08x.%d@bench.example.com", i*2654435761%(1<<32), i)
}
func benchRecipient(i, n int) string {
	return fmt.Sprintf("r%d@example.org", i%(n/benchPerRecipient))
}

// loadSent fills the Store's sent tables with n records through COPY and
// analyses them, reporting how long it took.
func loadSent(b *testing.B, pool *pgxpool.Pool, s *pgstore.Store, n int) time.Duration {
	ctx := context.Background()
	start := time.Now()
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	conn, err := pool.Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Release()
	// A bulk load: build the secondary indexes once at the end instead of
	// row by row, and skip the foreign-key trigger per recipient row (the
	// data is consistent by construction; the test cluster's role is a
	// superuser).
	idx := dropIndexes(b, conn, s.Schema())
	if _, err := conn.Exec(ctx, "SET session_replication_role = replica"); err != nil {
		b.Fatal(err)
	}
	const chunk = 200_000
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		msgs := make([][]any, 0, hi-lo)
		rcpts := make([][]any, 0, hi-lo)
		for i := lo; i < hi; i++ {
			id := benchMessageID(i)
			at := t0.Add(time.Duration(i) * time.Second)
			rcpt := benchRecipient(i, n)
			msgs = append(msgs, []any{id, fmt.Sprintf("a%d@example.com", i%benchAccounts),
				fmt.Sprintf("thread-%d", i/benchThreadLength), "Subject " + strconv.Itoa(i%97), at, []string{rcpt}, map[string]string{}})
			rcpts = append(rcpts, []any{rcpt, at, id})
		}
		if _, err := conn.CopyFrom(ctx, pgx.Identifier{s.Schema(), "sent_message"},
			[]string{"message_id", "account", "thread_id", "subject", "sent_at", "recipients", "meta"}, pgx.CopyFromRows(msgs)); err != nil {
			b.Fatal(err)
		}
		if _, err := conn.CopyFrom(ctx, pgx.Identifier{s.Schema(), "sent_recipient"},
			[]string{"address", "sent_at", "message_id"}, pgx.CopyFromRows(rcpts)); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := conn.Exec(ctx, "RESET session_replication_role"); err != nil {
		b.Fatal(err)
	}
	for _, def := range idx {
		if _, err := conn.Exec(ctx, def); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := conn.Exec(ctx, "ANALYZE "+s.Schema()+".sent_message, "+s.Schema()+".sent_recipient"); err != nil {
		b.Fatal(err)
	}
	return time.Since(start).Round(time.Millisecond)
}

// dropIndexes drops the sent tables' secondary indexes and returns the
// statements that make them again.
func dropIndexes(b *testing.B, conn *pgxpool.Conn, schema string) []string {
	ctx := context.Background()
	rows, err := conn.Query(ctx, `SELECT indexname, indexdef FROM pg_indexes
		WHERE schemaname = $1 AND tablename IN ('sent_message', 'sent_recipient') AND indexname NOT LIKE '%_pkey'`, schema)
	if err != nil {
		b.Fatal(err)
	}
	type index struct{ name, def string }
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (index, error) {
		var i index
		return i, r.Scan(&i.name, &i.def)
	})
	if err != nil {
		b.Fatal(err)
	}
	defs := make([]string, 0, len(list))
	for _, i := range list {
		if _, err := conn.Exec(ctx, "DROP INDEX "+pgx.Identifier{schema, i.name}.Sanitize()); err != nil {
			b.Fatal(err)
		}
		defs = append(defs, i.def)
	}
	return defs
}

// benchStore is a Store with n sent records, loaded once per benchmark.
func benchStore(b *testing.B) (*pgstore.Store, *pgxpool.Pool, int, time.Duration) {
	pool := pgtest.Pool(b)
	s := newStoreOn(b, pool, nil)
	n := benchRows(b)
	return s, pool, n, loadSent(b, pool, s, n)
}

// explain logs the plan and timing of one lookup, for the report.
func explain(b *testing.B, pool *pgxpool.Pool, query string, args ...any) {
	rows, err := pool.Query(context.Background(), "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) "+query, args...)
	if err != nil {
		b.Fatal(err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		b.Fatal(err)
	}
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	// One line: go test keeps only the first lines a benchmark logs.
	b.Logf("plan: %s", strings.Join(lines, " | "))
}

// latencies records each operation's time and reports p50 and p99.
type latencies []time.Duration

func (l latencies) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	slices.Sort(l)
	at := func(q float64) float64 { return float64(l[int(q*float64(len(l)-1))].Microseconds()) }
	b.ReportMetric(at(0.50), "p50-µs")
	b.ReportMetric(at(0.99), "p99-µs")
}

// BenchmarkStore_lookups loads the sent tables once and measures the three
// SentIndex lookups over them, at random keys, reporting p50 and p99 and
// logging each query's plan.
func BenchmarkStore_lookups(b *testing.B) {
	s, pool, n, took := benchStore(b)
	ctx := context.Background()
	sc := s.Schema()
	b.Run("ByMessageID", func(b *testing.B) {
		b.Logf("%d sent records (and as many recipient rows) loaded with COPY in %v", n, took)
		explain(b, pool, "SELECT message_id, account, thread_id, subject, sent_at, recipients, meta FROM "+
			sc+".sent_message WHERE message_id = $1", benchMessageID(n/2))
		lat := make(latencies, 0, b.N)
		for i := 0; b.Loop(); i++ {
			id := benchMessageID(int(uint32(i*2654435761)) % n)
			t := time.Now()
			if _, err := s.ByMessageID(ctx, id); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t))
		}
		lat.report(b)
	})
	b.Run("ByRecipient", func(b *testing.B) {
		explain(b, pool, "SELECT m.message_id, m.account, m.thread_id, m.subject, m.sent_at, m.recipients, m.meta FROM "+
			sc+".sent_recipient AS r JOIN "+sc+".sent_message AS m ON m.message_id = r.message_id "+
			"WHERE r.address = $1 ORDER BY r.address, r.sent_at DESC, r.message_id DESC LIMIT 200", benchRecipient(n/2, n))
		lat := make(latencies, 0, b.N)
		for i := 0; b.Loop(); i++ {
			addr := strings.ToUpper(benchRecipient(int(uint32(i*2654435761))%n, n))
			t := time.Now()
			recs, err := s.ByRecipient(ctx, addr)
			if err != nil || len(recs) != benchPerRecipient {
				b.Fatalf("ByRecipient(%s) = %d records, %v; want %d", addr, len(recs), err, benchPerRecipient)
			}
			lat = append(lat, time.Since(t))
		}
		lat.report(b)
	})
	b.Run("ByThread", func(b *testing.B) {
		explain(b, pool, "SELECT message_id, account, thread_id, subject, sent_at, recipients, meta FROM "+sc+
			".sent_message WHERE lower(account) = lower($1) AND thread_id = $2 AND thread_id <> '' "+
			"ORDER BY lower(account), thread_id, sent_at DESC LIMIT 1", "A22@example.com", "thread-7")
		lat := make(latencies, 0, b.N)
		for i := 0; b.Loop(); i++ {
			j := int(uint32(i*2654435761)) % n
			t := time.Now()
			if _, err := s.ByThread(ctx, fmt.Sprintf("A%d@example.com", j%benchAccounts), fmt.Sprintf("thread-%d", j/benchThreadLength)); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t))
		}
		lat.report(b)
	})
}

// BenchmarkLeases_Renew measures one replica renewing its 100 leases (one
// statement), reporting p50 and p99.
func BenchmarkLeases_Renew(b *testing.B) {
	pool := pgtest.Pool(b)
	s := newStoreOn(b, pool, nil)
	ctx := context.Background()
	all := make([]string, 300)
	for i := range all {
		all[i] = fmt.Sprintf("user%03d@example.com", i)
	}
	held, err := s.Leases().Acquire(ctx, "replica-1", all[:100], time.Minute)
	if err != nil || len(held) != 100 {
		b.Fatalf("Acquire = %d, %v; want 100", len(held), err)
	}
	lat := make(latencies, 0, b.N)
	for b.Loop() {
		t := time.Now()
		got, err := s.Leases().Renew(ctx, "replica-1", held, time.Minute)
		if err != nil || len(got) != 100 {
			b.Fatalf("Renew = %d, %v; want 100", len(got), err)
		}
		lat = append(lat, time.Since(t))
	}
	lat.report(b)
}

// BenchmarkStore_SendLog measures what an idempotent send costs in the
// database: Begin of a new key and Finish with the delivery.
func BenchmarkStore_SendLog(b *testing.B) {
	pool := pgtest.Pool(b)
	s := newStoreOn(b, pool, nil)
	ctx := context.Background()
	lat := make(latencies, 0, b.N)
	for i := 0; b.Loop(); i++ {
		key := "seq/step/" + strconv.Itoa(i)
		t := time.Now()
		if _, err := s.Begin(ctx, "ada@example.com", key, key+"@example.com", time.Now(), 10*time.Minute); err != nil {
			b.Fatal(err)
		}
		if err := s.Finish(ctx, "ada@example.com", key, provider.SendDone, &provider.Sent{MessageID: key + "@example.com", SentAt: time.Now()}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
	}
	lat.report(b)
}
