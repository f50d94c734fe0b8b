package engine

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/inboxkit/inboxkit/delegation"
	"github.com/inboxkit/inboxkit/provider"
)

// Accounts is the host's list of connected mailboxes.
type Accounts interface {
	// List returns the ids of the accounts to run. The engine calls it
	// once when Run starts; later changes come through Add and Remove.
	List(ctx context.Context) ([]string, error)
	// Open returns a provider.Provider for the account, for example from
	// its sealed credentials. The engine closes it when done with it.
	Open(ctx context.Context, account string) (provider.Provider, error)
}

// StatusSink hears about each account's status: green (active) once
// Verify works, red (error, with the cause) when the user must act. An
// account is grey (pending) until then; the host creates it so, and the
// engine does not report it (a takeover by another replica would flash
// every account grey). Temporary failures do not change the status. It is
// called on a change only (per process), concurrently for different
// accounts, and should return quickly.
type StatusSink interface {
	SetStatus(ctx context.Context, account string, st provider.AccountState) error
}

// StatusFunc adapts a function to StatusSink.
type StatusFunc func(ctx context.Context, account string, st provider.AccountState) error

// SetStatus calls f.
func (f StatusFunc) SetStatus(ctx context.Context, account string, st provider.AccountState) error {
	return f(ctx, account, st)
}

// Options configure an Engine. Accounts, Cursors, SentIndex and Sink are
// required; the rest have defaults.
type Options struct {
	Accounts  Accounts
	Cursors   provider.CursorStore
	SentIndex provider.SentIndex
	Sink      Sink
	// Status hears about status changes; nil: nobody.
	Status StatusSink
	// Leases decide which accounts this process runs; nil: NewMemoryLeases
	// (one process runs every account).
	Leases Leases
	// Holder names this process in Leases; empty: a random name.
	Holder string
	// LeaseTTL is how long a lease lasts without renewal; zero: 30s. The
	// engine renews every LeaseTTL/3 and stops an account it could not
	// renew before its lease ran out.
	LeaseTTL time.Duration

	// MaxAccounts caps how many accounts this process holds leases on;
	// zero: no cap. Replicas sharing Leases set it a little above their
	// share (accounts ÷ replicas), so that the first replica to start
	// does not take every account.
	MaxAccounts int

	// MaxFetches bounds concurrent Fetches across all accounts; zero: 32.
	MaxFetches int
	// PollInterval is how often an account whose provider cannot push is
	// fetched; zero: 1 minute.
	PollInterval time.Duration
	// Backoff is the wait after a failure; zero values: 1s doubling to a
	// 5-minute cap, with full jitter.
	Backoff Backoff

	// Queue keeps scheduled sends (see Engine.Schedule); nil:
	// NewMemoryQueue, for this process only.
	Queue Queue
	// Pacing paces each mailbox's sends; nil: no gap and no window (the
	// providers' own limits still hold).
	Pacing PacingFunc
	// SendCounter counts the pacing gap of every mailbox; nil: in memory.
	// Replicas share one (pgstore's), the same one the providers count
	// their limits in.
	SendCounter provider.SendCounter
	// Veto runs right before each send; nil: none.
	Veto Veto
	// Delegation checks, at send time, a send scheduled with an Actor
	// (from a colleague's mailbox); such a send fails without it.
	Delegation *delegation.Policy
	// SendTimeout bounds one Send; zero: 2 minutes. A send's claim in the
	// Queue lasts twice as long.
	SendTimeout time.Duration
	// MaxSendAttempts is how many failed tries make a send failed; zero: 5.
	MaxSendAttempts int

	// Clock is the time source; nil: the system clock.
	Clock Clock
	// Logger logs what the engine does; nil: discard.
	Logger *slog.Logger
}

// Backoff is the wait after consecutive failures of one account: a
// random duration in [Base/2, min(Max, Base·2^(n-1))] after the n-th.
type Backoff struct {
	Base time.Duration
	Max  time.Duration
	// Jitter returns a number in [0, n); nil: math/rand/v2.
	Jitter func(n int64) int64
}

func (o *Options) check() error {
	switch {
	case o.Accounts == nil:
		return errors.New("engine: Options.Accounts is required")
	case o.Cursors == nil:
		return errors.New("engine: Options.Cursors is required")
	case o.SentIndex == nil:
		return errors.New("engine: Options.SentIndex is required")
	case o.Sink == nil:
		return errors.New("engine: Options.Sink is required")
	case o.LeaseTTL < 0 || o.MaxAccounts < 0 || o.MaxFetches < 0 || o.PollInterval < 0 || o.Backoff.Base < 0 || o.Backoff.Max < 0 ||
		o.SendTimeout < 0 || o.MaxSendAttempts < 0:
		return errors.New("engine: negative duration or limit in Options")
	}
	return nil
}

func (o Options) withDefaults() Options {
	if o.Clock == nil {
		o.Clock = SystemClock{}
	}
	if o.Leases == nil {
		o.Leases = NewMemoryLeases(o.Clock)
	}
	if o.Holder == "" {
		o.Holder = randomHolder()
	}
	if o.LeaseTTL == 0 {
		o.LeaseTTL = 30 * time.Second
	}
	if o.MaxFetches == 0 {
		o.MaxFetches = 32
	}
	if o.PollInterval == 0 {
		o.PollInterval = time.Minute
	}
	if o.Backoff.Base == 0 {
		o.Backoff.Base = time.Second
	}
	if o.Backoff.Max == 0 {
		o.Backoff.Max = 5 * time.Minute
	}
	if o.Queue == nil {
		o.Queue = NewMemoryQueue(o.Clock)
	}
	if o.SendCounter == nil {
		o.SendCounter = &provider.MemorySendCounter{}
	}
	if o.SendTimeout == 0 {
		o.SendTimeout = 2 * time.Minute
	}
	if o.MaxSendAttempts == 0 {
		o.MaxSendAttempts = 5
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}
