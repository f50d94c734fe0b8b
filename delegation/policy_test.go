package delegation_test

import (
	"context"
	"errors"
	"testing"

	"github.com/inboxkit/inboxkit/delegation"
	"github.com/inboxkit/inboxkit/provider"
)

func TestPolicy_CheckSend(t *testing.T) {
	ctx := context.Background()
	type setup func(t *testing.T, w *world)
	grant := func(requester, owner string, final delegation.GrantState) setup {
		return func(t *testing.T, w *world) {
			t.Helper()
			g, err := w.manager.Request(ctx, requester, owner)
			if err != nil {
				t.Fatal(err)
			}
			switch final {
			case delegation.GrantActive:
				_, err = w.manager.Accept(ctx, owner, g.ID)
			case delegation.GrantDeclined:
				_, err = w.manager.Decline(ctx, owner, g.ID)
			case delegation.GrantRevoked:
				if _, err = w.manager.Accept(ctx, owner, g.ID); err == nil {
					_, err = w.manager.Revoke(ctx, owner, g.ID)
				}
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name           string
		setup          setup
		actor, mailbox string
		wantOwner      string
		wantGrant      bool
		wantErr        error
	}{
		{name: "own mailbox", actor: "rita", mailbox: "rita@example.com", wantOwner: "rita"},
		{name: "own mailbox, other case", actor: "rita", mailbox: " Rita@Example.COM ", wantOwner: "rita"},
		{name: "active grant", setup: grant("rita", "max", delegation.GrantActive), actor: "rita", mailbox: "max@example.com", wantOwner: "max", wantGrant: true},
		{name: "no grant", actor: "rita", mailbox: "max@example.com", wantErr: delegation.ErrNoGrant},
		{name: "requested grant", setup: grant("rita", "max", delegation.GrantRequested), actor: "rita", mailbox: "max@example.com", wantErr: delegation.ErrNoGrant},
		{name: "declined grant", setup: grant("rita", "max", delegation.GrantDeclined), actor: "rita", mailbox: "max@example.com", wantErr: delegation.ErrNoGrant},
		{name: "revoked grant", setup: grant("rita", "max", delegation.GrantRevoked), actor: "rita", mailbox: "max@example.com", wantErr: delegation.ErrNoGrant},
		{name: "grant the other way round", setup: grant("max", "rita", delegation.GrantActive), actor: "rita", mailbox: "max@example.com", wantErr: delegation.ErrNoGrant},
		{name: "someone else's grant", setup: grant("sam", "max", delegation.GrantActive), actor: "rita", mailbox: "max@example.com", wantErr: delegation.ErrNoGrant},
		{name: "owner through requester's grant", setup: grant("rita", "max", delegation.GrantActive), actor: "max", mailbox: "rita@example.com", wantErr: delegation.ErrNoGrant},
		{name: "unknown mailbox", actor: "rita", mailbox: "ghost@example.com", wantErr: delegation.ErrUnknownMailbox},
		{name: "no seat, own mailbox", setup: func(_ *testing.T, w *world) { w.seats.bench("rita", true) }, actor: "rita", mailbox: "rita@example.com", wantErr: delegation.ErrRoleDenied},
		{
			name: "no seat, active grant",
			setup: func(t *testing.T, w *world) {
				grant("rita", "max", delegation.GrantActive)(t, w)
				w.seats.bench("rita", true)
			},
			actor: "rita", mailbox: "max@example.com", wantErr: delegation.ErrRoleDenied,
		},
		{
			name: "owner without a seat does not stop the requester",
			setup: func(t *testing.T, w *world) {
				grant("rita", "max", delegation.GrantActive)(t, w)
				w.seats.bench("max", true)
			},
			actor: "rita", mailbox: "max@example.com", wantOwner: "max", wantGrant: true,
		},
		{name: "empty actor", actor: "", mailbox: "max@example.com", wantErr: delegation.ErrNoGrant},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			if tc.setup != nil {
				tc.setup(t, w)
			}
			d, err := w.policy.CheckSend(ctx, tc.actor, tc.mailbox)
			if tc.wantErr != nil {
				var pe *delegation.PolicyError
				if !errors.Is(err, tc.wantErr) || !errors.Is(err, provider.ErrNotAllowed) || !errors.As(err, &pe) || pe.Actor != tc.actor {
					t.Errorf("CheckSend(%q, %q) = %v; want a *PolicyError for %v matching provider.ErrNotAllowed", tc.actor, tc.mailbox, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("CheckSend(%q, %q) = %v; want nil", tc.actor, tc.mailbox, err)
			}
			if d.Owner != tc.wantOwner || (d.GrantID != "") != tc.wantGrant || d.OnBehalf() != tc.wantGrant {
				t.Errorf("Permit = %+v; want owner %q, grant used %v", d, tc.wantOwner, tc.wantGrant)
			}
		})
	}
}

func TestPolicy_CheckUseIgnoresSeat(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	g, _ := w.manager.Offer(ctx, "max", "rita")
	w.seats.bench("rita", true)
	if d, err := w.policy.CheckUse(ctx, "rita", "max@example.com"); err != nil || d.GrantID != g.ID {
		t.Errorf("CheckUse = %+v, %v; want allowed through %s", d, err, g.ID)
	}
	if _, err := w.policy.CheckUse(ctx, "sam", "max@example.com"); !errors.Is(err, delegation.ErrNoGrant) {
		t.Errorf("CheckUse(sam) = %v; want ErrNoGrant", err)
	}
	if _, err := w.policy.CheckUse(ctx, "", "max@example.com"); !errors.Is(err, delegation.ErrNoGrant) {
		t.Errorf("CheckUse(empty actor) = %v; want ErrNoGrant", err)
	}
}

type brokenDirectory struct{}

func (brokenDirectory) MailboxOwner(context.Context, string) (string, error) { return "", errDown }

func TestPolicy_HostFailuresAreNotRefusals(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.seats.err = errDown
	if _, err := w.policy.CheckSend(ctx, "rita", "rita@example.com"); !errors.Is(err, errDown) || errors.Is(err, provider.ErrNotAllowed) {
		t.Errorf("CheckSend with failing roles = %v; want the roles error, not ErrNotAllowed", err)
	}
	w.seats.err = nil
	for name, p := range map[string]func() (*delegation.Policy, error){
		"directory": func() (*delegation.Policy, error) { return delegation.NewPolicy(w.store, brokenDirectory{}, w.seats) },
		"store":     func() (*delegation.Policy, error) { return delegation.NewPolicy(brokenStore{}, w.dir, w.seats) },
	} {
		pol, err := p()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pol.CheckSend(ctx, "rita", "max@example.com"); !errors.Is(err, errDown) || errors.Is(err, provider.ErrNotAllowed) {
			t.Errorf("CheckSend with failing %s = %v; want the host error, not ErrNotAllowed", name, err)
		}
	}
}

func TestNewPolicy_Invalid(t *testing.T) {
	w := newWorld(t)
	roles := delegation.RolesFunc(func(context.Context, string) (bool, error) { return true, nil })
	for name, f := range map[string]func() (*delegation.Policy, error){
		"nil grants":    func() (*delegation.Policy, error) { return delegation.NewPolicy(nil, w.dir, roles) },
		"nil directory": func() (*delegation.Policy, error) { return delegation.NewPolicy(w.store, nil, roles) },
		"nil roles":     func() (*delegation.Policy, error) { return delegation.NewPolicy(w.store, w.dir, nil) },
	} {
		if _, err := f(); !errors.Is(err, provider.ErrInvalid) {
			t.Errorf("NewPolicy(%s) = %v; want ErrInvalid", name, err)
		}
	}
}

func TestMemoryDirectory(t *testing.T) {
	ctx := context.Background()
	var d delegation.MemoryDirectory
	if _, err := d.MailboxOwner(ctx, "a@example.com"); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("empty MailboxOwner = %v; want ErrNotFound", err)
	}
	d.Connect("A@Example.com", "ann")
	if u, err := d.MailboxOwner(ctx, "a@example.COM"); err != nil || u != "ann" {
		t.Errorf("MailboxOwner = %q, %v; want ann", u, err)
	}
	d.Disconnect("a@example.com")
	if _, err := d.MailboxOwner(ctx, "a@example.com"); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("after Disconnect MailboxOwner = %v; want ErrNotFound", err)
	}
}

func TestPolicyError_Error(t *testing.T) {
	w := newWorld(t)
	_, err := w.policy.CheckSend(context.Background(), "rita", "max@example.com")
	want := `delegation: "rita" may not send from max@example.com: no active grant`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v; want %q", err, want)
	}
}
