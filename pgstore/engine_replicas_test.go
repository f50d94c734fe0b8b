package pgstore_test

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/internal/mailserver"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/pgstore/internal/pgtest"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
	"golang.org/x/oauth2"
)

// The many-replicas proof: three OS processes (this test binary again,
// running TestEngineReplicaProcess) run the engine over one database for
// 300 IMAP IDLE mailboxes on the in-process mail servers, which run here
// in the parent. Replies arrive throughout; one replica is killed with
// SIGKILL mid-run. The test checks that every (mailbox, fence) was worked
// on by one replica and fences only grow, that the survivors take the
// victim's mailboxes within the lease TTL, that every reply reaches the
// event table once, and that the shared OAuth token, expiring every two
// seconds and used by all three replicas, is refreshed once per expiry.
// INBOXKIT_PG_ENGINE_ACCOUNTS runs more mailboxes.
const (
	engineTTL           = 3 * time.Second
	engineTokenLifetime = 2 * time.Second
	engineTokenEarly    = 300 * time.Millisecond // the TokenSources' EarlyExpiry
	engineReplyEvery    = 20 * time.Millisecond
	enginePassword      = "correct horse battery staple"
)

func TestReplicas_engine(t *testing.T) {
	if os.Getenv(engineReplicaEnv) != "" {
		t.Skip("a child does not start children")
	}
	n := 300
	if v, err := strconv.Atoi(os.Getenv("INBOXKIT_PG_ENGINE_ACCOUNTS")); err == nil && v > 0 {
		n = v
	}
	pool := pgtest.Pool(t)
	s := newStoreOn(t, pool, nil)
	schema := s.Schema()
	ctx := pgtest.Context(t, 3*time.Minute)
	q := func(sql string) string { return replaceSchema(sql, schema) }
	for _, ddl := range []string{
		"CREATE TABLE {s}.test_account (account text PRIMARY KEY)",
		"CREATE TABLE {s}.test_work (account text, fence bigint, holder text, what text, at timestamptz DEFAULT clock_timestamp())",
		"CREATE TABLE {s}.test_open (account text, holder text, at timestamptz DEFAULT clock_timestamp())",
		"CREATE TABLE {s}.test_stop (x int)",
		"CREATE TABLE {s}.test_renew (holder text, leases int, micros bigint, at timestamptz DEFAULT clock_timestamp())",
	} {
		if _, err := pool.Exec(ctx, q(ddl)); err != nil {
			t.Fatal(err)
		}
	}

	srv, err := mailserver.Start(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	ids := make([]string, n)
	sent := map[string]string{}
	for i := range ids {
		id := fmt.Sprintf("user%04d@inboxkit.test", i)
		ids[i] = id
		if err := srv.AddUser(id, enginePassword); err != nil {
			t.Fatal(err)
		}
		mid := providerkit.NewMessageID(id)
		sent[id] = mid
		if err := s.Add(ctx, provider.SentRecord{Account: id, MessageID: mid, Recipients: []string{prospect(id)},
			Subject: "Go engineers", SentAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pool.Exec(ctx, q("INSERT INTO {s}.test_account SELECT unnest($1::text[])"), ids); err != nil {
		t.Fatal(err)
	}

	// The shared token, expiring every two seconds, and its counting
	// endpoint, which accepts only the latest refresh token.
	ep := &tokenEndpoint{current: "rt-secret-1", lifetime: engineTokenLifetime}
	tokenSrv := httptest.NewServer(ep)
	t.Cleanup(tokenSrv.Close)
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	ring, err := crypto.NewKeyring("k1", map[string][]byte{"k1": key})
	if err != nil {
		t.Fatal(err)
	}
	toks, err := s.Tokens(ring)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := toks.Put(ctx, sharedTokenKey, &oauth2.Token{AccessToken: "at-secret-0", TokenType: "Bearer",
		RefreshToken: "rt-secret-1", Expiry: time.Now().Add(engineTokenLifetime)}); err != nil {
		t.Fatal(err)
	}

	names := []string{"r0", "r1", "r2"}
	spec := engineReplicaSpec{Schema: schema, Replicas: len(names), CAPEM: srv.CACertPEM(), TokenURL: tokenSrv.URL,
		KeyHex: hex.EncodeToString(key), Password: enginePassword, TTL: engineTTL}
	spec.SMTPHost, spec.SMTPPort = srv.SMTPAddr()
	spec.IMAPHost, spec.IMAPPort = srv.IMAPAddr()
	procs := map[string]*exec.Cmd{}
	var procsMu sync.Mutex
	killReplicasAtCleanup(t, &procsMu, procs)
	for _, name := range names {
		sp := spec
		sp.Name = name
		b, _ := json.Marshal(sp)
		procs[name] = startReplica(t, "TestEngineReplicaProcess", engineReplicaEnv, string(b))
	}
	started := time.Now()

	l := s.Leases()
	share := func() map[string]int {
		live, err := l.Live(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, le := range live {
			out[le.Holder]++
		}
		return out
	}
	opened := func() int {
		var k int
		if err := pool.QueryRow(ctx, q("SELECT count(DISTINCT account) FROM {s}.test_open")).Scan(&k); err != nil {
			t.Fatal(err)
		}
		return k
	}
	waitFor(t, 60*time.Second, "every mailbox opened, a third by each replica", func() bool {
		sh := share()
		for _, name := range names {
			if d := sh[name] - n/len(names); d < -1 || d > 1 {
				return false
			}
		}
		return opened() == n
	})
	t.Logf("%d mailboxes running on three replicas after %v: %v", n, time.Since(started).Round(time.Millisecond), share())

	// Replies, round robin over the mailboxes, until told to stop.
	var repliesMu sync.Mutex
	replies := map[string]string{} // Message-ID → mailbox
	stopReplies := make(chan struct{})
	pumpDone := make(chan struct{})
	go func() {
		defer close(pumpDone)
		tick := time.NewTicker(engineReplyEvery)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-stopReplies:
				return
			case <-tick.C:
			}
			id := ids[(i*7)%n]
			raw := providertest.Reply(prospect(id), id, "Re: Go engineers", sent[id])
			if err := srv.Deliver(id, raw); err != nil {
				t.Errorf("Deliver: %v", err)
				return
			}
			repliesMu.Lock()
			replies[providertest.MessageIDOf(raw)] = id
			repliesMu.Unlock()
		}
	}()
	<-time.After(2 * time.Second) // replies flowing before the kill

	victim := "r0"
	procsMu.Lock()
	if err := procs[victim].Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = procs[victim].Wait()
	delete(procs, victim)
	procsMu.Unlock()
	var killedAt time.Time
	if err := pool.QueryRow(ctx, "SELECT now()").Scan(&killedAt); err != nil {
		t.Fatal(err)
	}
	waitFor(t, engineTTL+30*time.Second, "the survivors running half the mailboxes each", func() bool {
		sh := share()
		return sh[victim] == 0 && sh["r1"]+sh["r2"] == n && sh["r1"] >= n/2-1 && sh["r2"] >= n/2-1
	})
	var lost []string
	rows, err := pool.Query(ctx, q("SELECT DISTINCT account FROM {s}.test_open WHERE holder = $1"), victim)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var a string
		_ = rows.Scan(&a)
		lost = append(lost, a)
	}
	if len(lost) == 0 {
		t.Fatal("the victim ran no mailbox")
	}
	waitFor(t, 30*time.Second, "the survivors opening every mailbox of the victim", func() bool {
		var k int
		if err := pool.QueryRow(ctx, q("SELECT count(DISTINCT account) FROM {s}.test_open WHERE account = ANY($1) AND holder <> $2 AND at > $3"),
			lost, victim, killedAt).Scan(&k); err != nil {
			t.Fatal(err)
		}
		return k == len(lost)
	})
	var took []time.Duration
	for _, acct := range lost {
		var at time.Time
		err := pool.QueryRow(ctx, q("SELECT min(at) FROM {s}.test_open WHERE account = $1 AND holder <> $2 AND at > $3"),
			acct, victim, killedAt).Scan(&at)
		if err != nil {
			t.Fatalf("%s was never opened by a survivor: %v", acct, err)
		}
		took = append(took, at.Sub(killedAt))
	}
	slices.Sort(took)
	p50, worst := took[len(took)/2], took[len(took)-1]
	// The victim's leases ran out one TTL after its last renewal.
	var lastRenew time.Time
	if err := pool.QueryRow(ctx, q("SELECT max(at) FROM {s}.test_renew WHERE holder = $1"), victim).Scan(&lastRenew); err != nil {
		t.Fatal(err)
	}
	expired := lastRenew.Add(engineTTL)
	t.Logf("the victim's leases ran out %v after the kill; the survivors opened its mailboxes %v (p50) and at most %v after that",
		expired.Sub(killedAt).Round(time.Millisecond), (p50 - expired.Sub(killedAt)).Round(time.Millisecond), (worst - expired.Sub(killedAt)).Round(time.Millisecond))
	t.Logf("failover of %d mailboxes after SIGKILL, to the survivors' engines opening them: p50 %v, max %v (lease TTL %v)",
		len(lost), p50.Round(time.Millisecond), worst.Round(time.Millisecond), engineTTL)
	if worst > engineTTL+engineTTL/3+2*time.Second {
		t.Errorf("failover took up to %v; want within the TTL %v and a renewal round", worst, engineTTL)
	}

	<-time.After(2 * time.Second) // replies to the moved mailboxes
	close(stopReplies)
	<-pumpDone

	// Every reply becomes one event.
	repliesMu.Lock()
	want := len(replies)
	repliesMu.Unlock()
	count := func() (events, distinct int) {
		if err := pool.QueryRow(ctx, q("SELECT count(*), count(DISTINCT message_id) FROM {s}.event WHERE kind = 'replied'")).
			Scan(&events, &distinct); err != nil {
			t.Fatal(err)
		}
		return events, distinct
	}
	waitFor(t, 60*time.Second, fmt.Sprintf("all %d replies in the event table", want), func() bool {
		_, d := count()
		return d >= want
	})
	events, distinct := count()
	var unknown int
	if err := pool.QueryRow(ctx, q("SELECT count(*) FROM {s}.event WHERE kind <> 'replied'")).Scan(&unknown); err != nil {
		t.Fatal(err)
	}
	dups, losses := events-distinct, want-distinct
	t.Logf("%d replies delivered over %v: %d events, duplicates %d, losses %d, other events %d",
		want, time.Since(started).Round(time.Millisecond), events, dups, losses, unknown)
	if dups != 0 || losses != 0 || unknown != 0 {
		t.Errorf("duplicates %d, losses %d, events of another kind %d; want all 0", dups, losses, unknown)
	}

	if _, err := pool.Exec(ctx, q("INSERT INTO {s}.test_stop VALUES (1)")); err != nil {
		t.Fatal(err)
	}
	procsMu.Lock()
	for name, cmd := range procs {
		if err := cmd.Wait(); err != nil {
			t.Errorf("replica %s exited with %v", name, err)
		}
		delete(procs, name)
	}
	procsMu.Unlock()
	ran := time.Since(started)

	// Fencing: each (mailbox, fence) was worked on by one replica, and a
	// mailbox's fences only grow.
	var shared, backwards, stamps int
	if err := pool.QueryRow(ctx, q("SELECT count(*) FROM (SELECT 1 FROM {s}.test_work GROUP BY account, fence HAVING count(DISTINCT holder) > 1) AS x")).
		Scan(&shared); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, q("SELECT count(*) FILTER (WHERE back), count(*) FROM (SELECT fence < lag(fence) OVER (PARTITION BY account ORDER BY at) AS back FROM {s}.test_work) AS x")).
		Scan(&backwards, &stamps); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d stamps of stored work: %d (mailbox, fence) pairs shared by two replicas, %d fences going backwards", stamps, shared, backwards)
	if shared != 0 || backwards != 0 {
		t.Errorf("fencing broken: %d shared pairs, %d backwards; want 0 and 0", shared, backwards)
	}

	var rp50, rp99, rmax float64
	var rleases int
	if err := pool.QueryRow(ctx, q("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY micros), percentile_cont(0.99) WITHIN GROUP (ORDER BY micros), max(micros), max(leases) FROM {s}.test_renew WHERE leases >= $1"), n/len(names)-1).
		Scan(&rp50, &rp99, &rmax, &rleases); err != nil {
		t.Fatal(err)
	}
	t.Logf("a replica renewing its %d-%d leases (one statement, under load): p50 %.1fms, p99 %.1fms, max %.1fms",
		n/len(names)-1, rleases, rp50/1000, rp99/1000, rmax/1000)

	// One refresh per expiry: the refreshes are at least a token lifetime
	// (less the early refresh) apart, and the endpoint, which refuses a
	// refresh token already used, refused none.
	ep.mu.Lock()
	refreshes, at := ep.refreshes, slices.Clone(ep.at)
	ep.mu.Unlock()
	minGap := time.Duration(1<<63 - 1)
	for i := 1; i < len(at); i++ {
		minGap = min(minGap, at[i].Sub(at[i-1]))
	}
	expiries := int(ran/(engineTokenLifetime-engineTokenEarly)) + 1
	t.Logf("token refreshes: %d over %v with a %v token (at most %d expiries); closest two refreshes %v apart",
		refreshes, ran.Round(time.Millisecond), engineTokenLifetime, expiries, minGap.Round(time.Millisecond))
	if refreshes == 0 || refreshes > expiries {
		t.Errorf("%d refreshes; want between 1 and %d, one per expiry", refreshes, expiries)
	}
	if len(at) > 1 && minGap < engineTokenLifetime/2 {
		t.Errorf("two refreshes %v apart; want one per %v expiry", minGap, engineTokenLifetime)
	}
}

func prospect(account string) string { return "prospect-of-" + account }
