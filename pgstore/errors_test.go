package pgstore_test

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/pgstore"
	"github.com/inboxkit/inboxkit/pgstore/internal/pgtest"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/jackc/pgx/v5/pgconn"
)

// A database that is not there is a temporary failure, so the engine
// backs off and tries again; the error names no password.
func TestStore_databaseGoneIsTemporary(t *testing.T) {
	cfg := pgtest.Config(t)
	cfg.ConnConfig.Host = "127.0.0.1"
	cfg.ConnConfig.Port = 1 // nothing listens there
	cfg.ConnConfig.Password = "pw-secret"
	cfg.ConnConfig.ConnectTimeout = 2 * time.Second
	pool := pgtest.PoolWithoutPing(t, cfg)
	s, err := pgstore.New(pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := pgtest.Context(t, testTimeout)
	_, err = s.ByMessageID(ctx, "m@example.com")
	if !errors.Is(err, provider.ErrTemporary) {
		t.Fatalf("ByMessageID with the database gone = %v; want ErrTemporary", err)
	}
	if strings.Contains(err.Error(), "pw-secret") {
		t.Errorf("error %q carries the password", err)
	}
	if err := s.SaveCursor(ctx, "a@example.com", "c"); !errors.Is(err, provider.ErrTemporary) {
		t.Errorf("SaveCursor with the database gone = %v; want ErrTemporary", err)
	}
}

// PostgreSQL's Detail for a failing row quotes the row; pgstore's errors
// and logs never do.
func TestStore_errorsQuoteNoValues(t *testing.T) {
	var logs bytes.Buffer
	pool := pgtest.Pool(t)
	s := newStoreOn(t, pool, &pgstore.Options{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	ctx := pgtest.Context(t, testTimeout)
	const secret = "sealed-value-secret"
	// A NOT NULL violation whose Detail holds the whole row, secret included.
	_, raw := pool.Exec(ctx, "INSERT INTO "+s.Schema()+".sealed_value (key, value, updated_at) VALUES ($1, $2, NULL)", secret, []byte("v"))
	var pe *pgconn.PgError
	if !errors.As(raw, &pe) || !strings.Contains(pe.Detail, secret) {
		t.Fatalf("setup: error = %v (detail %q); want a NOT NULL violation quoting the row", raw, pe.Detail)
	}
	if got := pgstore.WrapForTest("put", raw).Error(); strings.Contains(got, secret) || strings.Contains(got, "Failing row") {
		t.Errorf("wrapped error %q quotes the row", got)
	}

	// Errors from the stores themselves.
	creds := s.Credentials()
	if err := creds.Put(ctx, "cred/"+strings.Repeat("x", 200), []byte(secret)); err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("Put with an over-long key = %v; want an error without the value", err)
	}
	if _, err := creds.Get(ctx, "cred/missing-"+secret); err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("Get of a missing key = %v; want ErrNotFound without the key", err)
	}
	if logs.Len() > 0 && strings.Contains(logs.String(), secret) {
		t.Errorf("logs carry a value: %s", logs.String())
	}
}
