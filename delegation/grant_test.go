package delegation_test

import (
	"context"
	"errors"
	"testing"

	"github.com/inboxkit/inboxkit/delegation"
	"github.com/inboxkit/inboxkit/provider"
)

// TestGrant_Next covers every (state, action, actor) combination, both on
// the pure state machine and through a Manager over a store, where a
// refused action must leave the stored grant and the audit log untouched.
func TestGrant_Next(t *testing.T) {
	const (
		requester = "rita"
		owner     = "max"
		stranger  = "sam"
	)
	type outcome struct {
		state delegation.GrantState // on success
		err   error                 // reason on refusal
	}
	ok := func(s delegation.GrantState) outcome { return outcome{state: s} }
	no := func(err error) outcome { return outcome{err: err} }
	// want[state][action][actor]
	want := map[delegation.GrantState]map[delegation.Transition]map[string]outcome{}
	for _, st := range []delegation.GrantState{delegation.GrantRequested, delegation.GrantActive, delegation.GrantDeclined, delegation.GrantRevoked} {
		want[st] = map[delegation.Transition]map[string]outcome{
			delegation.TransitionAccept:  {requester: no(delegation.ErrNotOwner), owner: no(delegation.ErrWrongState), stranger: no(delegation.ErrNotOwner)},
			delegation.TransitionDecline: {requester: no(delegation.ErrNotOwner), owner: no(delegation.ErrWrongState), stranger: no(delegation.ErrNotOwner)},
			delegation.TransitionRevoke:  {requester: no(delegation.ErrWrongState), owner: no(delegation.ErrWrongState), stranger: no(delegation.ErrNotParty)},
			delegation.TransitionRequest: {requester: no(delegation.ErrWrongState), owner: no(delegation.ErrWrongState), stranger: no(delegation.ErrWrongState)},
			delegation.TransitionOffer:   {requester: no(delegation.ErrWrongState), owner: no(delegation.ErrWrongState), stranger: no(delegation.ErrWrongState)},
		}
	}
	want[delegation.GrantRequested][delegation.TransitionAccept][owner] = ok(delegation.GrantActive)
	want[delegation.GrantRequested][delegation.TransitionDecline][owner] = ok(delegation.GrantDeclined)
	want[delegation.GrantActive][delegation.TransitionRevoke][requester] = ok(delegation.GrantRevoked)
	want[delegation.GrantActive][delegation.TransitionRevoke][owner] = ok(delegation.GrantRevoked)

	for state, byAction := range want {
		for action, byActor := range byAction {
			for actor, w := range byActor {
				t.Run(state.String()+"/"+action.String()+"/"+actor, func(t *testing.T) {
					g := delegation.Grant{ID: "g1", Requester: requester, Owner: owner, State: state, Version: 1}
					got, err := g.Next(action, actor)
					checkOutcome(t, "Next", state, got, err, w.state, w.err)

					var te *delegation.TransitionError
					if err != nil && (!errors.As(err, &te) || te.Actor != actor || te.Transition != action || te.State != state || te.GrantID != "g1") {
						t.Errorf("Next error = %#v; want a *TransitionError naming actor, action, state and grant", err)
					}

					// The same through a Manager and a store.
					w2 := newWorld(t)
					if err := w2.store.Create(context.Background(), g); err != nil {
						t.Fatal(err)
					}
					var res delegation.Grant
					switch action {
					case delegation.TransitionAccept:
						res, err = w2.manager.Accept(context.Background(), actor, g.ID)
					case delegation.TransitionDecline:
						res, err = w2.manager.Decline(context.Background(), actor, g.ID)
					case delegation.TransitionRevoke:
						res, err = w2.manager.Revoke(context.Background(), actor, g.ID)
					default:
						return // Request and Offer create grants; see TestManager_Create.
					}
					checkOutcome(t, "Manager."+action.String(), state, res.State, err, w.state, w.err)
					stored, _ := w2.store.Load(context.Background(), g.ID)
					events := w2.sink.Events()
					if err != nil {
						if stored.State != state || stored.Version != 1 || len(events) != 0 {
							t.Errorf("after refusal stored = %s v%d, %d events; want %s v1, 0 events", stored.State, stored.Version, len(events), state)
						}
						return
					}
					if stored.State != w.state || stored.Version != 2 || stored.By != actor {
						t.Errorf("stored = %s v%d by %q; want %s v2 by %q", stored.State, stored.Version, stored.By, w.state, actor)
					}
					if len(events) != 1 || events[0].Actor != actor || events[0].GrantID != g.ID {
						t.Errorf("audit = %+v; want one event by %q for %s", events, actor, g.ID)
					}
				})
			}
		}
	}
}

func checkOutcome(t *testing.T, what string, from, got delegation.GrantState, err error, want delegation.GrantState, wantErr error) {
	t.Helper()
	if wantErr == nil {
		if err != nil || got != want {
			t.Errorf("%s = %s, %v; want %s, nil", what, got, err, want)
		}
		return
	}
	if !errors.Is(err, wantErr) || !errors.Is(err, provider.ErrNotAllowed) {
		t.Errorf("%s error = %v; want %v matching provider.ErrNotAllowed", what, err, wantErr)
	}
	if got != from {
		t.Errorf("%s state after refusal = %s; want unchanged %s", what, got, from)
	}
}

func TestGrantState_String(t *testing.T) {
	for _, tc := range []struct {
		s    delegation.GrantState
		want string
	}{
		{delegation.GrantRequested, "requested"}, {delegation.GrantActive, "active"},
		{delegation.GrantDeclined, "declined"}, {delegation.GrantRevoked, "revoked"}, {0, "GrantState(0)"},
	} {
		if got := tc.s.String(); got != tc.want {
			t.Errorf("GrantState(%d).String() = %q; want %q", int(tc.s), got, tc.want)
		}
	}
	for _, tc := range []struct {
		a    delegation.Transition
		want string
	}{
		{delegation.TransitionRequest, "request"}, {delegation.TransitionOffer, "offer"}, {delegation.TransitionAccept, "accept"},
		{delegation.TransitionDecline, "decline"}, {delegation.TransitionRevoke, "revoke"}, {9, "Transition(9)"},
	} {
		if got := tc.a.String(); got != tc.want {
			t.Errorf("Transition(%d).String() = %q; want %q", int(tc.a), got, tc.want)
		}
	}
}

func TestTransitionError_Error(t *testing.T) {
	g := delegation.Grant{ID: "g7", Requester: "rita", Owner: "max", State: delegation.GrantRequested}
	_, err := g.Next(delegation.TransitionAccept, "rita")
	want := `delegation: accept grant g7 (requested) by "rita": only the owner may accept or decline`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v; want %q", err, want)
	}
}
