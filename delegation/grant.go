package delegation

import (
	"strconv"
	"time"
)

// State is where a Grant stands.
type State int

// The grant states. Requested and Active are open; Declined and Revoked are
// final: a grant never leaves them, and asking again makes a new grant.
const (
	// StateRequested: the requester asked; the owner has not answered.
	StateRequested State = iota + 1
	// StateActive: the owner consented; the requester may send as the
	// owner.
	StateActive
	// StateDeclined: the owner said no to the request.
	StateDeclined
	// StateRevoked: either party ended an Active grant.
	StateRevoked
)

// String returns "requested", "active", "declined" or "revoked".
func (s State) String() string {
	switch s {
	case StateRequested:
		return "requested"
	case StateActive:
		return "active"
	case StateDeclined:
		return "declined"
	case StateRevoked:
		return "revoked"
	default:
		return "State(" + strconv.Itoa(int(s)) + ")"
	}
}

// Open reports whether the grant can still change (Requested or Active).
func (s State) Open() bool { return s == StateRequested || s == StateActive }

// Action is something a user does to a grant.
type Action int

// The actions. Request and Offer create a grant; the others move one.
const (
	// ActionRequest: the requester asks the owner for a grant.
	ActionRequest Action = iota + 1
	// ActionOffer: the owner grants the requester at once.
	ActionOffer
	// ActionAccept: the owner says yes to a request.
	ActionAccept
	// ActionDecline: the owner says no to a request.
	ActionDecline
	// ActionRevoke: either party ends an Active grant.
	ActionRevoke
)

// String returns "request", "offer", "accept", "decline" or "revoke".
func (a Action) String() string {
	switch a {
	case ActionRequest:
		return "request"
	case ActionOffer:
		return "offer"
	case ActionAccept:
		return "accept"
	case ActionDecline:
		return "decline"
	case ActionRevoke:
		return "revoke"
	default:
		return "Action(" + strconv.Itoa(int(a)) + ")"
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
	State     State
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
// ErrWrongState otherwise (including ActionRequest and ActionOffer, which
// create grants rather than move one).
func (g Grant) Next(action Action, actor string) (State, error) {
	refuse := func(reason error) (State, error) {
		return g.State, &TransitionError{GrantID: g.ID, Action: action, Actor: actor, State: g.State, Err: reason}
	}
	switch action {
	case ActionAccept, ActionDecline:
		if actor != g.Owner {
			return refuse(ErrNotOwner)
		}
		if g.State != StateRequested {
			return refuse(ErrWrongState)
		}
		if action == ActionAccept {
			return StateActive, nil
		}
		return StateDeclined, nil
	case ActionRevoke:
		if actor != g.Owner && actor != g.Requester {
			return refuse(ErrNotParty)
		}
		if g.State != StateActive {
			return refuse(ErrWrongState)
		}
		return StateRevoked, nil
	default:
		return refuse(ErrWrongState)
	}
}
