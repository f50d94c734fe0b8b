package pgstore_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/pgstore"
	"github.com/inboxkit/inboxkit/pgstore/internal/pgtest"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/smtpimap"
	"github.com/jackc/pgx/v5"
)

// The child side of TestReplicas_queueExactlyOnce: one host replica
// scheduling its share of the sends and running the engine, with
// pgstore's Queue, SendLog and FairLeases, in its own OS process.

const queueReplicaEnv = "INBOXKIT_PG_QUEUE_REPLICA"

// queueReplicaSpec is what the parent tells a child, as JSON.
type queueReplicaSpec struct {
	Name, Schema       string
	Index, Replicas    int // this replica schedules sends Index, Index+Replicas, …
	Sends              int
	Accounts           []string
	SMTPHost, IMAPHost string
	SMTPPort, IMAPPort int
	CAPEM              []byte
	Password           string
	LeaseTTL           time.Duration
	SendTimeout        time.Duration
	SendLogLease       time.Duration
	// Send i is due at Start + i·Spacing, so sends go out steadily
	// through the run and the kill lands among them.
	Start   time.Time
	Spacing time.Duration
}

// proofMessageID and proofKey name send i of the proof.
func proofMessageID(i int) string { return fmt.Sprintf("proof-%04d@inboxkit.test", i) }
func proofKey(i int) string       { return fmt.Sprintf("proof-%04d", i) }

// queueHost opens smtpimap providers on the parent's servers, every one
// recording its idempotency keys in the Store's send log.
type queueHost struct {
	spec queueReplicaSpec
	log  provider.SendLog
	tls  *tls.Config
}

func (h *queueHost) List(ctx context.Context) ([]string, error) { return h.spec.Accounts, nil }

func (h *queueHost) Open(ctx context.Context, account string) (provider.Provider, error) {
	return smtpimap.New(smtpimap.Config{
		Email:     account,
		Password:  crypto.Secret(h.spec.Password),
		SMTP:      smtpimap.Server{Host: h.spec.SMTPHost, Port: h.spec.SMTPPort, Security: smtpimap.STARTTLS},
		IMAP:      &smtpimap.Server{Host: h.spec.IMAPHost, Port: h.spec.IMAPPort, Security: smtpimap.STARTTLS},
		TLSConfig: h.tls,
		SendLog:   h.log,
	})
}

// shortSendLog is the Store's send log with the in-flight lease the test
// needs: smtpimap's Deduper holds an interrupted send's key for 10
// minutes before another process may look it up and retry, longer than
// the test runs; the lease is the only thing changed.
type shortSendLog struct {
	*pgstore.Store
	lease time.Duration
}

func (l shortSendLog) Begin(ctx context.Context, account, key, messageID string, now time.Time, lease time.Duration) (*provider.SendEntry, error) {
	return l.Store.Begin(ctx, account, key, messageID, now, min(lease, l.lease))
}

func TestQueueReplicaProcess(t *testing.T) {
	raw := os.Getenv(queueReplicaEnv)
	if raw == "" {
		t.Skip("runs only as a child of TestReplicas_queueExactlyOnce")
	}
	var spec queueReplicaSpec
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
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(spec.CAPEM)
	h := &queueHost{spec: spec, log: shortSendLog{s, spec.SendLogLease}, tls: &tls.Config{RootCAs: roots}}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// Join before running the engine, so that the fair share splits the
	// mailboxes three ways from the start.
	leases := s.FairLeases()
	pollUntil(t, ctx, 30*time.Second, "every replica joining", func() bool {
		if _, err := leases.Renew(ctx, spec.Name, nil, spec.LeaseTTL); err != nil {
			t.Fatalf("%s: heartbeat: %v", spec.Name, err)
		}
		live, err := leases.Replicas(ctx)
		return err == nil && len(live) >= spec.Replicas
	})
	e, err := engine.New(engine.Options{
		Accounts: h, Cursors: s, SentIndex: s,
		Sink:   engine.SinkFunc(func(context.Context, []engine.Event) error { return nil }),
		Leases: leases, Holder: spec.Name, LeaseTTL: spec.LeaseTTL,
		Queue: s.Queue(), SendTimeout: spec.SendTimeout, PollInterval: time.Minute,
		Backoff: engine.Backoff{Base: 100 * time.Millisecond, Max: time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- e.Run(runCtx) }()
	// Sends another replica schedules for a mailbox running here.
	listened := make(chan error, 1)
	go func() { listened <- s.Queue().Listen(runCtx, func(account string) { e.KickOutbox(account) }) }()
	for i := spec.Index; i < spec.Sends; i += spec.Replicas {
		m := &provider.Message{
			To:      []provider.Address{{Email: fmt.Sprintf("prospect%04d@client.example", i)}},
			Subject: fmt.Sprintf("Proof %d", i), Text: "Exactly once, please.",
			MessageID: proofMessageID(i), IdempotencyKey: proofKey(i),
		}
		if _, err := e.Schedule(ctx, spec.Accounts[i%len(spec.Accounts)], m, spec.Start.Add(time.Duration(i)*spec.Spacing), nil); err != nil {
			t.Fatalf("%s: Schedule(%d) = %v", spec.Name, i, err)
		}
	}
	pollUntil(t, ctx, 2*time.Minute, "the parent saying stop", func() bool {
		var stop bool
		err := pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM "+pgx.Identifier{spec.Schema, "test_stop"}.Sanitize()+")").Scan(&stop)
		return err == nil && stop
	})
	stop()
	if err := <-ran; err != nil {
		t.Errorf("%s: Run = %v", spec.Name, err)
	}
	if err := <-listened; err != nil {
		t.Errorf("%s: Listen = %v", spec.Name, err)
	}
}

// pollUntil polls cond every 5ms until it holds, failing t after d.
func pollUntil(t *testing.T, ctx context.Context, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(d)
	tick := time.NewTicker(5 * time.Millisecond)
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
