package engine

import (
	"context"
	"sync"
	"time"
)

// MemoryLeases is Leases for one process. The zero value is not usable;
// call NewMemoryLeases. It is safe for concurrent use.
type MemoryLeases struct {
	clock Clock

	mu     sync.Mutex
	leases map[string]*Lease
}

var _ Leases = (*MemoryLeases)(nil)

// NewMemoryLeases returns empty in-memory leases that read time from
// clock (nil: the system clock).
func NewMemoryLeases(clock Clock) *MemoryLeases {
	if clock == nil {
		clock = SystemClock{}
	}
	return &MemoryLeases{clock: clock, leases: map[string]*Lease{}}
}

// Acquire implements Leases.
func (m *MemoryLeases) Acquire(ctx context.Context, holder string, accounts []string, ttl time.Duration) ([]Lease, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := m.clock.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	var got []Lease
	for _, a := range accounts {
		l := m.leases[a]
		switch {
		case l == nil:
			l = &Lease{Account: a, Token: 1}
			m.leases[a] = l
		case l.Holder == holder && l.Expires.After(now):
			// ours and live: a renewal
		case l.Holder != "" && l.Expires.After(now):
			continue // somebody else's
		case l.Holder == holder:
			// ours, expired, not taken: keep the token
		default:
			l.Token++
		}
		l.Holder = holder
		l.Expires = now.Add(ttl)
		got = append(got, *l)
	}
	return got, nil
}

// Renew implements Leases.
func (m *MemoryLeases) Renew(ctx context.Context, holder string, leases []Lease, ttl time.Duration) ([]Lease, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := m.clock.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	var kept []Lease
	for _, want := range leases {
		l := m.leases[want.Account]
		if l == nil || l.Holder != holder || l.Token != want.Token {
			continue
		}
		l.Expires = now.Add(ttl)
		kept = append(kept, *l)
	}
	return kept, nil
}

// Release implements Leases.
func (m *MemoryLeases) Release(ctx context.Context, holder string, leases []Lease) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, want := range leases {
		if l := m.leases[want.Account]; l != nil && l.Holder == holder && l.Token == want.Token {
			l.Holder = ""
			l.Expires = time.Time{}
		}
	}
	return nil
}
