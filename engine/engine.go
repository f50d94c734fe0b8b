package engine

import (
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
)

// Engine runs connected mailboxes: for every account whose lease this
// process holds, it verifies the account, watches or polls it, fetches
// from the saved cursor, classifies what it finds and hands the events to
// the host's Sink, saving the cursor only once the Sink took them. It is
// safe for concurrent use: Add, Remove, Kick and Reconnect may be called
// from any goroutine, before or while Run runs.
type Engine struct {
	opts Options
	log  *slog.Logger
	sem  chan struct{}
	poke chan struct{} // asks the lease loop for a round now

	fetching    atomic.Int64
	maxFetching atomic.Int64
	fetches     atomic.Uint64
	events      atomic.Uint64
	sent        atomic.Uint64 // scheduled sends sent
	sendWaits   atomic.Uint64 // times a send loop went to wait

	mu      sync.Mutex
	running bool
	known   map[string]*member
	// stopping holds, per account, the done channel of a runner that was
	// told to stop and may still be inside a Fetch; a new runner for the
	// account starts only after it.
	stopping map[string]chan struct{}
	// orphans are leases still held on removed accounts, released by the
	// lease loop once their runners have stopped.
	orphans map[string]Lease
}

// member is an account the engine knows, with the lease it holds on it
// and the runner running it.
type member struct {
	lease *Lease
	run   *runner
}

// New checks opts and returns an Engine; nothing runs until Run.
func New(opts Options) (*Engine, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	return &Engine{
		opts:     opts,
		log:      opts.Logger,
		sem:      make(chan struct{}, opts.MaxFetches),
		poke:     make(chan struct{}, 1),
		known:    map[string]*member{},
		stopping: map[string]chan struct{}{},
		orphans:  map[string]Lease{},
	}, nil
}

// ErrRunning is returned by Run when the Engine is already running.
var ErrRunning = errors.New("engine: already running")

// Add makes the engine run account (once it holds its lease). Adding an
// account that is already known does nothing.
func (e *Engine) Add(account string) {
	e.mu.Lock()
	if _, ok := e.known[account]; !ok {
		m := &member{}
		if l, ok := e.orphans[account]; ok { // removed, re-added before its lease was released
			m.lease = &l
			delete(e.orphans, account)
		}
		e.known[account] = m
	}
	e.mu.Unlock()
	e.pokeLeases()
}

// Remove stops running account: a Fetch in flight is cancelled (events
// the Sink already accepted stay delivered; the cursor is saved only if
// they all were), and the lease is released once the account has stopped.
// Adding it again starts it afresh from its saved cursor, after the old
// run has ended. Removing an unknown account does
// nothing.
func (e *Engine) Remove(account string) {
	e.mu.Lock()
	if m, ok := e.known[account]; ok {
		e.stopLocked(account, m)
		delete(e.known, account)
		if m.lease != nil {
			e.orphans[account] = *m.lease // released by the lease loop
		}
	}
	e.mu.Unlock()
	e.pokeLeases()
}

// Kick asks for a Fetch of account now, for example from the host's Gmail
// push or Graph webhook handler. Kicks while a Fetch runs are coalesced
// into one more Fetch. It reports whether the account runs here.
func (e *Engine) Kick(account string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	m := e.known[account]
	if m == nil || m.run == nil {
		return false
	}
	m.run.signal(m.run.wake)
	return true
}

// Reconnect tells the engine that the user connected account again: an
// account stopped by an authentication error is opened, verified and run
// again. It reports whether the account runs here.
func (e *Engine) Reconnect(account string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	m := e.known[account]
	if m == nil || m.run == nil {
		return false
	}
	m.run.signal(m.run.reconnect)
	return true
}

// Stats are counters for monitoring.
type Stats struct {
	Accounts    int    // accounts known
	Running     int    // accounts running here (lease held)
	Fetching    int    // Fetches in flight now
	MaxFetching int    // the most Fetches ever in flight at once
	Fetches     uint64 // Fetches completed or failed
	Events      uint64 // events the Sink accepted
	Sent        uint64 // scheduled sends sent
	SendWaits   uint64 // times an outbox went to wait (for tests that drive a fake clock)
}

// Stats returns the engine's counters.
func (e *Engine) Stats() Stats {
	e.mu.Lock()
	s := Stats{Accounts: len(e.known)}
	for _, m := range e.known {
		if m.run != nil {
			s.Running++
		}
	}
	e.mu.Unlock()
	s.Fetching = int(e.fetching.Load())
	s.MaxFetching = int(e.maxFetching.Load())
	s.Fetches = e.fetches.Load()
	s.Events = e.events.Load()
	s.Sent = e.sent.Load()
	s.SendWaits = e.sendWaits.Load()
	return s
}

func (e *Engine) pokeLeases() {
	select {
	case e.poke <- struct{}{}:
	default:
	}
}

// stopLocked cancels m's runner and remembers it until it has finished.
func (e *Engine) stopLocked(account string, m *member) {
	if m.run == nil {
		return
	}
	r := m.run
	m.run = nil
	r.cancel()
	e.stopping[account] = r.done
	go func() {
		<-r.done
		e.mu.Lock()
		if e.stopping[account] == r.done {
			delete(e.stopping, account)
		}
		e.mu.Unlock()
	}()
}
