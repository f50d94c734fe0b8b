package delegation_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/inboxkit/inboxkit/delegation"
	"github.com/inboxkit/inboxkit/provider"
)

// A recruiter asks the hiring manager for a grant, the manager accepts, the
// recruiter sends on the manager's behalf, the manager revokes, and the next
// send is refused before it reaches the manager's mailbox.
func Example() {
	ctx := context.Background()

	// The host's side: its grant store, which user connected which mailbox,
	// and its seat check.
	grants := delegation.NewMemoryStore()
	mailboxes := &delegation.MemoryDirectory{}
	mailboxes.Connect("rita@example.com", "rita") // recruiter
	mailboxes.Connect("max@example.com", "max")   // hiring manager
	seats := delegation.RolesFunc(func(context.Context, string) (bool, error) { return true, nil })
	audit := &delegation.MemoryAudit{}
	opts := &delegation.Options{Audit: audit}

	manager, err := delegation.NewManager(grants, opts)
	if err != nil {
		log.Fatal(err)
	}
	policy, err := delegation.NewPolicy(grants, mailboxes, seats)
	if err != nil {
		log.Fatal(err)
	}
	maxMailbox := newMailbox("max@example.com") // max's connected provider.Provider
	asRita, err := delegation.NewGuard(maxMailbox, "rita", policy, opts)
	if err != nil {
		log.Fatal(err)
	}
	msg := &provider.Message{
		To:      []provider.Address{{Email: "candidate@example.org"}},
		Subject: "Your interview",
		Text:    "Dear candidate, …",
	}

	g, _ := manager.Request(ctx, "rita", "max")
	fmt.Println("1. rita asks max:", g.State)
	g, _ = manager.Accept(ctx, "max", g.ID)
	fmt.Println("2. max accepts:", g.State)
	if sent, err := asRita.Send(ctx, msg); err == nil {
		fmt.Println("3. rita sends as max: sent, in max's Sent folder:", maxMailbox.sent()[0].MessageID == sent.MessageID)
	}
	g, _ = manager.Revoke(ctx, "max", g.ID)
	fmt.Println("4. max revokes:", g.State)
	_, err = asRita.Send(ctx, msg)
	fmt.Println("5. rita sends again:", err)
	fmt.Println("   not allowed:", errors.Is(err, provider.ErrNotAllowed), "- sends that reached max's mailbox:", maxMailbox.sendCount())

	for _, e := range audit.Events() {
		fmt.Println("audit:", e.Type, e.Actor, "→", e.OnBehalfOf)
	}
	// Output:
	// 1. rita asks max: requested
	// 2. max accepts: active
	// 3. rita sends as max: sent, in max's Sent folder: true
	// 4. max revokes: revoked
	// 5. rita sends again: delegation: "rita" may not send from max@example.com: no active grant
	//    not allowed: true - sends that reached max's mailbox: 1
	// audit: grant.requested rita → max
	// audit: grant.accepted max → rita
	// audit: send.on_behalf rita → max
	// audit: grant.revoked max → rita
	// audit: send.refused rita → max
}

// Only the owner answers a request; only the two parties revoke.
func ExampleGrant_Next() {
	g := delegation.Grant{ID: "g1", Requester: "rita", Owner: "max", State: delegation.GrantRequested}
	for _, try := range []struct {
		action delegation.Transition
		actor  string
	}{
		{delegation.TransitionAccept, "rita"},
		{delegation.TransitionRevoke, "max"},
		{delegation.TransitionAccept, "max"},
	} {
		next, err := g.Next(try.action, try.actor)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(try.action, "by", try.actor, "→", next)
	}
	// Output:
	// delegation: accept grant g1 (requested) by "rita": only the owner may accept or decline
	// delegation: revoke grant g1 (requested) by "max": not possible in the grant's state
	// accept by max → active
}

// An owner can offer a grant, which is Active at once.
func ExampleManager_Offer() {
	ctx := context.Background()
	manager, err := delegation.NewManager(delegation.NewMemoryStore(), nil)
	if err != nil {
		log.Fatal(err)
	}
	g, _ := manager.Offer(ctx, "max", "rita")
	fmt.Println(g.Requester, "may send as", g.Owner+":", g.State)
	_, err = manager.Request(ctx, "rita", "max")
	fmt.Println(errors.Is(err, delegation.ErrGrantExists))
	// Output:
	// rita may send as max: active
	// true
}

// A colleague without an account is invited by link; the token only works
// once, and only for the invited address.
func ExampleInviter() {
	ctx := context.Background()
	key := []byte("0123456789abcdef0123456789abcdef") // in production: 32 random bytes from a secret store
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	inviter, err := delegation.NewInviter(key, &delegation.MemoryRedeemed{Clock: clock}, &delegation.Options{Clock: clock})
	if err != nil {
		log.Fatal(err)
	}
	token, inv, err := inviter.Invite("max@example.com", "rita", "")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("invite", inv.Email, "valid until", inv.ExpiresAt.Format(time.DateOnly))

	_, err = inviter.Redeem(ctx, token, provider.Account{Email: "someone@example.com"})
	fmt.Println("other mailbox:", errors.Is(err, provider.ErrAccountMismatch))
	got, err := inviter.Redeem(ctx, token, provider.Account{Email: "max@example.com"})
	fmt.Println("right mailbox:", err == nil, "invited by", got.InvitedBy)
	_, err = inviter.Redeem(ctx, token, provider.Account{Email: "max@example.com"})
	fmt.Println("again:", errors.Is(err, delegation.ErrInviteUsed))
	// Output:
	// invite max@example.com valid until 2025-03-08
	// other mailbox: true
	// right mailbox: true invited by rita
	// again: true
}

// The owner sees replies; the requester sees only that there was one.
func ExampleCanView() {
	rec := delegation.Stamp(&provider.SentRecord{MessageID: "a1@example.com"}, "rita", "max")
	for _, user := range []string{"max", "rita", "sam"} {
		fmt.Println(user, delegation.CanView(user, rec))
	}
	// Output:
	// max full
	// rita events
	// sam none
}
