package delegation

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// MemoryRedeemed is a RedeemedStore in memory. It forgets an ID once its
// invitation has expired (an expired token is refused before the store is
// asked), so it does not grow without bound. It is safe for concurrent
// use; the zero value is ready. Clock, if set, is its time source (nil
// means time.Now) and must not change after first use.
type MemoryRedeemed struct {
	Clock func() time.Time

	mu   sync.Mutex
	used map[string]time.Time // id → expiry
}

var _ RedeemedStore = (*MemoryRedeemed)(nil)

// MarkRedeemed records id, or returns ErrInviteUsed when it is recorded.
func (s *MemoryRedeemed) MarkRedeemed(ctx context.Context, id string, expires time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := time.Now
	if s.Clock != nil {
		now = s.Clock
	}
	t := now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.used[id]; ok {
		return fmt.Errorf("%w: %s", ErrInviteUsed, id)
	}
	if s.used == nil {
		s.used = make(map[string]time.Time)
	}
	for k, exp := range s.used {
		if !t.Before(exp) {
			delete(s.used, k)
		}
	}
	s.used[id] = expires
	return nil
}

// Len returns how many redeemed IDs the store remembers.
func (s *MemoryRedeemed) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.used)
}
