package pgstore_test

import (
	"errors"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/delegation"
	"github.com/inboxkit/inboxkit/delegation/grantstoretest"
	"github.com/inboxkit/inboxkit/pgstore"
	"github.com/inboxkit/inboxkit/pgstore/internal/pgtest"
)

func TestGrants_grantstoretest(t *testing.T) {
	pool := pgtest.Pool(t)
	grantstoretest.Run(t, func(t *testing.T) delegation.GrantStore { return newStoreOn(t, pool, nil).Grants() })
}

func TestRedeemed_onceAcrossRacers(t *testing.T) {
	s, _ := newStore(t)
	r := s.Redeemed()
	ctx := pgtest.Context(t, testTimeout)
	exp := time.Now().Add(time.Hour)
	var ok, used atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			err := r.MarkRedeemed(ctx, "inv-1", exp)
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, delegation.ErrInviteUsed):
				used.Add(1)
			default:
				t.Errorf("MarkRedeemed = %v", err)
			}
		})
	}
	wg.Wait()
	if ok.Load() != 1 || used.Load() != 7 {
		t.Errorf("%d redeemed, %d refused as used; want 1 and 7", ok.Load(), used.Load())
	}
	if err := r.MarkRedeemed(ctx, "inv-2", exp); err != nil {
		t.Errorf("MarkRedeemed(another id) = %v; want nil", err)
	}
}

// Expired IDs are forgotten as later invitations are redeemed.
func TestRedeemed_forgetsExpired(t *testing.T) {
	pool := pgtest.Pool(t)
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s := newStoreOn(t, pool, &pgstore.Options{Now: func() time.Time { return now }})
	ctx := pgtest.Context(t, testTimeout)
	if err := s.Redeemed().MarkRedeemed(ctx, "old", now.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.Redeemed().MarkRedeemed(ctx, "new", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM "+s.Schema()+".redeemed_invitation").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d IDs kept; want 1 (the expired one forgotten)", n)
	}
}

func TestAudit_RecordForUser(t *testing.T) {
	s, _ := newStore(t)
	a := s.Audit()
	ctx := pgtest.Context(t, testTimeout)
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	events := []delegation.AuditEvent{
		{Type: delegation.AuditRequested, At: at, Actor: "sam", OnBehalfOf: "olga", GrantID: "g1"},
		{Type: delegation.AuditAccepted, At: at.Add(time.Minute), Actor: "olga", OnBehalfOf: "sam", GrantID: "g1"},
		{Type: delegation.AuditSent, At: at.Add(2 * time.Minute), Actor: "sam", OnBehalfOf: "olga", GrantID: "g1",
			Mailbox: "olga@example.com", MessageID: "m1@example.com"},
		{Type: delegation.AuditRefused, At: at.Add(3 * time.Minute), Actor: "eve", OnBehalfOf: "olga", Reason: "no grant"},
	}
	for _, e := range events {
		if err := a.Record(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	got, err := a.ForUser(ctx, "sam", 10)
	if err != nil {
		t.Fatal(err)
	}
	if want := events[:3]; !reflect.DeepEqual(got, want) {
		t.Errorf("ForUser(sam) = %+v; want %+v", got, want)
	}
	if got, err := a.ForUser(ctx, "olga", 2); err != nil || len(got) != 2 {
		t.Errorf("ForUser(olga, 2) = %d events, %v; want 2", len(got), err)
	}
}
