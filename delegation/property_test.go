package delegation_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/inboxkit/inboxkit/delegation"
	"github.com/inboxkit/inboxkit/provider"
)

// modelGrant is the test's own, independent idea of a grant.
type modelGrant struct {
	requester, owner string
	state            delegation.GrantState
}

// model follows the rules as the issue states them, with no code shared
// with the package.
type model struct {
	grants  map[string]*modelGrant
	order   []string
	benched map[string]bool
}

func (m *model) open(requester, owner string) *modelGrant {
	for _, id := range m.order {
		g := m.grants[id]
		if g.requester == requester && g.owner == owner && (g.state == delegation.GrantRequested || g.state == delegation.GrantActive) {
			return g
		}
	}
	return nil
}

// maySend: not benched, and the own mailbox or an Active grant from owner
// to actor.
func (m *model) maySend(actor, owner string) bool {
	if m.benched[actor] {
		return false
	}
	if actor == owner {
		return true
	}
	g := m.open(actor, owner)
	return g != nil && g.state == delegation.GrantActive
}

// TestProperty_OnlyActiveRequesterSendsAsOwner runs many random sequences
// of requests, offers, accepts, declines, revokes, seat changes and sends by
// random users, checking each result against the model and, for every send
// that reached a mailbox, that the sender is its owner or the requester of
// an Active grant of that owner.
func TestProperty_OnlyActiveRequesterSendsAsOwner(t *testing.T) {
	const sequences, steps = 300, 80
	var onBehalf, refused atomic.Int64
	t.Run("sequences", func(t *testing.T) {
		for seq := range sequences {
			seed := uint64(seq) + 1
			t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
				t.Parallel()
				ob, rf := runSequence(t, rand.New(rand.NewPCG(seed, 0x1de1e9a7e)), steps)
				onBehalf.Add(int64(ob))
				refused.Add(int64(rf))
			})
		}
	})
	// The sequences must exercise both outcomes, or they prove nothing.
	if onBehalf.Load() < sequences || refused.Load() < sequences {
		t.Errorf("%d sends on behalf, %d refused over %d sequences; want at least %d of each", onBehalf.Load(), refused.Load(), sequences, sequences)
	}
	t.Logf("%d sends on behalf allowed, %d refused", onBehalf.Load(), refused.Load())
}

