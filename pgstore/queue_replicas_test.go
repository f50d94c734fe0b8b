package pgstore_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/internal/mailserver"
	"github.com/inboxkit/inboxkit/pgstore/internal/pgtest"
	"github.com/jackc/pgx/v5"
)

// The queue's exactly-once proof across OS processes: three copies of
// this test binary (running TestQueueReplicaProcess) each schedule a third
// of 1,000 sends over 30 mailboxes and run the engine with pgstore's
// Queue, SendLog and Leases over one database, sending through smtpimap
// to the SMTP server here in the parent. Once a third of the sends are
// delivered, the replica holding the most mailboxes is killed with
// SIGKILL; the survivors take its mailboxes and its claimed sends over.
// The sends are due 15ms apart, so they go out steadily for 15 seconds.
// Counted on the SMTP server, every send must be delivered exactly once,
// and the queue must show every send sent.
const (
	proofSends    = 1000
	proofAccounts = 30
	proofPassword = "correct horse battery staple"
)

var messageIDHeader = regexp.MustCompile(`(?im)^Message-Id:\s*<([^>]+)>`)

func TestReplicas_queueExactlyOnce(t *testing.T) {
	if os.Getenv(queueReplicaEnv) != "" {
		t.Skip("a child does not start children")
	}
	pool := pgtest.Pool(t)
	s := newStoreOn(t, pool, nil)
	schema := s.Schema()
	ctx := pgtest.Context(t, 3*time.Minute)
	table := func(name string) string { return pgx.Identifier{schema, name}.Sanitize() }
	if _, err := pool.Exec(ctx, "CREATE TABLE "+table("test_stop")+" (x int)"); err != nil {
		t.Fatal(err)
	}

	srv, err := mailserver.Start(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	accounts := make([]string, proofAccounts)
	for i := range accounts {
		accounts[i] = fmt.Sprintf("sender%02d@inboxkit.test", i)
		if err := srv.AddUser(accounts[i], proofPassword); err != nil {
			t.Fatal(err)
		}
	}
	// delivered counts the proof's Message-IDs among the messages the
	// SMTP server accepted.
	delivered := func() map[string]int {
		got := map[string]int{}
		for _, env := range srv.Outbox() {
			if m := messageIDHeader.FindSubmatch(env.Data); m != nil {
				got[string(m[1])]++
			}
		}
		return got
	}

	names := []string{"r0", "r1", "r2"}
	spec := queueReplicaSpec{Schema: schema, Replicas: len(names), Sends: proofSends, Accounts: accounts,
		CAPEM: srv.CACertPEM(), Password: proofPassword, LeaseTTL: 2 * time.Second, SendTimeout: 2 * time.Second,
		SendLogLease: 3 * time.Second,
		Start:        time.Now().Add(2 * time.Second), Spacing: 15 * time.Millisecond}
	spec.SMTPHost, spec.SMTPPort = srv.SMTPAddr()
	spec.IMAPHost, spec.IMAPPort = srv.IMAPAddr()
	procs := map[string]*exec.Cmd{}
	var procsMu sync.Mutex
	killReplicasAtCleanup(t, &procsMu, procs)
	start := time.Now()
	for i, name := range names {
		sp := spec
		sp.Name, sp.Index = name, i
		b, err := json.Marshal(sp)
		if err != nil {
			t.Fatal(err)
		}
		cmd := startReplica(t, "TestQueueReplicaProcess", queueReplicaEnv, string(b))
		procsMu.Lock()
		procs[name] = cmd
		procsMu.Unlock()
	}

	// Once every send is scheduled and a third are delivered, kill the
	// replica that is sending one right now (holds a live claim).
	pollUntil(t, ctx, 60*time.Second, "third of the sends delivered", func() bool {
		var queued int
		err := pool.QueryRow(ctx, "SELECT count(*) FROM "+table("queue")).Scan(&queued)
		return err == nil && queued == proofSends && len(delivered()) >= proofSends/3
	})
	var victim, claimID string
	pollUntil(t, ctx, 30*time.Second, "replica caught sending", func() bool {
		err := pool.QueryRow(ctx, "SELECT l.holder, q.id FROM "+table("queue")+" AS q JOIN "+table("lease")+
			" AS l USING (account) WHERE q.state = 'pending' AND q.claim_expires > now() LIMIT 1").Scan(&victim, &claimID)
		return err == nil
	})
	live, err := s.Leases().Live(ctx)
	if err != nil {
		t.Fatal(err)
	}
	held := map[string]int{}
	for _, le := range live {
		held[le.Holder]++
	}
	atKill := len(delivered())
	procsMu.Lock()
	if err := procs[victim].Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = procs[victim].Wait()
	delete(procs, victim)
	procsMu.Unlock()
	killedAt := time.Since(start)

	allFinal := func() bool {
		var pending int
		err := pool.QueryRow(ctx, "SELECT count(*) FROM "+table("queue")+" WHERE state = 'pending'").Scan(&pending)
		return err == nil && pending == 0
	}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for deadline := time.After(90 * time.Second); !allFinal(); {
		select {
		case <-tick.C:
			continue
		case <-deadline:
		}
		var why string
		_ = pool.QueryRow(ctx, "SELECT string_agg(p.account || ' reason=' || p.reason || ' x' || p.n || ' lease=' || coalesce(l.holder, '?') || '/' || coalesce(l.fence, 0) || ' live=' || coalesce(l.expires_at > now(), false), '; ') FROM (SELECT account, reason, count(*) AS n FROM "+
			table("queue")+" WHERE state = 'pending' GROUP BY 1, 2) AS p LEFT JOIN "+table("lease")+" AS l USING (account)").Scan(&why)
		var leases string
		_ = pool.QueryRow(ctx, "SELECT string_agg(holder || ':' || n, ' ') FROM (SELECT holder, count(*) AS n FROM "+table("lease")+" WHERE expires_at > now() GROUP BY 1) AS h").Scan(&leases)
		t.Fatalf("sends still pending after 90s (delivered %d; %s killed; live leases %s): %s", len(delivered()), victim, leases, why)
	}
	took := time.Since(start)
	if _, err := pool.Exec(ctx, "INSERT INTO "+table("test_stop")+" VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	procsMu.Lock()
	for name, cmd := range procs {
		if err := cmd.Wait(); err != nil {
			t.Errorf("replica %s: %v", name, err)
		}
		delete(procs, name)
	}
	procsMu.Unlock()

	// The send the victim was caught holding may have been handed to the
	// SMTP server just before the kill, with no copy in Sent yet: the send
	// log's hand-over mark then makes the survivor refuse to send it again
	// (ErrOutcomeUnknown, the queue marks it failed), so it is delivered
	// exactly once even then. No message may ever be delivered twice.
	var killedMessageID string
	if err := pool.QueryRow(ctx, "SELECT message->>'MessageID' FROM "+table("queue")+" WHERE id = $1", claimID).Scan(&killedMessageID); err != nil {
		t.Fatal(err)
	}
	got := delivered()
	var duplicates, losses int
	for i := range proofSends {
		mid := proofMessageID(i)
		switch n := got[mid]; {
		case n == 0:
			losses++
		case n > 1:
			duplicates += n - 1
			t.Errorf("%s delivered %d times, %d copies in Sent", mid, n, sentCopies(t, srv, accounts[i%proofAccounts], mid))
		}
	}
	var unknown int
	failed, err := pool.Query(ctx, "SELECT message->>'MessageID' FROM "+table("queue")+" WHERE state = 'failed'")
	if err != nil {
		t.Fatal(err)
	}
	for failed.Next() {
		var mid string
		if err := failed.Scan(&mid); err != nil {
			t.Fatal(err)
		}
		if mid != killedMessageID || got[mid] != 1 {
			t.Errorf("%s failed (delivered %d times); only the send the victim held may end unknown, and delivered once", mid, got[mid])
			continue
		}
		unknown++
		t.Logf("%s: %s was killed after handing it to the SMTP server and before its Sent copy; delivered once, reported failed with an unknown outcome", mid, victim)
	}
	if err := failed.Err(); err != nil {
		t.Fatal(err)
	}
	rows, err := pool.Query(ctx, "SELECT state, count(*) FROM "+table("queue")+" GROUP BY state ORDER BY state")
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			t.Fatal(err)
		}
		states[st] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var reclaimed int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM "+table("queue")+" WHERE token > 1").Scan(&reclaimed); err != nil {
		t.Fatal(err)
	}
	// Lateness: from a send's due time to its Finish; the victim's sends
	// wait for its leases to run out (and a claimed one for its claim).
	var lateP50, lateMax float64
	if err := pool.QueryRow(ctx, "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY l), max(l) FROM (SELECT extract(epoch FROM updated_at - at) AS l FROM "+
		table("queue")+" WHERE state = 'sent') AS x").Scan(&lateP50, &lateMax); err != nil {
		t.Fatal(err)
	}
	t.Logf("a send's lateness (due to sent): p50 %.0f ms, max %.0f ms", lateP50*1000, lateMax*1000)
	t.Logf("%d sends scheduled by %d replicas over %d mailboxes; %s (holding %d of %d leased mailboxes, sending %s) killed with SIGKILL at %v with %d delivered; all final after %v",
		proofSends, len(names), proofAccounts, victim, held[victim], len(live), claimID, killedAt.Round(time.Millisecond), atKill, took.Round(time.Millisecond))
	t.Logf("delivered %d distinct, %d duplicates, %d losses; queue states %v (%d failed as unknown after the kill, delivered once); %d sends claimed more than once",
		len(got), duplicates, losses, states, unknown, reclaimed)
	if losses != 0 || duplicates != 0 || states["sent"]+unknown != proofSends {
		t.Errorf("losses %d, duplicates %d, sent %d + unknown %d; want 0, 0, %d in all", losses, duplicates, states["sent"], unknown, proofSends)
	}
}

// sentCopies counts the messages with Message-ID mid in account's Sent
// folder.
func sentCopies(t *testing.T, srv *mailserver.Server, account, mid string) int {
	t.Helper()
	msgs, err := srv.Mailbox(account, "Sent")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range msgs {
		if h := messageIDHeader.FindSubmatch(m); h != nil && string(h[1]) == mid {
			n++
		}
	}
	return n
}
