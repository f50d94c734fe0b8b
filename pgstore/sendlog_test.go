package pgstore_test

import (
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/pgstore/internal/pgtest"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/sendlogtest"
)

// The SendLog suite against PostgreSQL; every racer of a concurrency test
// borrows its own connection from the pool.
func TestStore_SendLog(t *testing.T) {
	pool := pgtest.Pool(t)
	sendlogtest.Run(t, func(t *testing.T) provider.SendLog { return newStoreOn(t, pool, nil) })
}

func TestStore_PruneSendLog(t *testing.T) {
	s, _ := newStore(t)
	ctx := pgtest.Context(t, testTimeout)
	old := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, at := range []time.Time{old, old.Add(48 * time.Hour)} {
		if _, err := s.Begin(ctx, "a@example.com", string(rune('a'+i)), "m", at, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.PruneSendLog(ctx, old.Add(24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("PruneSendLog = %d, %v; want 1", n, err)
	}
	if e, err := s.Begin(ctx, "a@example.com", "a", "m2", old.Add(72*time.Hour), time.Minute); err != nil || e != nil {
		t.Errorf("Begin of the pruned key = %+v, %v; want nil (new)", e, err)
	}
}
