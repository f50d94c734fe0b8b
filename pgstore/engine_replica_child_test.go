package pgstore_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/pgstore"
	"github.com/inboxkit/inboxkit/pgstore/internal/pgtest"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/smtpimap"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/oauth2"
)

// The child side of TestReplicas_engine: one host replica running the
// engine over pgstore, in its own OS process.

const engineReplicaEnv = "INBOXKIT_PG_ENGINE_REPLICA"

// engineReplicaSpec is what the parent tells a child, as JSON in
// INBOXKIT_PG_ENGINE_REPLICA.
type engineReplicaSpec struct {
	Name, Schema       string
	Replicas           int // how many replicas join before any starts its engine
	SMTPHost, IMAPHost string
	SMTPPort, IMAPPort int
	CAPEM              []byte
	TokenURL           string
	KeyHex             string // the keyring's one key, sealing the stored token
	Password           string
	TTL                time.Duration
}

const sharedTokenKey = "oauth/shared"

// replicaHost is the host's side of the engine in one replica: it opens
// smtpimap providers on the parent's servers, gets the shared OAuth token
// on every open, and stamps every event and cursor it stores with its
// holder name and fence into test_work, for the parent's checks.
type replicaHost struct {
	spec   engineReplicaSpec
	store  *pgstore.Store
	pool   *pgxpool.Pool
	tokens *pgstore.TokenSource
	tls    *tls.Config
	ids    []string
}

func (h *replicaHost) List(ctx context.Context) ([]string, error) { return h.ids, nil }

func (h *replicaHost) Open(ctx context.Context, account string) (provider.Provider, error) {
	if _, err := h.tokens.Token(); err != nil {
		return nil, err
	}
	if err := h.exec(ctx, "INSERT INTO {s}.test_open (account, holder) VALUES ($1, $2)", account, h.spec.Name); err != nil {
		return nil, err
	}
	return smtpimap.New(smtpimap.Config{
		Email:     account,
		Password:  crypto.Secret(h.spec.Password),
		SMTP:      smtpimap.Server{Host: h.spec.SMTPHost, Port: h.spec.SMTPPort, Security: smtpimap.STARTTLS},
		IMAP:      &smtpimap.Server{Host: h.spec.IMAPHost, Port: h.spec.IMAPPort, Security: smtpimap.STARTTLS},
		TLSConfig: h.tls,
	})
}

func (h *replicaHost) exec(ctx context.Context, sql string, args ...any) error {
	_, err := h.pool.Exec(ctx, replaceSchema(sql, h.spec.Schema), args...)
	return err
}

// stamp records that this replica stored work for accounts under fences.
func (h *replicaHost) stamp(ctx context.Context, what string, accounts []string, fences []int64) error {
	return h.exec(ctx, "INSERT INTO {s}.test_work (account, fence, holder, what) SELECT a, f, $3, $4 FROM unnest($1::text[], $2::bigint[]) AS x(a, f)",
		accounts, fences, h.spec.Name, what)
}

// Deliver implements engine.Sink: the event table, then a stamp per event.
func (h *replicaHost) Deliver(ctx context.Context, events []engine.Event) error {
	if err := h.store.Events().Deliver(ctx, events); err != nil {
		return err
	}
	accts, fences := make([]string, len(events)), make([]int64, len(events))
	for i, e := range events {
		accts[i], fences[i] = e.Account, int64(e.Fence)
	}
	return h.stamp(ctx, "event", accts, fences)
}

// fencedCursors is the store's fenced CursorStore, stamping each save.
type fencedCursors struct{ h *replicaHost }

func (c fencedCursors) Cursor(ctx context.Context, account string) (string, error) {
	return c.h.store.Cursor(ctx, account)
}

func (c fencedCursors) SaveCursor(ctx context.Context, account, cursor string) error {
	return c.h.store.SaveCursor(ctx, account, cursor)
}

func (c fencedCursors) SaveCursorFenced(ctx context.Context, account, cursor string, fence uint64) error {
	if err := c.h.store.SaveCursorFenced(ctx, account, cursor, fence); err != nil {
		return err
	}
	return c.h.stamp(ctx, "cursor", []string{account}, []int64{int64(fence)})
}

