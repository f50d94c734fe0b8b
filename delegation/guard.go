package delegation

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/internal/watchloop"
	"github.com/inboxkit/inboxkit/provider"
)

// Guard is the owner's provider.Provider as one actor may use it. Every
// Send asks the Policy first, so a refused send never reaches the inner
// provider (nor the wire); mail the policy allows goes out through the
// owner's own mailbox and so lands in the owner's Sent folder. Every send
// on behalf is audited.
//
// Fetch by the owner returns what the inner provider returns. Fetch by a
// requester (through an Active grant) keeps only the messages matched to a
// record the requester sent (CanView gives VisibilityEvents) and strips
// each to headers with StripIncoming; messages whose relation to our mail
// is known only from the body (Incoming.Record nil: bounce and auto-reply
// candidates) are dropped, since the requester cannot be shown that they
// are about its mail without reading them. The host classifies those with
// the owner's view and shows the requester the resulting events through
// CanView.
//
// A Guard is safe for concurrent use. Close closes only the Guard, not the
// inner provider, which the host shares between the owner and every
// requester and closes itself.
type Guard struct {
	inner  provider.Provider
	actor  string
	policy *Policy
	opts   *Options
	closed atomic.Bool
	stop   *watchloop.Stop // closed by Close: ends a running Watch
}

var _ provider.Provider = (*Guard)(nil)

// NewGuard returns inner (the owner's mailbox) as actor may use it under
// policy.
func NewGuard(inner provider.Provider, actor string, policy *Policy, opts *Options) (*Guard, error) {
	switch {
	case inner == nil:
		return nil, providerkit.Invalid("inner", "is nil")
	case actor == "":
		return nil, providerkit.Invalid("actor", "is empty")
	case policy == nil:
		return nil, providerkit.Invalid("policy", "is nil")
	}
	return &Guard{inner: inner, actor: actor, policy: policy, opts: copyOptions(opts), stop: watchloop.NewStop()}, nil
}

// Actor returns the user the Guard acts for.
func (g *Guard) Actor() string { return g.actor }

// Kind returns the inner provider's kind.
func (g *Guard) Kind() provider.Kind { return g.inner.Kind() }

// Account returns the owner's account: mail is sent as the owner.
func (g *Guard) Account() provider.Account { return g.inner.Account() }

// Verify checks that actor may still use the mailbox, then verifies the
// inner provider.
func (g *Guard) Verify(ctx context.Context) error {
	if g.closed.Load() {
		return provider.ErrClosed
	}
	if _, err := g.policy.CheckUse(ctx, g.actor, g.inner.Account().Email); err != nil {
		return err
	}
	return g.inner.Verify(ctx)
}

// Send delivers m from the owner's mailbox if the Policy allows the actor
// to send from it and m.From is empty or an address of the mailbox;
// otherwise it returns the *PolicyError (matching provider.ErrNotAllowed)
// and the inner provider is not called. A send on behalf is audited as
// AuditSent after delivery (once: a retry that the inner provider reports
// as a Duplicate of an earlier delivery is not audited again); if the sink
// fails, Send returns the *Sent together with an error matching ErrAudit
// (the mail did go out). A refusal is audited as AuditRefused; a failure of
// the host's directory or role check is returned as it is, unaudited, and
// the inner provider is not called either.
//
// The grant is checked when Send is called; a revoke that lands while a
// send is already under way does not stop that send.
func (g *Guard) Send(ctx context.Context, m *provider.Message) (*provider.Sent, error) {
	if g.closed.Load() {
		return nil, provider.ErrClosed
	}
	if m == nil {
		return nil, providerkit.Invalid("Message", "is nil")
	}
	acct := g.inner.Account()
	d, err := g.policy.CheckSend(ctx, g.actor, acct.Email)
	if err == nil && m.From.Email != "" && !acct.MaySendAs(m.From.Email) {
		err = &PolicyError{Op: "send", Actor: g.actor, Mailbox: acct.Email, Owner: d.Owner, Err: ErrFrom}
	}
	if err != nil {
		var pe *PolicyError
		if !errors.As(err, &pe) {
			return nil, err // the host's directory or role check failed: not a refusal
		}
		d.Owner = pe.Owner
		if aerr := g.audit(ctx, AuditEvent{Type: AuditRefused, Actor: g.actor, OnBehalfOf: d.Owner, GrantID: d.GrantID, Mailbox: acct.Email, Reason: err.Error()}); aerr != nil {
			return nil, fmt.Errorf("%w (%w)", err, aerr)
		}
		return nil, err
	}
	sent, err := g.inner.Send(ctx, m)
	if sent == nil || sent.Duplicate || !d.OnBehalf() {
		return sent, err
	}
	aerr := g.audit(ctx, AuditEvent{Type: AuditSent, Actor: g.actor, OnBehalfOf: d.Owner, GrantID: d.GrantID, Mailbox: acct.Email, MessageID: sent.MessageID})
	if aerr != nil {
		if err != nil {
			return sent, fmt.Errorf("%w (%w)", err, aerr)
		}
		return sent, aerr
	}
	return sent, err
}

// Fetch returns the inner provider's batch as the actor may see it (see
// the type's documentation); a requester without an Active grant gets a
// *PolicyError and the inner provider is not called.
func (g *Guard) Fetch(ctx context.Context, cursor string, idx provider.SentIndex) (*provider.Batch, error) {
	if g.closed.Load() {
		return nil, provider.ErrClosed
	}
	d, err := g.policy.CheckUse(ctx, g.actor, g.inner.Account().Email)
	if err != nil {
		return nil, err
	}
	b, err := g.inner.Fetch(ctx, cursor, idx)
	if b == nil || !d.OnBehalf() {
		return b, err
	}
	out := &provider.Batch{Cursor: b.Cursor}
	for _, in := range b.Messages {
		if CanView(g.actor, in.Record) >= VisibilityEvents {
			out.Messages = append(out.Messages, StripIncoming(in))
		}
	}
	return out, err
}

// Close closes the Guard; later calls return provider.ErrClosed. The inner
// provider stays open.
func (g *Guard) Close() error {
	g.closed.Store(true)
	g.stop.Close()
	return nil
}

func (g *Guard) audit(ctx context.Context, e AuditEvent) error {
	e.At = g.opts.now()
	if err := g.opts.sink().Record(ctx, e); err != nil {
		return fmt.Errorf("%w: %s by %q: %w", ErrAudit, e.Type, e.Actor, err)
	}
	return nil
}
