package delegation

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// Directory maps a connected mailbox to the user it belongs to. Hosts
// implement it over their accounts table; MemoryDirectory is an in-memory
// one. Implementations must be safe for concurrent use.
type Directory interface {
	// MailboxOwner returns the user whose connected mailbox has this
	// address (compared case-insensitively), or an error matching
	// provider.ErrNotFound when no user has connected it.
	MailboxOwner(ctx context.Context, address string) (user string, err error)
}

// Roles is the host's role or seat check: may this user send mail at all
// (an active seat, a sending role)? Implementations must be safe for
// concurrent use.
type Roles interface {
	// CanSend reports whether user may send. An error means the check
	// itself failed (a database down), not a refusal.
	CanSend(ctx context.Context, user string) (bool, error)
}

// RolesFunc adapts a function to Roles.
type RolesFunc func(ctx context.Context, user string) (bool, error)

// CanSend calls f.
func (f RolesFunc) CanSend(ctx context.Context, user string) (bool, error) { return f(ctx, user) }

// Permit is an allowed use of a mailbox and what allowed it.
type Permit struct {
	Actor   string
	Mailbox string
	// Owner is the mailbox's user; equal to Actor for the actor's own
	// mailbox.
	Owner string
	// GrantID is the Active grant used; empty for the actor's own mailbox.
	GrantID string
}

// OnBehalf reports whether the actor uses another user's mailbox.
func (d Permit) OnBehalf() bool { return d.Actor != d.Owner }

// Policy decides whether an actor may use a mailbox. It is safe for
// concurrent use and keeps no state of its own: every call reads the
// current grants, so a revoke takes effect on the next call.
type Policy struct {
	grants    GrantStore
	mailboxes Directory
	roles     Roles
}

// NewPolicy returns a Policy over the host's grants, mailbox directory and
// role check. All three are required.
func NewPolicy(grants GrantStore, mailboxes Directory, roles Roles) (*Policy, error) {
	switch {
	case grants == nil:
		return nil, providerkit.Invalid("grants", "is nil")
	case mailboxes == nil:
		return nil, providerkit.Invalid("mailboxes", "is nil")
	case roles == nil:
		return nil, providerkit.Invalid("roles", "is nil")
	}
	return &Policy{grants: grants, mailboxes: mailboxes, roles: roles}, nil
}

// CheckSend decides whether actor may send from mailbox: only when the
// host's role check lets actor send at all, and mailbox is actor's own
// connected mailbox or its user has an Active grant with requester actor.
// A refusal is a *PolicyError matching provider.ErrNotAllowed whose reason
// is ErrRoleDenied, ErrUnknownMailbox or ErrNoGrant. Failures of the
// host's interfaces are returned wrapped, and do not match ErrNotAllowed.
func (p *Policy) CheckSend(ctx context.Context, actor, mailbox string) (Permit, error) {
	return p.check(ctx, "send", actor, mailbox, true)
}

// CheckUse is CheckSend without the role check: may actor read the
// tracking of mail from mailbox (own mailbox, or an Active grant)? The
// Guard uses it for Fetch and Verify.
func (p *Policy) CheckUse(ctx context.Context, actor, mailbox string) (Permit, error) {
	return p.check(ctx, "fetch", actor, mailbox, false)
}

func (p *Policy) check(ctx context.Context, op, actor, mailbox string, roles bool) (Permit, error) {
	mailbox = strings.TrimSpace(mailbox)
	if actor == "" {
		return Permit{}, &PolicyError{Op: op, Actor: actor, Mailbox: mailbox, Err: ErrNoGrant}
	}
	owner, err := p.mailboxes.MailboxOwner(ctx, mailbox)
	if errors.Is(err, provider.ErrNotFound) || (err == nil && owner == "") {
		return Permit{}, &PolicyError{Op: op, Actor: actor, Mailbox: mailbox, Err: ErrUnknownMailbox}
	}
	if err != nil {
		return Permit{}, fmt.Errorf("delegation: owner of %s: %w", mailbox, err)
	}
	if roles {
		ok, err := p.roles.CanSend(ctx, actor)
		if err != nil {
			return Permit{}, fmt.Errorf("delegation: role check for %q: %w", actor, err)
		}
		if !ok {
			return Permit{}, &PolicyError{Op: op, Actor: actor, Mailbox: mailbox, Owner: owner, Err: ErrRoleDenied}
		}
	}
	d := Permit{Actor: actor, Mailbox: mailbox, Owner: owner}
	if owner == actor {
		return d, nil
	}
	gs, err := p.grants.Between(ctx, actor, owner)
	if err != nil {
		return Permit{}, fmt.Errorf("delegation: grants from %q to %q: %w", actor, owner, err)
	}
	for _, g := range gs {
		// Re-check the parties: a faulty store must not widen access.
		if g.State == GrantActive && g.Requester == actor && g.Owner == owner {
			d.GrantID = g.ID
			return d, nil
		}
	}
	return Permit{}, &PolicyError{Op: op, Actor: actor, Mailbox: mailbox, Owner: owner, Err: ErrNoGrant}
}
