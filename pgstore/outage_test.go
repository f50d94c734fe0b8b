package pgstore_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/internal/mailserver"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/pgstore"
	"github.com/inboxkit/inboxkit/pgstore/internal/pgtest"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
	"github.com/inboxkit/inboxkit/smtpimap"
	"github.com/jackc/pgx/v5"
)

// lockedBuffer is a bytes.Buffer safe for concurrent writers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 64<<10 {
		return len(p), nil // enough to see what happened
	}
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// imapOpener opens smtpimap providers on an in-process mail server.
type imapOpener struct {
	srv *mailserver.Server
	ids []string
}

func (o imapOpener) List(ctx context.Context) ([]string, error) { return o.ids, nil }

func (o imapOpener) Open(ctx context.Context, account string) (provider.Provider, error) {
	sh, sp := o.srv.SMTPAddr()
	ih, ip := o.srv.IMAPAddr()
	return smtpimap.New(smtpimap.Config{
		Email:     account,
		Password:  crypto.Secret(enginePassword),
		SMTP:      smtpimap.Server{Host: sh, Port: sp, Security: smtpimap.STARTTLS},
		IMAP:      &smtpimap.Server{Host: ih, Port: ip, Security: smtpimap.STARTTLS},
		TLSConfig: o.srv.ClientTLSConfig(),
	})
}

