package provider

import (
	"errors"
	"strings"
	"time"
)

// Account describes a connected mailbox.
type Account struct {
	// Email is the mailbox's own address.
	Email string
	// Name is the display name used in From when a message gives none.
	Name string
	// Aliases are further addresses the mailbox may send as: accepted
	// send-as aliases on Gmail, Config.Aliases over SMTP. Graph reports
	// none (it sends as the mailbox, or on behalf of another mailbox's
	// owner, which is not an alias).
	Aliases []string
}

// MaySendAs reports whether address is the account's own address or one of
// its aliases, compared case-insensitively.
func (a Account) MaySendAs(address string) bool {
	if strings.EqualFold(address, a.Email) {
		return true
	}
	for _, alias := range a.Aliases {
		if strings.EqualFold(address, alias) {
			return true
		}
	}
	return false
}

// Status is a connected account's health, for the host's UI.
type Status int

// The account statuses.
const (
	// StatusPending: created and not yet verified (grey).
	StatusPending Status = iota
	// StatusActive: the last Verify, Send or Fetch worked (green).
	StatusActive
	// StatusError: the last attempt failed; AccountState.Err says why (red).
	StatusError
)

// String returns "pending", "active" or "error".
func (s Status) String() string {
	switch s {
	case StatusPending:
		return "pending"
	case StatusActive:
		return "active"
	case StatusError:
		return "error"
	default:
		return "unknown"
	}
}

// AccountState is an account's status with the error that caused
// StatusError and when it was checked.
type AccountState struct {
	Status    Status
	Err       error
	CheckedAt time.Time
}

// AccountStateOf turns the result of Verify (or of any call) into an
// AccountState: nil is Active, anything else is Error with that cause.
//
// A temporary failure (ErrTemporary, ErrRateLimited) says nothing about the
// account, so a host usually keeps the previous status for those;
// NeedsReconnect tells the two apart.
func AccountStateOf(err error, at time.Time) AccountState {
	if err == nil {
		return AccountState{Status: StatusActive, CheckedAt: at}
	}
	return AccountState{Status: StatusError, Err: err, CheckedAt: at}
}

// NeedsReconnect reports whether err means the user must connect the
// mailbox again (credentials rejected or revoked, scope missing, or signed
// in as somebody else).
func NeedsReconnect(err error) bool {
	return errors.Is(err, ErrAuth) || errors.Is(err, ErrPermission) || errors.Is(err, ErrAccountMismatch)
}
