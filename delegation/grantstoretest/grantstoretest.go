// Package grantstoretest is the conformance suite for delegation.GrantStore
// implementations. A host runs it against its own store:
//
//	func TestGrantStore(t *testing.T) {
//		grantstoretest.Run(t, func(t *testing.T) delegation.GrantStore {
//			return newTestStore(t) // a fresh, empty store per call
//		})
//	}
//
// The suite checks what the Manager and the Policy rely on: round trips,
// provider.ErrNotFound for missing grants, delegation.ErrConflict for a
// taken ID, a second open grant for one pair, and a stale compare-and-swap;
// ordering of Between and ForUser; and, under concurrency, that of many
// writers racing on one grant exactly one wins, so two concurrent accepts,
// declines or revokes through a delegation.Manager end in one valid state.
package grantstoretest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/delegation"
	"github.com/inboxkit/inboxkit/provider"
)

// racers is how many goroutines race in the concurrency tests.
const racers = 8

// base is the CreatedAt of the first grant the suite makes.
func base() time.Time { return time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC) }

// Run runs every conformance test against stores from newStore, which must
// return a fresh, empty store on each call.
func Run(t *testing.T, newStore func(t *testing.T) delegation.GrantStore) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, s delegation.GrantStore)
	}{
		{"CreateLoad", testCreateLoad},
		{"LoadMissing", testLoadMissing},
		{"CreateDuplicateID", testCreateDuplicateID},
		{"OneOpenGrantPerPair", testOneOpenGrantPerPair},
		{"CompareAndSwap", testCompareAndSwap},
		{"Listing", testListing},
		{"ConcurrentSwap", testConcurrentSwap},
		{"ConcurrentCreate", testConcurrentCreate},
		{"ConcurrentAcceptDecline", testConcurrentAcceptDecline},
		{"ConcurrentRevoke", testConcurrentRevoke},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
}

func grant(id, requester, owner string, state delegation.GrantState, minute int) delegation.Grant {
	at := base().Add(time.Duration(minute) * time.Minute)
	return delegation.Grant{
		ID: id, Requester: requester, Owner: owner, State: state, Version: 1,
		By: requester, CreatedAt: at, UpdatedAt: at,
	}
}

func mustCreate(t *testing.T, s delegation.GrantStore, g delegation.Grant) {
	t.Helper()
	if err := s.Create(context.Background(), g); err != nil {
		t.Fatalf("Create(%s) = %v; want nil", g.ID, err)
	}
}

func mustLoad(t *testing.T, s delegation.GrantStore, id string) delegation.Grant {
	t.Helper()
	g, err := s.Load(context.Background(), id)
	if err != nil {
		t.Fatalf("Load(%s) = %v; want nil", id, err)
	}
	return g
}

func same(a, b delegation.Grant) bool {
	return a.ID == b.ID && a.Requester == b.Requester && a.Owner == b.Owner && a.State == b.State &&
		a.Version == b.Version && a.By == b.By && a.CreatedAt.Equal(b.CreatedAt) && a.UpdatedAt.Equal(b.UpdatedAt)
}

func testCreateLoad(t *testing.T, s delegation.GrantStore) {
	want := grant("g1", "rita", "max", delegation.GrantRequested, 0)
	mustCreate(t, s, want)
	if got := mustLoad(t, s, "g1"); !same(got, want) {
		t.Errorf("Load(g1) = %+v; want %+v", got, want)
	}
}

func testLoadMissing(t *testing.T, s delegation.GrantStore) {
	_, err := s.Load(context.Background(), "nope")
	if !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("Load(missing) = %v; want provider.ErrNotFound", err)
	}
	err = s.CompareAndSwap(context.Background(), 1, grant("nope", "a", "b", delegation.GrantActive, 0))
	if !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("CompareAndSwap(missing) = %v; want provider.ErrNotFound", err)
	}
}

func testCreateDuplicateID(t *testing.T, s delegation.GrantStore) {
	mustCreate(t, s, grant("g1", "rita", "max", delegation.GrantDeclined, 0))
	err := s.Create(context.Background(), grant("g1", "sam", "max", delegation.GrantDeclined, 1))
	if !errors.Is(err, delegation.ErrConflict) {
		t.Errorf("Create(taken ID) = %v; want delegation.ErrConflict", err)
	}
	if got := mustLoad(t, s, "g1"); got.Requester != "rita" {
		t.Errorf("after refused Create, Requester = %q; want %q", got.Requester, "rita")
	}
}