// The database goes away for longer than the lease TTL while replies keep
// arriving: its own database stops taking connections and every
// connection to it is terminated. The engine's renewals, deliveries and
// cursor saves fail; it stops the mailboxes whose leases it can no longer
// prove, backs off, and when the database is back it takes the leases
// again (new fences) and fetches from the saved cursors. Every reply ends
// up in the event table once, and every cursor was saved under the
// mailbox's current fence.
func TestEngine_databaseOutage(t *testing.T) {
	cfg := pgtest.Config(t)
	admin := pgtest.PoolWith(t, cfg.Copy())
	ctx := pgtest.Context(t, 2*time.Minute)
	var b [4]byte
	_, _ = rand.Read(b[:])
	db := "inboxkit_outage_" + hex.EncodeToString(b[:])
	quoted := pgx.Identifier{db}.Sanitize()
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+quoted); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.Exec(c, "DROP DATABASE IF EXISTS "+quoted+" WITH (FORCE)"); err != nil {
			t.Errorf("dropping %s: %v", db, err)
		}
	})
	own := cfg.Copy()
	own.ConnConfig.Database = db
	pool := pgtest.PoolWith(t, own)
	s, err := pgstore.New(pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}

	srv, err := mailserver.Start(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	const n = 20
	o := imapOpener{srv: srv}
	sent := map[string]string{}
	for i := range n {
		id := fmt.Sprintf("user%02d@inboxkit.test", i)
		if err := srv.AddUser(id, enginePassword); err != nil {
			t.Fatal(err)
		}
		sent[id] = providerkit.NewMessageID(id)
		if err := s.Add(ctx, provider.SentRecord{Account: id, MessageID: sent[id], Recipients: []string{prospect(id)},
			Subject: "Go engineers", SentAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		o.ids = append(o.ids, id)
	}

	const ttl = time.Second
	var warnings lockedBuffer // the engine's warnings, shown if the test fails
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the engine's warnings:\n%s", warnings.String())
		}
	})
	e, err := engine.New(engine.Options{
		Accounts: o, Cursors: s, SentIndex: s, Sink: s.Events(), Leases: s.FairLeases(), LeaseTTL: ttl,
		Backoff: engine.Backoff{Base: 50 * time.Millisecond, Max: 500 * time.Millisecond},
		Logger:  slog.New(slog.NewTextHandler(&warnings, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- e.Run(runCtx) }()
	defer func() {
		stop()
		if err := <-ran; err != nil {
			t.Errorf("Run = %v", err)
		}
	}()
	count := func(sql string) int {
		var k int
		if err := pool.QueryRow(ctx, sql).Scan(&k); err != nil {
			t.Fatal(err)
		}
		return k
	}
	waitFor(t, 30*time.Second, "a cursor saved for every mailbox", func() bool {
		return count("SELECT count(*) FROM inboxkit.fetch_cursor") == n
	})

	var mu sync.Mutex
	replies := map[string]bool{}
	deliver := func(d time.Duration) {
		t.Helper()
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		end := time.After(d)
		for i := 0; ; i++ {
			select {
			case <-end:
				return
			case <-tick.C:
			}
			id := o.ids[i%n]
			raw := providertest.Reply(prospect(id), id, "Re: Go engineers", sent[id])
			if err := srv.Deliver(id, raw); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			replies[providertest.MessageIDOf(raw)] = true
			mu.Unlock()
		}
	}
	deliver(time.Second)
	before := count("SELECT count(*) FROM inboxkit.event")

	// The outage: no new connections, every open one terminated.
	outage := time.Now()
	for _, sql := range []string{
		"ALTER DATABASE " + quoted + " WITH ALLOW_CONNECTIONS false",
		"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1",
	} {
		var args []any
		if sql[0] == 'S' {
			args = append(args, db)
		}
		if _, err := admin.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	deliver(3 * ttl)
	if _, err := admin.Exec(ctx, "ALTER DATABASE "+quoted+" WITH ALLOW_CONNECTIONS true"); err != nil {
		t.Fatal(err)
	}
	down := time.Since(outage)
	deliver(500 * time.Millisecond)

	mu.Lock()
	want := len(replies)
	mu.Unlock()
	back := time.Now()
	defer func() {
		if !t.Failed() {
			return
		}
		rows, err := pool.Query(ctx, `SELECT kind, message_id = '', reason, count(*), count(DISTINCT message_id) FROM inboxkit.event GROUP BY 1, 2, 3`)
		if err != nil {
			t.Logf("diagnosis: %v", err)
			return
		}
		for rows.Next() {
			var kind, reason string
			var noID bool
			var k, d int
			_ = rows.Scan(&kind, &noID, &reason, &k, &d)
			t.Logf("events %s (no Message-ID %v, reason %q): %d, %d distinct", kind, noID, reason, k, d)
		}
	}()
	// Usually all are there within a second; two runs of twenty on a busy
	// machine (right after a merge) never got there within a minute, with
	// everything stored when looked at afterwards, so the wait is long and
	// a slow catch-up is reported.
	waitFor(t, 90*time.Second, fmt.Sprintf("all %d replies in the event table", want), func() bool {
		var k int
		err := pool.QueryRow(ctx, "SELECT count(DISTINCT message_id) FROM inboxkit.event").Scan(&k)
		return err == nil && k >= want
	})
	caughtUp := time.Since(back)
	events := count("SELECT count(*) FROM inboxkit.event")
	distinct := count("SELECT count(DISTINCT message_id) FROM inboxkit.event")
	t.Logf("outage of %v (lease TTL %v): %d replies, %d events (%d before the outage), duplicates %d, losses %d; caught up %v after the database came back",
		down.Round(time.Millisecond), ttl, want, events, before, events-distinct, want-distinct, caughtUp.Round(time.Millisecond))
	if caughtUp > 30*time.Second {
		t.Logf("NOTE: the last reply reached the event table only %v after the database came back", caughtUp.Round(time.Millisecond))
	}
	if events != distinct || distinct != want {
		t.Errorf("events %d, distinct %d, replies %d; want all equal", events, distinct, want)
	}

	// Every mailbox runs again under a new fence, and its cursor was saved
	// under that fence.
	waitFor(t, 30*time.Second, "every cursor saved under the mailbox's current fence", func() bool {
		return count(`SELECT count(*) FROM inboxkit.fetch_cursor AS c JOIN inboxkit.lease AS l USING (account)
			WHERE l.expires_at > now() AND c.fence = l.fence`) == n
	})
	if moved := count("SELECT count(*) FROM inboxkit.lease WHERE fence > 1"); moved != n {
		t.Errorf("%d of %d mailboxes were taken again under a new fence after the outage; want all", moved, n)
	}
}
