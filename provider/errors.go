package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The error sentinels. Every error a provider returns matches one of them
// with errors.Is.
var (
	// ErrAuth: credentials rejected or revoked. Ask the user to reconnect.
	ErrAuth = errors.New("provider: authentication failed")
	// ErrPermission: signed in, but a scope or role is missing.
	ErrPermission = errors.New("provider: permission denied")
	// ErrRateLimited: the service asked us to slow down. The error is a
	// *RateLimitError carrying how long to wait.
	ErrRateLimited = errors.New("provider: rate limited")
	// ErrTemporary: a transient failure; retrying later may work.
	ErrTemporary = errors.New("provider: temporary failure")
	// ErrInsecure: the server offers no TLS, so no credential was sent.
	ErrInsecure = errors.New("provider: server offers no TLS")
	// ErrInvalid: bad input; the *Error's Field says which.
	ErrInvalid = errors.New("provider: invalid input")
	// ErrNotFound: the thing asked for does not exist (for a SentIndex:
	// the message is not ours).
	ErrNotFound = errors.New("provider: not found")
	// ErrAccountMismatch: signed in as another address than expected.
	ErrAccountMismatch = errors.New("provider: signed in as a different account")
	// ErrNotAllowed: the delegation policy refused the action.
	ErrNotAllowed = errors.New("provider: not allowed")
	// ErrOutcomeUnknown: a Send whose outcome cannot be known: the
	// connection was lost after the message was handed over, or the
	// service's answer was lost. The message may or may not have been
	// delivered. It is deliberately not ErrTemporary: a host must never
	// resend under a new Message-ID or a new IdempotencyKey. Retrying with
	// the same IdempotencyKey is safe, because Send looks the message up
	// before sending again.
	ErrOutcomeUnknown = errors.New("provider: send outcome unknown")
	// ErrClosed: the provider was closed. It matches ErrInvalid too.
	ErrClosed = fmt.Errorf("provider: closed: %w", ErrInvalid)
)

// Error is the one wrapper a provider puts around a failure: what it was
// doing, which sentinel classifies it, and the native error underneath
// (still reachable with errors.As).
type Error struct {
	// Op is the operation, such as "send", "fetch", "verify", "dial".
	Op string
	// Provider is the kind of provider that failed; empty for shared code.
	Provider Kind
	// Code is one of the package's sentinels.
	Code error
	// Field names the offending input for ErrInvalid, e.g. "To[1].Email".
	Field string
	// Err is the native cause, may be nil.
	Err error
}

// Error formats the failure without echoing credentials: causes must not
// carry them in the first place.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Provider != "" {
		b.WriteString(string(e.Provider))
		b.WriteString(": ")
	}
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	code := e.Code
	if code == nil {
		code = ErrTemporary
	}
	b.WriteString(strings.TrimPrefix(code.Error(), "provider: "))
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns both the sentinel and the native cause, so errors.Is
// matches the sentinel and errors.As still finds the native error.
func (e *Error) Unwrap() []error {
	errs := make([]error, 0, 2)
	if e.Code != nil {
		errs = append(errs, e.Code)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// Temporary reports whether retrying later may succeed (see IsTemporary).
func (e *Error) Temporary() bool {
	return IsTemporary(e)
}

// invalid returns an ErrInvalid *Error naming the field at fault.
func invalid(field, reason string) *Error {
	return &Error{Code: ErrInvalid, Field: field, Err: errors.New(reason)}
}

// RateLimitError is a rate-limit refusal with how long the service asked us
// to wait (zero when it did not say). It matches ErrRateLimited.
type RateLimitError struct {
	RetryAfter time.Duration
	Err        error
}

// Error formats the refusal and the wait.
func (e *RateLimitError) Error() string {
	s := "provider: rate limited"
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns ErrRateLimited and the native cause.
func (e *RateLimitError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrRateLimited}
	}
	return []error{ErrRateLimited, e.Err}
}

// RetryAfter returns the wait a *RateLimitError in err's chain asks for.
func RetryAfter(err error) (time.Duration, bool) {
	var rl *RateLimitError
	if errors.As(err, &rl) && rl.RetryAfter > 0 {
		return rl.RetryAfter, true
	}
	return 0, false
}

// IsTemporary reports whether err is worth retrying: ErrTemporary or
// ErrRateLimited. It is false for a context cancellation or deadline (the
// caller gave up; every provider's error then matches context.Canceled or
// context.DeadlineExceeded with errors.Is) and for ErrOutcomeUnknown (a
// blind retry could deliver twice).
func IsTemporary(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrOutcomeUnknown) {
		return false
	}
	return errors.Is(err, ErrTemporary) || errors.Is(err, ErrRateLimited)
}
