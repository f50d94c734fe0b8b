// Package delegation lets a user send mail from a colleague's mailbox with
// the colleague's consent: a recruiter as the hiring manager, a sales rep as
// their executive.
//
// The three lines a host writes first:
//
//	manager, err := delegation.NewManager(grants, nil)                   // grants: the host's GrantStore
//	policy, err := delegation.NewPolicy(grants, mailboxes, roles)        // who may send from which mailbox
//	sender, err := delegation.NewGuard(ownersProvider, actor, policy, nil) // a provider.Provider for actor
//
// The pieces, each usable alone:
//
//   - [Grant] and its state machine ([Grant.Next]): Requested → Active or
//     Declined, Active → Revoked. The owner of the mailbox accepts or
//     declines; either party revokes; an owner's [Manager.Offer] is Active at
//     once. Declined and Revoked are final: asking again makes a new grant.
//   - [Manager] runs those transitions over a [GrantStore] with
//     compare-and-swap writes and audits each one to an [AuditSink].
//     [MemoryStore] is an in-memory store; package grantstoretest is the
//     conformance suite for a host's own store.
//   - [Policy] decides whether an actor may send from a mailbox: only from
//     its own connected mailbox, or from one whose user gave it an Active
//     grant, and only when the host's [Roles] check lets it send at all.
//   - [Guard] wraps the owner's [provider.Provider] for one actor: a send
//     the Policy refuses never reaches the inner provider; an allowed one
//     goes out through the owner's mailbox (and so into the owner's Sent
//     folder) and is audited. A requester's Fetch is cut to headers.
//   - [CanView] says who sees what of the mail that relates to a sent
//     message: the owner everything, the requester tracking events only
//     ([Stamp] marks the record at send time).
//   - [Inviter] issues invitations for a colleague who has no account yet:
//     HMAC-SHA-256 signed, expiring, single-use tokens bound to the invited
//     address.
//
// # Errors
//
// Every refusal — a transition that is not allowed, a send or fetch the
// policy refuses — matches [provider.ErrNotAllowed] with errors.Is, and
// also one of this package's reasons: [ErrNotOwner], [ErrNotParty],
// [ErrWrongState], [ErrGrantExists], [ErrNoGrant], [ErrUnknownMailbox],
// [ErrRoleDenied] or [ErrFrom]. A transition refusal is a
// [*TransitionError], a policy refusal a [*PolicyError]; both say who tried
// what. Failures of the host's own interfaces (store, directory, roles) are
// returned wrapped and never match ErrNotAllowed, so an outage is not
// mistaken for a "no".
//
// Invitations fail with [ErrInviteInvalid] (malformed or tampered; also
// matches [provider.ErrInvalid]), [ErrInviteExpired], [ErrInviteUsed], or
// [provider.ErrAccountMismatch] when the connected mailbox is not the
// invited address.
//
// [ErrConflict] is a store's "changed since you read it"; the Manager
// retries on it. [ErrAudit] means the action took effect but the audit sink
// failed.
//
// # Time
//
// Nothing reads the wall clock directly: [Options.Clock] (and
// [MemoryRedeemed.Clock]) supply the time, time.Now when nil.
package delegation
