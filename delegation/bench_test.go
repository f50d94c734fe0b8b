package delegation_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/inboxkit/inboxkit/delegation"
	"github.com/inboxkit/inboxkit/provider"
)

// countingBox is a mailbox whose Send only counts, so a benchmark measures
// the Guard and not the fake's storage.
type countingBox struct {
	*mailbox
	n atomic.Int64
}

func (c *countingBox) Send(context.Context, *provider.Message) (*provider.Sent, error) {
	c.n.Add(1)
	return &provider.Sent{MessageID: "bench@example.com"}, nil
}

// BenchmarkSend compares a send straight to a counting inner provider with
// the same send through a Guard on behalf of its owner, with one and with
// a thousand unrelated grants in the store: the difference is the policy
// check (directory, roles, grants) and the audit record.
func BenchmarkSend(b *testing.B) {
	ctx := context.Background()
	for _, others := range []int{0, 1000} {
		w := newWorld(b)
		for i := range others {
			if _, err := w.manager.Offer(ctx, fmt.Sprintf("owner%d", i), fmt.Sprintf("req%d", i)); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := w.manager.Offer(ctx, "max", "rita"); err != nil {
			b.Fatal(err)
		}
		box := &countingBox{mailbox: newMailbox("max@example.com")}
		opts := *w.opts
		opts.Audit = &delegation.MemoryAudit{}
		guard, err := delegation.NewGuard(box, "rita", w.policy, &opts)
		if err != nil {
			b.Fatal(err)
		}
		msg := note("bench")
		b.Run(fmt.Sprintf("direct/grants=%d", others+1), func(b *testing.B) {
			for b.Loop() {
				if _, err := box.Send(ctx, msg); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("guard/grants=%d", others+1), func(b *testing.B) {
			for b.Loop() {
				if _, err := guard.Send(ctx, msg); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("refused/grants=%d", others+1), func(b *testing.B) {
			sam, _ := delegation.NewGuard(box, "sam", w.policy, &opts)
			for b.Loop() {
				if _, err := sam.Send(ctx, msg); err == nil {
					b.Fatal("sam's send went out")
				}
			}
		})
	}
}

func BenchmarkInviter_Redeem(b *testing.B) {
	ctx := context.Background()
	c := newClock()
	iv, _ := newInviter(b, c)
	acct := provider.Account{Email: "max@example.com"}
	tokens := make([]string, 0, 1024)
	for range cap(tokens) {
		tok, _, err := iv.Invite("max@example.com", "rita", "")
		if err != nil {
			b.Fatal(err)
		}
		tokens = append(tokens, tok)
	}
	i := 0
	for b.Loop() {
		if i == len(tokens) {
			b.StopTimer()
			iv, _ = newInviter(b, c) // a fresh redeemed-store for the same key and tokens
			i = 0
			b.StartTimer()
		}
		if _, err := iv.Redeem(ctx, tokens[i], acct); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkGrant_Transition(b *testing.B) {
	ctx := context.Background()
	m, _ := delegation.NewManager(delegation.NewMemoryStore(), nil)
	i := 0
	for b.Loop() {
		i++
		g, err := m.Request(ctx, fmt.Sprintf("req%d", i%64), "max")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := m.Decline(ctx, "max", g.ID); err != nil {
			b.Fatal(err)
		}
	}
}
