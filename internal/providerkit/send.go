package providerkit

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"time"

	"github.com/inboxkit/inboxkit/provider"
)

// SendPath is the part of Send that every provider shares, written once:
// refuse when closed, validate the message, check its From, take room
// within the provider's sending limits, then deliver at most once per
// idempotency key. A provider fills one in its constructor (so a send
// allocates nothing for it) and its Send calls SendPath.Send.
type SendPath struct {
	// Kind and Account (the mailbox's own address, the scope of
	// idempotency keys) label errors and the SendLog's entries.
	Kind    provider.Kind
	Account string
	// Closed is the provider's closed flag.
	Closed *atomic.Bool
	// Dedupe remembers idempotency keys.
	Dedupe Deduper
	// CheckFrom decides a From that is set and is not Account (compared
	// case-insensitively): nil lets the send go on; a refusal is best made
	// with NotAllowedFrom. Nil CheckFrom refuses every such From.
	CheckFrom func(ctx context.Context, from string) error
	// Limit holds the provider's sending limits; nil means none.
	Limit SendLimit
	// Deliver sends one message; Lookup finds an earlier delivery by
	// Message-ID (see Deduper.Send).
	Deliver SendFunc
	Lookup  LookupFunc
}

// SendLimit is a provider's sending limit, checked before a message
// reaches the service so that the account is never blocked by it. It may
// count in a provider.SendCounter that several processes share, so both
// calls take a context.
type SendLimit interface {
	// Reserve takes room for m, returning a ticket for Settle, or the
	// reason there is none: a *provider.RateLimitError with the wait, or
	// another error (a shared counter out of reach), which makes the send
	// provider.ErrTemporary.
	Reserve(ctx context.Context, m *provider.Message) (Ticket, error)
	// Settle ends the reservation with the send's outcome: sent is nil
	// when nothing was delivered, and Duplicate when nothing new was.
	Settle(ctx context.Context, ticket Ticket, sent *provider.Sent)
}

// Ticket is what a SendLimit's Reserve took, handed back to its Settle.
type Ticket struct {
	// At is when the room was taken.
	At time.Time
	// IDs are the takings of a provider.SendCounter, one per counted
	// window, for CountedLimit.Return.
	IDs []string
}

// Send runs the shared steps and then Deliver (through Dedupe). Its
// errors are *provider.Error values labelled with Kind and op "send",
// except those of CheckFrom, Deliver and Lookup, which are returned as
// they are.
func (s *SendPath) Send(ctx context.Context, m *provider.Message) (*provider.Sent, error) {
	if s.Closed.Load() {
		return nil, Closed(s.Kind, "send")
	}
	if err := m.Validate(); err != nil {
		return nil, Tag(s.Kind, "send", err)
	}
	if from := m.From.Email; from != "" && !strings.EqualFold(from, s.Account) {
		if s.CheckFrom == nil {
			return nil, NotAllowedFrom(s.Kind, from+" is not the account "+s.Account)
		}
		if err := s.CheckFrom(ctx, from); err != nil {
			return nil, err
		}
	}
	var ticket Ticket
	if s.Limit != nil {
		var err error
		if ticket, err = s.Limit.Reserve(ctx, m); err != nil {
			code := provider.ErrTemporary
			if errors.Is(err, provider.ErrRateLimited) {
				code = provider.ErrRateLimited
			}
			return nil, &provider.Error{Op: "send", Provider: s.Kind, Code: code, Err: err}
		}
	}
	sent, err := s.Dedupe.Send(ctx, s.Account, m, s.Deliver, s.Lookup)
	if s.Limit != nil && !errors.Is(err, provider.ErrOutcomeUnknown) {
		// A send whose outcome is unknown keeps its place: it may have
		// gone out, and the limit must err on the safe side.
		s.Limit.Settle(context.WithoutCancel(ctx), ticket, sent)
	}
	return sent, err
}

// NotAllowedFrom is the refusal of a From the account may not send as:
// provider.ErrNotAllowed naming the field From.Email.
func NotAllowedFrom(kind provider.Kind, reason string) *provider.Error {
	return &provider.Error{Op: "send", Provider: kind, Code: provider.ErrNotAllowed, Field: "From.Email", Err: errors.New(reason)}
}

// Closed is the error of a call on a closed provider: a *provider.Error
// matching provider.ErrClosed (and so provider.ErrInvalid).
func Closed(kind provider.Kind, op string) *provider.Error {
	return &provider.Error{Op: op, Provider: kind, Code: provider.ErrClosed}
}