func TestEngineReplicaProcess(t *testing.T) {
	raw := os.Getenv(engineReplicaEnv)
	if raw == "" {
		t.Skip("runs only as a child of TestReplicas_engine")
	}
	var spec engineReplicaSpec
	if err := json.Unmarshal([]byte(raw), &spec); err != nil {
		t.Fatal(err)
	}
	cfg := pgtest.Config(t)
	cfg.MaxConns = 24
	pool := pgtest.PoolWith(t, cfg)
	s, err := pgstore.New(pool, &pgstore.Options{Schema: spec.Schema})
	if err != nil {
		t.Fatal(err)
	}
	key, err := hex.DecodeString(spec.KeyHex)
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
	oc := &oauth2.Config{ClientID: "c", Endpoint: oauth2.Endpoint{TokenURL: spec.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(spec.CAPEM)
	h := &replicaHost{
		spec: spec, store: s, pool: pool, tls: &tls.Config{RootCAs: roots},
		tokens: toks.TokenSource(sharedTokenKey, pgstore.ConfigRefresher(oc, nil), &pgstore.TokenSourceOptions{EarlyExpiry: engineTokenEarly}),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := h.exec(ctx, "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	rows, err := pool.Query(ctx, replaceSchema("SELECT account FROM {s}.test_account ORDER BY account", spec.Schema))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		h.ids = append(h.ids, a)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}

	// Join: heartbeat, and start the engine once every replica has, so
	// that the first to start does not take every account only to shed
	// two thirds of them a round later.
	leases := s.FairLeases()
	waitUntil(t, ctx, 30*time.Second, "every replica joining", func() bool {
		if _, err := leases.Renew(ctx, spec.Name, nil, spec.TTL); err != nil {
			t.Fatalf("%s: heartbeat: %v", spec.Name, err)
		}
		live, err := leases.Replicas(ctx)
		return err == nil && len(live) >= spec.Replicas
	})

	// The replica's other users of the shared token: one Token call every
	// 20ms, as a busy sender would make.
	var tokenErrs atomic.Int64
	tokenDone := make(chan struct{})
	go func() {
		defer close(tokenDone)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if _, err := h.tokens.Token(); err != nil {
					tokenErrs.Add(1)
				}
			}
		}
	}()

	e, err := engine.New(engine.Options{
		Accounts: h, Cursors: fencedCursors{h}, SentIndex: s, Sink: h,
		Leases: timedLeases{leases, h}, Holder: spec.Name, LeaseTTL: spec.TTL,
		Backoff: engine.Backoff{Base: 100 * time.Millisecond, Max: time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- e.Run(runCtx) }()
	waitUntil(t, ctx, 2*time.Minute, "the parent saying stop", func() bool {
		var stop bool
		err := pool.QueryRow(ctx, replaceSchema("SELECT EXISTS (SELECT 1 FROM {s}.test_stop)", spec.Schema)).Scan(&stop)
		return err == nil && stop
	})
	stop()
	if err := <-ran; err != nil {
		t.Errorf("%s: Run = %v", spec.Name, err)
	}
	cancel()
	<-tokenDone
	if n := tokenErrs.Load(); n > 0 {
		t.Errorf("%s: %d Token calls failed", spec.Name, n)
	}
}

// timedLeases records how long each renewal of the replica's leases takes.
type timedLeases struct {
	*pgstore.Leases
	h *replicaHost
}

func (l timedLeases) Renew(ctx context.Context, holder string, leases []engine.Lease, ttl time.Duration) ([]engine.Lease, error) {
	start := time.Now()
	kept, err := l.Leases.Renew(ctx, holder, leases, ttl)
	if err == nil {
		err = l.h.exec(ctx, "INSERT INTO {s}.test_renew (holder, leases, micros) VALUES ($1, $2, $3)", holder, len(leases), time.Since(start).Microseconds())
	}
	return kept, err
}

// waitUntil polls cond every 100ms until it holds, failing t after d.
func waitUntil(t *testing.T, ctx context.Context, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(d)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline:
			t.Fatalf("no %s within %v", what, d)
		case <-ctx.Done():
			t.Fatalf("no %s before the context ended", what)
		case <-tick.C:
		}
	}
}

// replaceSchema puts the quoted schema into a test's SQL at {s}.
func replaceSchema(sql, schema string) string {
	return strings.ReplaceAll(sql, "{s}", `"`+schema+`"`)
}
