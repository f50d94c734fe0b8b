package engine

import (
	"context"
	"errors"
	"time"
)

// ErrLeaseLost is returned by a store asked to act under a lease that
// another holder has taken over since (its fencing token is older).
var ErrLeaseLost = errors.New("engine: lease lost")

// Lease is one process's right to run one account until Expires.
type Lease struct {
	Account string
	// Holder names the process (Options.Holder).
	Holder string
	// Token is the fencing token: it grows every time the account passes
	// to a new holder, never for a renewal, so a store can refuse a write
	// from a holder that has since lost the account.
	Token   uint64
	Expires time.Time
}

// Leases decides which process runs which account, so that several
// replicas of a host share their accounts and each account runs in one
// place. Every method works on a batch, so a store over a database makes
// one round trip for all of a process's leases. Implementations are safe
// for concurrent use; MemoryLeases is one for a single process, and
// enginetest.RunLeases is the conformance suite.
type Leases interface {
	// Acquire takes, for holder and for ttl, each of accounts that has no
	// lease or whose lease has expired, and returns the leases it took
	// (accounts held by another live holder are left out, without error).
	// An account taken from a previous holder, or taken for the first
	// time, gets a Token greater than any it had before. Accounts the
	// caller already holds are renewed, keeping their Token.
	Acquire(ctx context.Context, holder string, accounts []string, ttl time.Duration) ([]Lease, error)
	// Renew extends holder's leases by ttl from now and returns those it
	// still holds; a lease that expired and was taken by another holder,
	// or released, is left out. A lease that expired but that nobody took
	// is renewed with its Token unchanged.
	Renew(ctx context.Context, holder string, leases []Lease, ttl time.Duration) ([]Lease, error)
	// Release gives up the leases holder still holds among leases, so
	// another process may take the accounts at once.
	Release(ctx context.Context, holder string, leases []Lease) error
}

// FencedCursors is an optional interface of a provider.CursorStore shared
// by several processes: it refuses a cursor saved under an older fencing
// token than one it has already saved for the account, so a process that
// lost an account while its Fetch ran cannot move the cursor behind the
// new holder's back. The engine uses it when Options.Cursors has it, and
// stops the account on ErrLeaseLost.
type FencedCursors interface {
	// SaveCursorFenced saves cursor unless a cursor was saved for account
	// under a greater fence, in which case it returns ErrLeaseLost.
	SaveCursorFenced(ctx context.Context, account, cursor string, fence uint64) error
}
