package delegation_test

import (
	"context"
	"errors"
	"testing"

	"github.com/inboxkit/inboxkit/delegation"
	"github.com/inboxkit/inboxkit/provider"
)

func TestManager_Create(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		// setup runs first; then the action under test.
		setup     func(w *world) error
		act       func(w *world) (delegation.Grant, error)
		wantState delegation.GrantState
		wantErr   error
		wantGrant int // grants between rita and max afterwards
	}{
		{
			name:      "request",
			act:       func(w *world) (delegation.Grant, error) { return w.manager.Request(ctx, "rita", "max") },
			wantState: delegation.GrantRequested, wantGrant: 1,
		},
		{
			name:      "offer is active at once",
			act:       func(w *world) (delegation.Grant, error) { return w.manager.Offer(ctx, "max", "rita") },
			wantState: delegation.GrantActive, wantGrant: 1,
		},
		{
			name:    "second request while one is pending",
			setup:   func(w *world) error { _, err := w.manager.Request(ctx, "rita", "max"); return err },
			act:     func(w *world) (delegation.Grant, error) { return w.manager.Request(ctx, "rita", "max") },
			wantErr: delegation.ErrGrantExists, wantGrant: 1,
		},
		{
			name:    "request while active",
			setup:   func(w *world) error { _, err := w.manager.Offer(ctx, "max", "rita"); return err },
			act:     func(w *world) (delegation.Grant, error) { return w.manager.Request(ctx, "rita", "max") },
			wantErr: delegation.ErrGrantExists, wantGrant: 1,
		},
		{
			name:    "offer while active",
			setup:   func(w *world) error { _, err := w.manager.Offer(ctx, "max", "rita"); return err },
			act:     func(w *world) (delegation.Grant, error) { return w.manager.Offer(ctx, "max", "rita") },
			wantErr: delegation.ErrGrantExists, wantGrant: 1,
		},
		{
			name:      "offer accepts a pending request",
			setup:     func(w *world) error { _, err := w.manager.Request(ctx, "rita", "max"); return err },
			act:       func(w *world) (delegation.Grant, error) { return w.manager.Offer(ctx, "max", "rita") },
			wantState: delegation.GrantActive, wantGrant: 1,
		},
		{
			name: "request after decline makes a new grant",
			setup: func(w *world) error {
				g, err := w.manager.Request(ctx, "rita", "max")
				if err == nil {
					_, err = w.manager.Decline(ctx, "max", g.ID)
				}
				return err
			},
			act:       func(w *world) (delegation.Grant, error) { return w.manager.Request(ctx, "rita", "max") },
			wantState: delegation.GrantRequested, wantGrant: 2,
		},
		{
			name: "request after revoke makes a new grant",
			setup: func(w *world) error {
				g, err := w.manager.Offer(ctx, "max", "rita")
				if err == nil {
					_, err = w.manager.Revoke(ctx, "rita", g.ID)
				}
				return err
			},
			act:       func(w *world) (delegation.Grant, error) { return w.manager.Request(ctx, "rita", "max") },
			wantState: delegation.GrantRequested, wantGrant: 2,
		},
		{
			name:    "request from yourself",
			act:     func(w *world) (delegation.Grant, error) { return w.manager.Request(ctx, "max", "max") },
			wantErr: provider.ErrInvalid,
		},
		{
			name:    "empty requester",
			act:     func(w *world) (delegation.Grant, error) { return w.manager.Request(ctx, "", "max") },
			wantErr: provider.ErrInvalid,
		},
		{
			name:    "empty owner",
			act:     func(w *world) (delegation.Grant, error) { return w.manager.Offer(ctx, "", "rita") },
			wantErr: provider.ErrInvalid,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			if tc.setup != nil {
				if err := tc.setup(w); err != nil {
					t.Fatalf("setup: %v", err)
				}
			}
			g, err := tc.act(w)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Errorf("error = %v; want %v", err, tc.wantErr)
				}
			} else if err != nil || g.State != tc.wantState {
				t.Errorf("got %s, %v; want %s, nil", g.State, err, tc.wantState)
			}
			gs, _ := w.store.Between(ctx, "rita", "max")
			if len(gs) != tc.wantGrant {
				t.Errorf("grants rita→max = %d; want %d", len(gs), tc.wantGrant)
			}
			open := 0
			for _, g := range gs {
				if g.State.Open() {
					open++
				}
			}
			if open > 1 {
				t.Errorf("%d open grants for one pair; want at most 1", open)
			}
		})
	}
}