func testOneOpenGrantPerPair(t *testing.T, s delegation.GrantStore) {
	ctx := context.Background()
	mustCreate(t, s, grant("closed1", "rita", "max", delegation.GrantDeclined, 0))
	mustCreate(t, s, grant("closed2", "rita", "max", delegation.GrantRevoked, 1))
	mustCreate(t, s, grant("open", "rita", "max", delegation.GrantRequested, 2))
	for _, st := range []delegation.GrantState{delegation.GrantRequested, delegation.GrantActive} {
		err := s.Create(ctx, grant("second-"+st.String(), "rita", "max", st, 3))
		if !errors.Is(err, delegation.ErrConflict) {
			t.Errorf("Create(second %s grant for one pair) = %v; want delegation.ErrConflict", st, err)
		}
	}
	// A closed grant beside the open one, the reverse pair and other pairs
	// are fine.
	mustCreate(t, s, grant("closed3", "rita", "max", delegation.GrantDeclined, 4))
	mustCreate(t, s, grant("reverse", "max", "rita", delegation.GrantActive, 5))
	mustCreate(t, s, grant("other", "sam", "max", delegation.GrantActive, 6))
}

func testCompareAndSwap(t *testing.T, s delegation.GrantStore) {
	ctx := context.Background()
	g := grant("g1", "rita", "max", delegation.GrantRequested, 0)
	mustCreate(t, s, g)
	next := g
	next.State, next.Version, next.By, next.UpdatedAt = delegation.GrantActive, 2, "max", base().Add(time.Hour)
	if err := s.CompareAndSwap(ctx, 1, next); err != nil {
		t.Fatalf("CompareAndSwap(1 → 2) = %v; want nil", err)
	}
	if got := mustLoad(t, s, "g1"); !same(got, next) {
		t.Errorf("after swap Load = %+v; want %+v", got, next)
	}
	stale := g
	stale.State, stale.Version = delegation.GrantDeclined, 2
	if err := s.CompareAndSwap(ctx, 1, stale); !errors.Is(err, delegation.ErrConflict) {
		t.Errorf("CompareAndSwap(stale version 1) = %v; want delegation.ErrConflict", err)
	}
	if got := mustLoad(t, s, "g1"); got.State != delegation.GrantActive || got.Version != 2 {
		t.Errorf("after stale swap Load = %s v%d; want active v2", got.State, got.Version)
	}
}

func testListing(t *testing.T, s delegation.GrantStore) {
	ctx := context.Background()
	// Created out of order; two share a CreatedAt and sort by ID.
	mustCreate(t, s, grant("c", "rita", "max", delegation.GrantRequested, 5))
	mustCreate(t, s, grant("a", "rita", "max", delegation.GrantDeclined, 1))
	mustCreate(t, s, grant("b2", "max", "rita", delegation.GrantActive, 3))
	mustCreate(t, s, grant("b1", "sam", "max", delegation.GrantActive, 3))
	mustCreate(t, s, grant("z", "sam", "tess", delegation.GrantActive, 0))

	between, err := s.Between(ctx, "rita", "max")
	if err != nil {
		t.Fatalf("Between = %v", err)
	}
	if got, want := ids(between), "a,c"; got != want {
		t.Errorf("Between(rita, max) = %s; want %s", got, want)
	}
	for _, tc := range []struct{ user, want string }{
		{"max", "a,b1,b2,c"},
		{"rita", "a,b2,c"},
		{"tess", "z"},
		{"nobody", ""},
	} {
		got, err := s.ForUser(ctx, tc.user)
		if err != nil {
			t.Fatalf("ForUser(%s) = %v", tc.user, err)
		}
		if ids(got) != tc.want {
			t.Errorf("ForUser(%s) = %s; want %s", tc.user, ids(got), tc.want)
		}
	}
}

func ids(gs []delegation.Grant) string {
	s := ""
	for i, g := range gs {
		if i > 0 {
			s += ","
		}
		s += g.ID
	}
	return s
}

// race runs fn in racers goroutines started together and returns their
// errors.
func race(fn func(i int) error) []error {
	errs := make([]error, racers)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range racers {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			errs[i] = fn(i)
		}()
	}
	start.Done()
	done.Wait()
	return errs
}