// runSequence returns how many sends on behalf went out and how many sends
// were refused.
func runSequence(t *testing.T, rng *rand.Rand, steps int) (onBehalf, refused int) {
	ctx := context.Background()
	w := newWorld(t)
	users := allUsers()
	m := &model{grants: map[string]*modelGrant{}, benched: map[string]bool{}}
	guards := map[[2]string]*delegation.Guard{}
	for _, a := range users {
		for _, o := range users {
			guards[[2]string{a, o}] = w.guard(t, a, o)
		}
	}
	sends := map[string]int{} // per owner mailbox: sends the model expects to reach it
	pick := func() string { return users[rng.IntN(len(users))] }
	pickID := func() string {
		if len(m.order) == 0 || rng.IntN(10) == 0 {
			return "bogus"
		}
		return m.order[rng.IntN(len(m.order))]
	}
	for step := range steps {
		a, b := pick(), pick()
		var op string
		var err error
		switch rng.IntN(7) {
		case 0: // request: a asks b
			op = fmt.Sprintf("request(%s→%s)", a, b)
			var g delegation.Grant
			g, err = w.manager.Request(ctx, a, b)
			switch {
			case a == b:
				expectErr(t, op, err, provider.ErrInvalid)
			case m.open(a, b) != nil:
				expectErr(t, op, err, delegation.ErrGrantExists)
			default:
				expectOK(t, op, err)
				m.grants[g.ID] = &modelGrant{a, b, delegation.GrantRequested}
				m.order = append(m.order, g.ID)
			}
		case 1: // offer: a lets b send as a
			op = fmt.Sprintf("offer(%s→%s)", a, b)
			var g delegation.Grant
			g, err = w.manager.Offer(ctx, a, b)
			open := m.open(b, a)
			switch {
			case a == b:
				expectErr(t, op, err, provider.ErrInvalid)
			case open != nil && open.state == delegation.GrantActive:
				expectErr(t, op, err, delegation.ErrGrantExists)
			case open != nil:
				expectOK(t, op, err)
				if m.grants[g.ID] != open {
					t.Fatalf("%s did not accept the pending request", op)
				}
				open.state = delegation.GrantActive
			default:
				expectOK(t, op, err)
				m.grants[g.ID] = &modelGrant{b, a, delegation.GrantActive}
				m.order = append(m.order, g.ID)
			}
		case 2, 3, 4: // accept, decline, revoke by a
			id := pickID()
			action := []delegation.Transition{delegation.TransitionAccept, delegation.TransitionDecline, delegation.TransitionRevoke}[rng.IntN(3)]
			op = fmt.Sprintf("%s(%s by %s)", action, id, a)
			switch action {
			case delegation.TransitionAccept:
				_, err = w.manager.Accept(ctx, a, id)
			case delegation.TransitionDecline:
				_, err = w.manager.Decline(ctx, a, id)
			default:
				_, err = w.manager.Revoke(ctx, a, id)
			}
			g := m.grants[id]
			switch {
			case g == nil:
				expectErr(t, op, err, provider.ErrNotFound)
			case action != delegation.TransitionRevoke && a != g.owner:
				expectErr(t, op, err, delegation.ErrNotOwner)
			case action == delegation.TransitionRevoke && a != g.owner && a != g.requester:
				expectErr(t, op, err, delegation.ErrNotParty)
			case action == delegation.TransitionAccept && g.state == delegation.GrantRequested:
				expectOK(t, op, err)
				g.state = delegation.GrantActive
			case action == delegation.TransitionDecline && g.state == delegation.GrantRequested:
				expectOK(t, op, err)
				g.state = delegation.GrantDeclined
			case action == delegation.TransitionRevoke && g.state == delegation.GrantActive:
				expectOK(t, op, err)
				g.state = delegation.GrantRevoked
			default:
				expectErr(t, op, err, delegation.ErrWrongState)
			}
		case 5: // seat change
			m.benched[a] = !m.benched[a]
			w.seats.bench(a, m.benched[a])
			op = fmt.Sprintf("bench(%s)=%v", a, m.benched[a])
		default: // a sends from b's mailbox
			op = fmt.Sprintf("send(%s from %s's mailbox)", a, b)
			before := w.mailboxes[b].sendCount()
			_, err = guards[[2]string{a, b}].Send(ctx, note(fmt.Sprintf("step %d", step)))
			reached := w.mailboxes[b].sendCount() - before
			if reached > 0 {
				// The property itself, checked against the store.
				if !sentLegitimately(ctx, t, w, a, b) {
					t.Fatalf("step %d: %s reached the mailbox without an Active grant", step, op)
				}
			}
			if m.maySend(a, b) {
				expectOK(t, op, err)
				sends[b]++
				if a != b {
					onBehalf++
				}
				if reached != 1 {
					t.Fatalf("step %d: %s reached the mailbox %d times; want 1", step, op, reached)
				}
			} else {
				expectErr(t, op, err, provider.ErrNotAllowed)
				refused++
				if reached != 0 {
					t.Fatalf("step %d: refused %s reached the mailbox", step, op)
				}
			}
		}
		if t.Failed() {
			t.Fatalf("step %d: %s diverged from the model", step, op)
		}
	}
	for _, u := range users {
		if got := w.mailboxes[u].sendCount(); got != sends[u] {
			t.Errorf("mailbox %s: %d sends reached it; model allowed %d", u, got, sends[u])
		}
	}
	for id, want := range m.grants {
		got, err := w.store.Load(ctx, id)
		if err != nil || got.State != want.state || got.Requester != want.requester || got.Owner != want.owner {
			t.Errorf("grant %s = %+v, %v; model %+v", id, got, err, *want)
		}
	}
	return onBehalf, refused
}

func sentLegitimately(ctx context.Context, t *testing.T, w *world, actor, owner string) bool {
	if actor == owner {
		return true
	}
	gs, err := w.store.Between(ctx, actor, owner)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gs {
		if g.State == delegation.GrantActive && g.Requester == actor && g.Owner == owner {
			return true
		}
	}
	return false
}

func expectOK(t *testing.T, op string, err error) {
	t.Helper()
	if err != nil {
		t.Errorf("%s = %v; want nil", op, err)
	}
}

func expectErr(t *testing.T, op string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s = %v; want %v", op, err, want)
	}
}
