package delegation

import (
	"errors"
	"strconv"
	"strings"

	"github.com/inboxkit/inboxkit/provider"
)

// sentinel is a delegation error that also matches a provider sentinel,
// so a host can check errors.Is(err, provider.ErrNotAllowed) for "the
// policy said no" and errors.Is(err, delegation.ErrNotOwner) for why.
type sentinel struct {
	msg string
	is  error
}

func (e *sentinel) Error() string { return e.msg }

// Is matches the provider sentinel.
func (e *sentinel) Is(target error) bool { return target == e.is }

func refusal(msg string) error { return &sentinel{msg, provider.ErrNotAllowed} }

// Refusal reasons. Each matches provider.ErrNotAllowed with errors.Is, and
// is returned wrapped in a *TransitionError or a *PolicyError that says who
// tried what.
var (
	// ErrNotOwner: only the owner of a grant may accept or decline it.
	ErrNotOwner = refusal("delegation: only the owner may accept or decline")
	// ErrNotParty: only the requester or the owner may revoke a grant.
	ErrNotParty = refusal("delegation: only the requester or the owner may revoke")
	// ErrWrongState: the action is not possible in the grant's state
	// (accepting a declined grant, revoking a pending request …).
	ErrWrongState = refusal("delegation: not possible in the grant's state")
	// ErrGrantExists: a Requested or Active grant already joins the two
	// users; a new request waits until it is declined or revoked.
	ErrGrantExists = refusal("delegation: an open grant already exists for this pair")
	// ErrNoGrant: no Active grant lets the actor use the mailbox.
	ErrNoGrant = refusal("delegation: no active grant")
	// ErrUnknownMailbox: the mailbox is not connected to any user.
	ErrUnknownMailbox = refusal("delegation: mailbox is not connected")
	// ErrRoleDenied: the host's role or seat check does not let the actor
	// send at all.
	ErrRoleDenied = refusal("delegation: the host's role check refuses sending")
	// ErrFrom: the message's From is not an address of the mailbox.
	ErrFrom = refusal("delegation: From is not an address of the mailbox")
)

// Other errors.
var (
	// ErrConflict: a GrantStore refused a write because the grant changed
	// since it was read (compare-and-swap lost), the ID is taken, or an
	// open grant already joins the pair. The Manager retries on it.
	ErrConflict = errors.New("delegation: grant changed concurrently")
	// ErrAudit: the action took effect but the audit sink failed. The
	// result returned beside it (a Grant, a *provider.Sent) is valid.
	ErrAudit = errors.New("delegation: audit sink failed")
	// ErrInviteInvalid: an invitation token is malformed or its signature
	// does not verify (tampered, or signed with another key). It also
	// matches provider.ErrInvalid.
	ErrInviteInvalid error = &sentinel{"delegation: invitation token is invalid", provider.ErrInvalid}
	// ErrInviteExpired: the invitation's expiry has passed.
	ErrInviteExpired = errors.New("delegation: invitation has expired")
	// ErrInviteUsed: the invitation was already redeemed.
	ErrInviteUsed = errors.New("delegation: invitation was already redeemed")
)

// TransitionError is a refused grant transition: who tried which action on
// which grant, in which state, and why (Err is one of the refusal reasons,
// so the error matches provider.ErrNotAllowed).
type TransitionError struct {
	GrantID    string
	Transition Transition
	Actor      string
	State      GrantState
	Err        error
}

// Error says what was refused and why.
func (e *TransitionError) Error() string {
	var b strings.Builder
	b.WriteString("delegation: ")
	b.WriteString(e.Transition.String())
	if e.GrantID != "" {
		b.WriteString(" grant ")
		b.WriteString(e.GrantID)
	}
	if e.State != 0 {
		b.WriteString(" (")
		b.WriteString(e.State.String())
		b.WriteString(")")
	}
	b.WriteString(" by ")
	b.WriteString(quote(e.Actor))
	b.WriteString(": ")
	b.WriteString(strings.TrimPrefix(e.Err.Error(), "delegation: "))
	return b.String()
}

// Unwrap returns the reason.
func (e *TransitionError) Unwrap() error { return e.Err }

// PolicyError is a refused use of a mailbox: the actor, the mailbox, the
// operation ("send", "fetch") and the reason (one of the refusal reasons,
// so the error matches provider.ErrNotAllowed).
type PolicyError struct {
	Op      string
	Actor   string
	Mailbox string
	// Owner is the mailbox's user, empty when the mailbox is unknown.
	Owner string
	Err   error
}

// Error says who may not do what with which mailbox, and why.
func (e *PolicyError) Error() string {
	return "delegation: " + quote(e.Actor) + " may not " + e.Op + " from " + e.Mailbox + ": " +
		strings.TrimPrefix(e.Err.Error(), "delegation: ")
}

// Unwrap returns the reason.
func (e *PolicyError) Unwrap() error { return e.Err }

func quote(s string) string { return strconv.Quote(s) }
