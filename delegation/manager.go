package delegation

import (
	"context"
	"errors"
	"fmt"

	"github.com/inboxkit/inboxkit/internal/providerkit"
)

// maxSwaps bounds the compare-and-swap retries of one transition. Each
// retry re-reads the grant and re-checks the transition, so a lost race
// normally ends in a *TransitionError after one retry; the bound only
// guards against a store that keeps reporting conflicts.
const maxSwaps = 16

// Manager runs the grant state machine over a GrantStore and audits every
// transition. It is safe for concurrent use, also by several processes
// sharing one store: transitions are compare-and-swap writes, so of two
// concurrent conflicting actions exactly one takes effect and the other
// gets the error it would get had it come second.
type Manager struct {
	store GrantStore
	opts  *Options
}

// NewManager returns a Manager over store.
func NewManager(store GrantStore, opts *Options) (*Manager, error) {
	if store == nil {
		return nil, providerkit.Invalid("store", "is nil")
	}
	return &Manager{store: store, opts: copyOptions(opts)}, nil
}

// Request asks owner to let requester send as them. The grant starts
// Requested. ErrGrantExists when a Requested or Active grant already joins
// the two; after a decline or revoke, Request makes a new grant.
func (m *Manager) Request(ctx context.Context, requester, owner string) (Grant, error) {
	return m.create(ctx, TransitionRequest, requester, owner)
}

// Offer lets requester send as owner at once: the owner consents by
// offering, so the grant starts Active. When requester has a pending
// request to owner, Offer accepts it instead of making a second grant.
// ErrGrantExists when an Active grant already joins the two.
func (m *Manager) Offer(ctx context.Context, owner, requester string) (Grant, error) {
	return m.create(ctx, TransitionOffer, requester, owner)
}

// Accept moves a Requested grant to Active; only its owner may.
func (m *Manager) Accept(ctx context.Context, actor, id string) (Grant, error) {
	return m.move(ctx, TransitionAccept, actor, id)
}

// Decline moves a Requested grant to Declined; only its owner may.
func (m *Manager) Decline(ctx context.Context, actor, id string) (Grant, error) {
	return m.move(ctx, TransitionDecline, actor, id)
}

// Revoke moves an Active grant to Revoked; its requester or its owner may.
func (m *Manager) Revoke(ctx context.Context, actor, id string) (Grant, error) {
	return m.move(ctx, TransitionRevoke, actor, id)
}

// Grant returns the grant with this ID.
func (m *Manager) Grant(ctx context.Context, id string) (Grant, error) {
	return m.store.Load(ctx, id)
}

// Grants returns every grant user is a party to, oldest first.
func (m *Manager) Grants(ctx context.Context, user string) ([]Grant, error) {
	return m.store.ForUser(ctx, user)
}

func (m *Manager) create(ctx context.Context, action Transition, requester, owner string) (Grant, error) {
	if requester == "" {
		return Grant{}, providerkit.Invalid("requester", "is empty")
	}
	if owner == "" {
		return Grant{}, providerkit.Invalid("owner", "is empty")
	}
	if requester == owner {
		return Grant{}, providerkit.Invalid("owner", "is the requester: a user needs no grant for their own mailbox")
	}
	actor := requester
	if action == TransitionOffer {
		actor = owner
	}
	for range maxSwaps {
		open, err := m.openGrant(ctx, requester, owner)
		if err != nil {
			return Grant{}, err
		}
		if open != nil {
			if action == TransitionOffer && open.State == GrantRequested {
				g, err := m.swap(ctx, TransitionAccept, owner, *open)
				if errors.Is(err, ErrConflict) {
					continue
				}
				return g, err
			}
			return Grant{}, &TransitionError{GrantID: open.ID, Transition: action, Actor: actor, State: open.State, Err: ErrGrantExists}
		}
		now := m.opts.now()
		g := Grant{
			ID: m.opts.newID(), Requester: requester, Owner: owner,
			State: GrantRequested, Version: 1, By: actor, CreatedAt: now, UpdatedAt: now,
		}
		kind, other := AuditRequested, owner
		if action == TransitionOffer {
			g.State, kind, other = GrantActive, AuditOffered, requester
		}
		err = m.store.Create(ctx, g)
		if errors.Is(err, ErrConflict) {
			continue // another request for the pair won the race; look again
		}
		if err != nil {
			return Grant{}, fmt.Errorf("delegation: %s: %w", action, err)
		}
		return g, m.audit(ctx, AuditEvent{Type: kind, At: now, Actor: actor, OnBehalfOf: other, GrantID: g.ID})
	}
	return Grant{}, fmt.Errorf("delegation: %s: gave up after %d tries: %w", action, maxSwaps, ErrConflict)
}

// openGrant returns the Requested or Active grant of the pair, if any.
func (m *Manager) openGrant(ctx context.Context, requester, owner string) (*Grant, error) {
	gs, err := m.store.Between(ctx, requester, owner)
	if err != nil {
		return nil, fmt.Errorf("delegation: list grants: %w", err)
	}
	for i := range gs {
		if gs[i].State.Open() {
			return &gs[i], nil
		}
	}
	return nil, nil
}

func (m *Manager) move(ctx context.Context, action Transition, actor, id string) (Grant, error) {
	for range maxSwaps {
		g, err := m.store.Load(ctx, id)
		if err != nil {
			return Grant{}, err
		}
		next, err := m.swap(ctx, action, actor, g)
		if errors.Is(err, ErrConflict) {
			continue // changed under us: re-read and re-check
		}
		return next, err
	}
	return Grant{}, fmt.Errorf("delegation: %s grant %s: gave up after %d tries: %w", action, id, maxSwaps, ErrConflict)
}

// swap checks the transition on g and writes it with compare-and-swap.
func (m *Manager) swap(ctx context.Context, action Transition, actor string, g Grant) (Grant, error) {
	state, err := g.Next(action, actor)
	if err != nil {
		return g, err
	}
	prev := g.Version
	next := g
	next.State, next.Version, next.By, next.UpdatedAt = state, prev+1, actor, m.opts.now()
	if err := m.store.CompareAndSwap(ctx, prev, next); err != nil {
		if errors.Is(err, ErrConflict) {
			return g, err
		}
		return g, fmt.Errorf("delegation: %s grant %s: %w", action, g.ID, err)
	}
	e := AuditEvent{At: next.UpdatedAt, Actor: actor, GrantID: g.ID, OnBehalfOf: g.Requester}
	switch action {
	case TransitionAccept:
		e.Type = AuditAccepted
	case TransitionDecline:
		e.Type = AuditDeclined
	default:
		e.Type = AuditRevoked
		if actor == g.Requester {
			e.OnBehalfOf = g.Owner
		}
	}
	return next, m.audit(ctx, e)
}

func (m *Manager) audit(ctx context.Context, e AuditEvent) error {
	if err := m.opts.sink().Record(ctx, e); err != nil {
		return fmt.Errorf("%w: %s of grant %s: %w", ErrAudit, e.Type, e.GrantID, err)
	}
	return nil
}