func testConcurrentSwap(t *testing.T, s delegation.GrantStore) {
	g := grant("g1", "rita", "max", delegation.GrantActive, 0)
	mustCreate(t, s, g)
	errs := race(func(i int) error {
		next := g
		next.Version, next.By = 2, fmt.Sprintf("writer%d", i)
		return s.CompareAndSwap(context.Background(), 1, next)
	})
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("writers %d and %d both won the swap from version 1", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, delegation.ErrConflict):
			t.Errorf("losing swap = %v; want delegation.ErrConflict", err)
		}
	}
	if winner < 0 {
		t.Fatal("no swap won")
	}
	if got, want := mustLoad(t, s, "g1").By, fmt.Sprintf("writer%d", winner); got != want {
		t.Errorf("stored By = %q; want the winner %q", got, want)
	}
}

func testConcurrentCreate(t *testing.T, s delegation.GrantStore) {
	errs := race(func(i int) error {
		return s.Create(context.Background(), grant(fmt.Sprintf("g%d", i), "rita", "max", delegation.GrantRequested, i))
	})
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, delegation.ErrConflict):
			t.Errorf("losing Create = %v; want delegation.ErrConflict", err)
		}
	}
	if won != 1 {
		t.Errorf("%d concurrent open grants for one pair were created; want 1", won)
	}
	gs, err := s.Between(context.Background(), "rita", "max")
	if err != nil || len(gs) != 1 {
		t.Errorf("Between after the race = %d grants, %v; want 1, nil", len(gs), err)
	}
}

// testConcurrentAcceptDecline races accepts and declines by the owner on
// one request through a Manager: exactly one action wins and the grant
// ends in that action's state at version 2.
func testConcurrentAcceptDecline(t *testing.T, s delegation.GrantStore) {
	ctx := context.Background()
	m, err := delegation.NewManager(s, &delegation.Options{Clock: base})
	if err != nil {
		t.Fatal(err)
	}
	g, err := m.Request(ctx, "rita", "max")
	if err != nil {
		t.Fatalf("Request = %v", err)
	}
	results := make([]delegation.GrantState, racers)
	errs := race(func(i int) error {
		var got delegation.Grant
		var err error
		if i%2 == 0 {
			got, err = m.Accept(ctx, "max", g.ID)
		} else {
			got, err = m.Decline(ctx, "max", g.ID)
		}
		results[i] = got.State
		return err
	})
	var winner delegation.GrantState
	wins := 0
	for i, err := range errs {
		switch {
		case err == nil:
			wins++
			winner = results[i]
		case !errors.Is(err, delegation.ErrWrongState) || !errors.Is(err, provider.ErrNotAllowed):
			t.Errorf("losing accept/decline = %v; want delegation.ErrWrongState matching provider.ErrNotAllowed", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d of %d concurrent accepts/declines succeeded; want exactly 1", wins, racers)
	}
	final := mustLoad(t, s, g.ID)
	if final.State != winner || final.Version != 2 {
		t.Errorf("final grant = %s v%d; want %s v2 (the winner's)", final.State, final.Version, winner)
	}
}

// testConcurrentRevoke races revokes by both parties of an Active grant:
// exactly one wins and the grant ends Revoked at version 2.
func testConcurrentRevoke(t *testing.T, s delegation.GrantStore) {
	ctx := context.Background()
	m, err := delegation.NewManager(s, &delegation.Options{Clock: base})
	if err != nil {
		t.Fatal(err)
	}
	g, err := m.Offer(ctx, "max", "rita")
	if err != nil {
		t.Fatalf("Offer = %v", err)
	}
	errs := race(func(i int) error {
		actor := "max"
		if i%2 == 1 {
			actor = "rita"
		}
		_, err := m.Revoke(ctx, actor, g.ID)
		return err
	})
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, delegation.ErrWrongState):
			t.Errorf("losing revoke = %v; want delegation.ErrWrongState", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d of %d concurrent revokes succeeded; want exactly 1", wins, racers)
	}
	if final := mustLoad(t, s, g.ID); final.State != delegation.GrantRevoked || final.Version != 2 {
		t.Errorf("final grant = %s v%d; want revoked v2", final.State, final.Version)
	}
}
