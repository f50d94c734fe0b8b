package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/delegation"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/smtpimap"
)

// runDelegation: Rita the recruiter asks Max the hiring manager to send
// as him; Max accepts; Rita's mail goes out from Max's mailbox and sits in
// Max's Sent folder; Max revokes; Rita's next send is refused before it
// reaches the wire.
func runDelegation(ctx context.Context, w io.Writer, wd *world) error {
	fmt.Fprintln(w, "9. Send on behalf")
	cfg := wd.config(managerEmail)
	cfg.FromName = "Max Power"
	cfg.Password = crypto.Secret(senderPass)
	maxMailbox, err := smtpimap.New(cfg)
	if err != nil {
		return err
	}
	defer maxMailbox.Close()

	grants := delegation.NewMemoryStore()
	dir := &delegation.MemoryDirectory{}
	dir.Connect(managerEmail, "max")
	seats := delegation.RolesFunc(func(context.Context, string) (bool, error) { return true, nil })
	audit := &delegation.MemoryAudit{}
	mgr, err := delegation.NewManager(grants, &delegation.Options{Audit: audit})
	if err != nil {
		return err
	}
	pol, err := delegation.NewPolicy(grants, dir, seats)
	if err != nil {
		return err
	}
	asRita, err := delegation.NewGuard(maxMailbox, recruiter, pol, &delegation.Options{Audit: audit})
	if err != nil {
		return err
	}
	msg := func() *provider.Message {
		return &provider.Message{
			To:      []provider.Address{{Name: "Bob Byte", Email: "bob@client.test"}},
			Subject: "Your interview with Max",
			Text:    "Hi Bob, Max here (sent by Rita). Looking forward to Tuesday.\n",
		}
	}

	_, err = asRita.Send(ctx, msg())
	fmt.Fprintf(w, "   Rita sends as max@ without a grant        → refused: %v\n", errors.Is(err, provider.ErrNotAllowed))
	g, err := mgr.Request(ctx, recruiter, "max")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   Rita asks Max for a grant                 → %s\n", g.State)
	if g, err = mgr.Accept(ctx, "max", g.ID); err != nil {
		return err
	}
	fmt.Fprintf(w, "   Max accepts                               → %s\n", g.State)
	sent, err := asRita.Send(ctx, msg())
	if err != nil {
		return err
	}
	maxSent, err := wd.srv.Mailbox(managerEmail, "Sent")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   Rita sends as Max                         → %s, in Max's Sent folder: %v\n", sent.MessageID, containsID(maxSent, sent.MessageID))
	if g, err = mgr.Revoke(ctx, "max", g.ID); err != nil {
		return err
	}
	fmt.Fprintf(w, "   Max revokes                               → %s\n", g.State)
	before := wd.srv.SMTPConnections()
	_, err = asRita.Send(ctx, msg())
	fmt.Fprintf(w, "   Rita's next send                          → refused: %v, SMTP connections opened: %d\n",
		errors.Is(err, provider.ErrNotAllowed), wd.srv.SMTPConnections()-before)
	fmt.Fprintf(w, "   audit trail: %d events\n", len(audit.Events()))
	return nil
}

func containsID(msgs [][]byte, id string) bool {
	for _, raw := range msgs {
		if bytes.Contains(raw, []byte("<"+id+">")) {
			return true
		}
	}
	return false
}
