package delegation

import (
	"strconv"
	"time"
)

// GrantState is where a Grant stands.
type GrantState int

// The grant states. Requested and Active are open; Declined and Revoked are
// final: a grant never leaves them, and asking again makes a new grant.
const (
	// GrantRequested: the requester asked; the owner has not answered.
	GrantRequested GrantState = iota + 1
	// GrantActive: the owner consented; the requester may send as the
	// owner.
	GrantActive
	// GrantDeclined: the owner said no to the request.
	GrantDeclined
	// GrantRevoked: either party ended an Active grant.
	GrantRevoked
)

// String returns "requested", "active", "declined" or "revoked".
func (s GrantState) String() string {
	switch s {
	case GrantRequested:
		return "requested"
	case GrantActive:
		return "active"
	case GrantDeclined:
		return "declined"
	case GrantRevoked:
		return "revoked"
	default:
		return "GrantState(" + strconv.Itoa(int(s)) + ")"
	}
}

// Open reports whether the grant can still change (Requested or Active).
func (s GrantState) Open() bool { return s == GrantRequested || s == GrantActive }

// Transition is something a user does to a grant.
type Transition int

// The actions. Request and Offer create a grant; the others move one.
const (
	// TransitionRequest: the requester asks the owner for a grant.
	TransitionRequest Transition = iota + 1
	// TransitionOffer: the owner grants the requester at once.
	TransitionOffer
	// TransitionAccept: the owner says yes to a request.
	TransitionAccept
	// TransitionDecline: the owner says no to a request.
	TransitionDecline
	// TransitionRevoke: either party ends an Active grant.
	TransitionRevoke
)

// String returns "request", "offer", "accept", "decline" or "revoke".
func (a Transition) String() string {
	switch a {
	case TransitionRequest:
		return "request"
	case TransitionOffer:
		return "offer"
	case TransitionAccept:
		return "accept"
	case TransitionDecline:
		return "decline"
	case TransitionRevoke:
		return "revoke"
	default:
		return "Transition(" + strconv.Itoa(int(a)) + ")"
	}
}

// Grant lets Requester send mail from the mailboxes of Owner. Users are the
// host's user IDs; mailboxes map to users through a Directory.
//
// A Grant is a value: the Manager reads it from a GrantStore, computes the
// next state with Next and writes it back with compare-and-swap on Version.
type Grant struct {
	ID        string
	Requester string
	Owner     string
	State     GrantState
	// Version counts stored changes: 1 when created, +1 per transition.
	// GrantStore.CompareAndSwap uses it to refuse lost updates.
	Version uint64
	// By is the user who made the last transition (the requester for a
	// request, the owner for an offer, accept or decline, either for a
	// revoke).
	By        string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Next returns the state that action by actor moves g to, or a
// *TransitionError saying why it may not. Who may act is checked before
// the state, so a stranger learns nothing about a grant's state from the
// error's reason.
//
//	Requested --accept (owner)--> Active
//	Requested --decline (owner)--> Declined
//	Active --revoke (requester or owner)--> Revoked
//
// Everything else is refused: ErrNotOwner for an accept or decline by
// anyone but the owner, ErrNotParty for a revoke by a third user, and
// ErrWrongState otherwise (including TransitionRequest and TransitionOffer, which
// create grants rather than move one).
func (g Grant) Next(action Transition, actor string) (GrantState, error) {
	refuse := func(reason error) (GrantState, error) {
		return g.State, &TransitionError{GrantID: g.ID, Transition: action, Actor: actor, State: g.State, Err: reason}
	}
	switch action {
	case TransitionAccept, TransitionDecline:
		if actor != g.Owner {
			return refuse(ErrNotOwner)
		}
		if g.State != GrantRequested {
			return refuse(ErrWrongState)
		}
		if action == TransitionAccept {
			return GrantActive, nil
		}
		return GrantDeclined, nil
	case TransitionRevoke:
		if actor != g.Owner && actor != g.Requester {
			return refuse(ErrNotParty)
		}
		if g.State != GrantActive {
			return refuse(ErrWrongState)
		}
		return GrantRevoked, nil
	default:
		return refuse(ErrWrongState)
	}
}
