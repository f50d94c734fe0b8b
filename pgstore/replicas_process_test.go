package pgstore_test

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/pgstore"
	"github.com/inboxkit/inboxkit/pgstore/internal/pgtest"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The lease protocol across OS processes: three copies of this test binary
// share 300 accounts through FairLeases; one is killed with SIGKILL and the
// other two take its accounts over within the lease TTL. Every round each
// replica stamps the accounts it holds with its fence, and the parent
// checks afterwards that each fence of each account belongs to one holder
// and that fences only grow. The engine's replica test adds mail on top.
const (
	replicaEnv      = "INBOXKIT_PG_REPLICA"
	replicaAccounts = 300
	replicaTTL      = 3 * time.Second
	replicaRenew    = replicaTTL / 4
)

// replica is one process's loop; the test binary runs it when started
// with INBOXKIT_PG_REPLICA=name,schema.
func TestLeaseReplicaProcess(t *testing.T) {
	spec := os.Getenv(replicaEnv)
	if spec == "" {
		t.Skip("runs only as a child of TestReplicas_leaseFailover")
	}
	name, schema, _ := strings.Cut(spec, ",")
	pool := pgtest.Pool(t)
	s, err := pgstore.New(pool, &pgstore.Options{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	ctx := pgtest.Context(t, 2*time.Minute)
	l := s.FairLeases()
	all := accounts(replicaAccounts)
	var held []engine.Lease
	for {
		start := time.Now()
		held, err = l.Renew(ctx, name, held, replicaTTL)
		if err != nil {
			t.Fatalf("%s: Renew = %v", name, err)
		}
		took := time.Since(start)
		got, err := l.Acquire(ctx, name, all, replicaTTL)
		if err != nil {
			t.Fatalf("%s: Acquire = %v", name, err)
		}
		held = mergeLeases(held, got)
		if err := stampWork(ctx, pool, schema, name, held, took); err != nil {
			t.Fatalf("%s: recording work = %v", name, err)
		}
		var stop bool
		if err := pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM "+schema+".test_stop)").Scan(&stop); err != nil {
			t.Fatal(err)
		}
		if stop {
			_ = l.Release(ctx, name, held)
			return
		}
		select {
		case <-ctx.Done():
			t.Fatal("parent never said stop")
		case <-time.After(replicaRenew):
		}
	}
}

// stampWork records, for each lease held, that holder worked on the
// account with its fence now, and how long the renewal took.
func stampWork(ctx context.Context, pool *pgxpool.Pool, schema, holder string, held []engine.Lease, renew time.Duration) error {
	accts := make([]string, len(held))
	fences := make([]int64, len(held))
	for i, le := range held {
		accts[i], fences[i] = le.Account, int64(le.Token)
	}
	_, err := pool.Exec(ctx, "INSERT INTO "+schema+".test_work (account, fence, holder) SELECT a, f, $3 FROM unnest($1::text[], $2::bigint[]) AS x(a, f)",
		accts, fences, holder)
	if err != nil {
		return err
	}
	_, err = pool.Exec(ctx, "INSERT INTO "+schema+".test_renew (holder, leases, micros) VALUES ($1, $2, $3)", holder, len(held), renew.Microseconds())
	return err
}