func TestManager_Audit(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	g1, _ := w.manager.Request(ctx, "rita", "max")
	_, _ = w.manager.Accept(ctx, "max", g1.ID)
	_, _ = w.manager.Revoke(ctx, "rita", g1.ID)
	g2, _ := w.manager.Request(ctx, "rita", "max")
	_, _ = w.manager.Decline(ctx, "max", g2.ID)
	g3, _ := w.manager.Offer(ctx, "max", "rita")
	_, _ = w.manager.Revoke(ctx, "max", g3.ID)
	_, _ = w.manager.Accept(ctx, "sam", g3.ID) // refused: not audited

	type ev struct {
		kind          delegation.AuditType
		actor, behalf string
		grant         string
	}
	want := []ev{
		{delegation.AuditRequested, "rita", "max", g1.ID},
		{delegation.AuditAccepted, "max", "rita", g1.ID},
		{delegation.AuditRevoked, "rita", "max", g1.ID},
		{delegation.AuditRequested, "rita", "max", g2.ID},
		{delegation.AuditDeclined, "max", "rita", g2.ID},
		{delegation.AuditOffered, "max", "rita", g3.ID},
		{delegation.AuditRevoked, "max", "rita", g3.ID},
	}
	got := w.sink.Events()
	if len(got) != len(want) {
		t.Fatalf("audit has %d events; want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g := ev{got[i].Type, got[i].Actor, got[i].OnBehalfOf, got[i].GrantID}
		if g != want[i] {
			t.Errorf("event %d = %+v; want %+v", i, g, want[i])
		}
		if i > 0 && !got[i].At.After(got[i-1].At) {
			t.Errorf("event %d at %v, not after event %d at %v (clock not used?)", i, got[i].At, i-1, got[i-1].At)
		}
	}
	if all, _ := w.manager.Grants(ctx, "rita"); len(all) != 3 {
		t.Errorf("Grants(rita) = %d; want 3", len(all))
	}
	if g, err := w.manager.Grant(ctx, g3.ID); err != nil || g.State != delegation.GrantRevoked || g.By != "max" {
		t.Errorf("Grant(%s) = %s by %q, %v; want revoked by max", g3.ID, g.State, g.By, err)
	}
}

type failingSink struct{}

func (failingSink) Record(context.Context, delegation.AuditEvent) error {
	return errors.New("disk full")
}

func TestManager_AuditFailureStillApplies(t *testing.T) {
	ctx := context.Background()
	store := delegation.NewMemoryStore()
	m, err := delegation.NewManager(store, &delegation.Options{Audit: failingSink{}})
	if err != nil {
		t.Fatal(err)
	}
	g, err := m.Offer(ctx, "max", "rita")
	if !errors.Is(err, delegation.ErrAudit) || g.State != delegation.GrantActive {
		t.Fatalf("Offer = %s, %v; want active with ErrAudit", g.State, err)
	}
	if errors.Is(err, provider.ErrNotAllowed) {
		t.Errorf("audit failure %v matches ErrNotAllowed; want not", err)
	}
	stored, _ := store.Load(ctx, g.ID)
	if stored.State != delegation.GrantActive {
		t.Errorf("stored = %s; want active (the action took effect)", stored.State)
	}
}

// brokenStore fails every call, as a host store whose database is down.
type brokenStore struct{}

var errDown = errors.New("database down")

func (brokenStore) Create(context.Context, delegation.Grant) error { return errDown }
func (brokenStore) Load(context.Context, string) (delegation.Grant, error) {
	return delegation.Grant{}, errDown
}
func (brokenStore) CompareAndSwap(context.Context, uint64, delegation.Grant) error { return errDown }
func (brokenStore) Between(context.Context, string, string) ([]delegation.Grant, error) {
	return nil, errDown
}
func (brokenStore) ForUser(context.Context, string) ([]delegation.Grant, error) { return nil, errDown }

func TestManager_StoreFailure(t *testing.T) {
	ctx := context.Background()
	m, err := delegation.NewManager(brokenStore{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func() error{
		"request": func() error { _, err := m.Request(ctx, "rita", "max"); return err },
		"accept":  func() error { _, err := m.Accept(ctx, "max", "g1"); return err },
		"revoke":  func() error { _, err := m.Revoke(ctx, "max", "g1"); return err },
	} {
		err := call()
		if !errors.Is(err, errDown) || errors.Is(err, provider.ErrNotAllowed) {
			t.Errorf("%s = %v; want the store's error, not ErrNotAllowed", name, err)
		}
	}
	if _, err := delegation.NewManager(nil, nil); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("NewManager(nil) = %v; want ErrInvalid", err)
	}
}

// conflictStore reports a conflict on every swap, as a store under
// constant contention.
type conflictStore struct{ *delegation.MemoryStore }

func (conflictStore) CompareAndSwap(context.Context, uint64, delegation.Grant) error {
	return delegation.ErrConflict
}

func TestManager_GivesUpOnEndlessConflict(t *testing.T) {
	ctx := context.Background()
	s := conflictStore{delegation.NewMemoryStore()}
	m, _ := delegation.NewManager(s, nil)
	g, err := m.Request(ctx, "rita", "max")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Accept(ctx, "max", g.ID); !errors.Is(err, delegation.ErrConflict) {
		t.Errorf("Accept under endless conflict = %v; want ErrConflict", err)
	}
}

func TestManager_MissingGrant(t *testing.T) {
	w := newWorld(t)
	if _, err := w.manager.Accept(context.Background(), "max", "nope"); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("Accept(missing) = %v; want ErrNotFound", err)
	}
}
