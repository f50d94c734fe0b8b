package delegation_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/inboxkit/inboxkit/delegation"
	"github.com/inboxkit/inboxkit/provider"
)

// TestConcurrent_RevokeStopsLaterSends sends on behalf from many goroutines
// while the owner revokes: every send that starts after Revoke returned is
// refused, and every send that reached the mailbox was allowed. It checks
// this on any scheduler (#12 item 11): the revoke waits until some sends
// went out, and each sender keeps sending until it has seen a refusal
// (bounded, so a revoke that never takes effect fails instead of hanging).
func TestConcurrent_RevokeStopsLaterSends(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	g, err := w.manager.Offer(ctx, "max", "rita")
	if err != nil {
		t.Fatal(err)
	}
	guard := w.guard(t, "rita", "max")
	const senders, before, maxSends = 8, 20, 20000
	var revoked atomic.Bool
	var ok, refused, lateOK atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for range maxSends {
				after := revoked.Load()
				_, err := guard.Send(ctx, note("race"))
				switch {
				case err == nil && after:
					lateOK.Add(1)
				case err == nil:
					ok.Add(1)
				case errors.Is(err, delegation.ErrNoGrant):
					refused.Add(1)
					return
				default:
					t.Errorf("Send = %v", err)
					return
				}
			}
			t.Errorf("a sender made %d sends without a refusal", maxSends)
		}()
	}
	close(start)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ok.Load() < before {
			runtime.Gosched() // let some sends through first
		}
		if _, err := w.manager.Revoke(ctx, "max", g.ID); err != nil {
			t.Errorf("Revoke = %v", err)
		}
		revoked.Store(true)
	}()
	wg.Wait()
	if got := refused.Load(); got != senders {
		t.Errorf("%d senders saw a refusal; want %d", got, senders)
	}
	if ok.Load() < before {
		t.Errorf("allowed %d before the revoke; want at least %d", ok.Load(), before)
	}
	if lateOK.Load() != 0 {
		t.Errorf("%d sends that started after the revoke went out; want 0", lateOK.Load())
	}
	if got := int64(w.mailboxes["max"].sendCount()); got != ok.Load() {
		t.Errorf("mailbox saw %d sends; %d were allowed", got, ok.Load())
	}
	audited := 0
	for _, e := range w.sink.Events() {
		if e.Type == delegation.AuditSent {
			audited++
		}
	}
	if int64(audited) != ok.Load() {
		t.Errorf("%d sends audited; %d went out", audited, ok.Load())
	}
}

// TestConcurrent_Mixed runs requests, offers, accepts, declines, revokes,
// sends and fetches by every user at once (for the race detector), then
// checks that each pair has at most one open grant and every grant is in a
// state its audit trail explains.
func TestConcurrent_Mixed(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	users := allUsers()
	var wg sync.WaitGroup
	for i, actor := range users {
		for j, other := range users {
			if i == j {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				guard := w.guard(t, actor, other)
				for k := range 30 {
					var err error
					switch k % 6 {
					case 0:
						_, err = w.manager.Request(ctx, actor, other)
					case 1:
						_, err = w.manager.Offer(ctx, actor, other)
					case 2, 3:
						gs, _ := w.manager.Grants(ctx, actor)
						for _, g := range gs {
							switch {
							case g.State == delegation.GrantRequested && g.Owner == actor && k%2 == 0:
								_, err = w.manager.Accept(ctx, actor, g.ID)
							case g.State == delegation.GrantRequested && g.Owner == actor:
								_, err = w.manager.Decline(ctx, actor, g.ID)
							case g.State == delegation.GrantActive:
								_, err = w.manager.Revoke(ctx, actor, g.ID)
							}
						}
					case 4:
						_, err = guard.Send(ctx, note("mixed"))
					default:
						_, err = guard.Fetch(ctx, "", &index{})
					}
					if err != nil && !errors.Is(err, provider.ErrNotAllowed) {
						t.Errorf("%s/%s step %d: %v", actor, other, k, err)
					}
				}
			}()
		}
	}
	wg.Wait()

	transitions := map[string]int{}
	for _, e := range w.sink.Events() {
		if e.GrantID != "" && e.Type != delegation.AuditSent && e.Type != delegation.AuditRefused {
			transitions[e.GrantID]++
		}
	}
	for _, a := range users {
		for _, b := range users {
			gs, _ := w.store.Between(ctx, a, b)
			open := 0
			for _, g := range gs {
				if g.State.Open() {
					open++
				}
				// Created (1 event) plus one per later version.
				if got := transitions[g.ID]; uint64(got) != g.Version {
					t.Errorf("grant %s at version %d has %d audited transitions", g.ID, g.Version, got)
				}
			}
			if open > 1 {
				t.Errorf("%d open grants %s→%s; want at most 1", open, a, b)
			}
		}
	}
}