func TestReplicas_leaseFailover(t *testing.T) {
	if os.Getenv(replicaEnv) != "" {
		t.Skip("a child does not start children")
	}
	pool := pgtest.Pool(t)
	s := newStoreOn(t, pool, nil)
	schema := s.Schema()
	ctx := pgtest.Context(t, 2*time.Minute)
	for _, ddl := range []string{
		"CREATE TABLE " + schema + ".test_work (account text, fence bigint, holder text, at timestamptz DEFAULT clock_timestamp())",
		"CREATE TABLE " + schema + ".test_renew (holder text, leases int, micros bigint)",
		"CREATE TABLE " + schema + ".test_stop (x int)",
	} {
		if _, err := pool.Exec(ctx, ddl); err != nil {
			t.Fatal(err)
		}
	}
	names := []string{"r0", "r1", "r2"}
	procs := make(map[string]*exec.Cmd)
	var procsMu sync.Mutex
	killReplicasAtCleanup(t, &procsMu, procs)
	for _, name := range names {
		procs[name] = startReplica(t, "TestLeaseReplicaProcess", replicaEnv, name+","+schema)
	}

	l := s.Leases()
	byHolder := func() map[string][]string {
		live, err := l.Live(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string][]string{}
		for _, le := range live {
			out[le.Holder] = append(out[le.Holder], le.Account)
		}
		return out
	}
	// covered reports whether holders hold every account, in equal shares.
	covered := func(holders ...string) bool {
		h := byHolder()
		for _, name := range holders {
			if len(h[name]) != replicaAccounts/len(holders) {
				return false
			}
		}
		return true
	}
	waitFor(t, 30*time.Second, "a third of the accounts leased by each replica", func() bool { return covered(names...) })
	split := byHolder()
	t.Logf("split over three replicas: r0 %d, r1 %d, r2 %d", len(split["r0"]), len(split["r1"]), len(split["r2"]))

	victim := "r0"
	lost := split[victim]
	if err := procs[victim].Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = procs[victim].Wait()
	delete(procs, victim)
	var killedAt time.Time
	if err := pool.QueryRow(ctx, "SELECT now()").Scan(&killedAt); err != nil {
		t.Fatal(err)
	}
	waitFor(t, replicaTTL+30*time.Second, "the survivors holding half the accounts each", func() bool { return covered("r1", "r2") })

	// Failover per account: from the kill to its first stamp by a survivor.
	var took []time.Duration
	for _, acct := range lost {
		var at time.Time
		err := pool.QueryRow(ctx, "SELECT min(at) FROM "+schema+".test_work WHERE account = $1 AND holder <> $2 AND at > $3",
			acct, victim, killedAt).Scan(&at)
		if err != nil {
			t.Fatal(err)
		}
		took = append(took, at.Sub(killedAt))
	}
	slices.Sort(took)
	p50, max := took[len(took)/2], took[len(took)-1]
	t.Logf("failover of %d accounts after SIGKILL: p50 %v, max %v (lease TTL %v, renewal every %v)",
		len(lost), p50.Round(time.Millisecond), max.Round(time.Millisecond), replicaTTL, replicaRenew)
	if max > replicaTTL+5*replicaRenew {
		t.Errorf("failover took up to %v; want within the TTL %v plus a few renewal rounds", max, replicaTTL)
	}

	if _, err := pool.Exec(ctx, "INSERT INTO "+schema+".test_stop VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	for name, cmd := range procs {
		if err := cmd.Wait(); err != nil {
			t.Errorf("replica %s exited with %v", name, err)
		}
		delete(procs, name)
	}

	// Fencing: each (account, fence) was worked on by one holder, and an
	// account's fences only grow over time.
	var shared int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM (SELECT account, fence FROM "+schema+
		".test_work GROUP BY account, fence HAVING count(DISTINCT holder) > 1) AS x").Scan(&shared); err != nil {
		t.Fatal(err)
	}
	if shared != 0 {
		t.Errorf("%d (account, fence) pairs were worked on by two holders; want 0", shared)
	}
	var backwards int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM (SELECT fence < lag(fence) OVER (PARTITION BY account ORDER BY at) AS back FROM "+
		schema+".test_work) AS x WHERE back").Scan(&backwards); err != nil {
		t.Fatal(err)
	}
	if backwards != 0 {
		t.Errorf("%d stamps carry a smaller fence than the stamp before on the account; want 0", backwards)
	}
	var rp50, rmax float64
	var leases int
	if err := pool.QueryRow(ctx, "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY micros), max(micros), max(leases) FROM "+
		schema+".test_renew WHERE leases >= 100").Scan(&rp50, &rmax, &leases); err != nil {
		t.Fatal(err)
	}
	t.Logf("renewing a replica's leases (100-%d of them, one statement): p50 %.0fµs, max %.0fµs", leases, rp50, rmax)
}

// waitFor polls cond until it holds, failing t after d.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(d)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline:
			t.Fatalf("no %s within %v", what, d)
		case <-tick.C:
		}
	}
}
