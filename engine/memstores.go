package engine

import (
	"context"
	"sync"

	"github.com/inboxkit/inboxkit/provider"
)

// MemorySink is a Sink that keeps each event once by key, in the order
// first delivered. It is safe for concurrent use. The zero value is ready.
type MemorySink struct {
	mu      sync.Mutex
	byKey   map[string]int
	events  []Event
	offered int
}

var _ Sink = (*MemorySink)(nil)

// Deliver stores the events whose key it does not hold yet.
func (s *MemorySink) Deliver(ctx context.Context, events []Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byKey == nil {
		s.byKey = map[string]int{}
	}
	for _, e := range events {
		s.offered++
		if _, ok := s.byKey[e.Key]; ok {
			continue
		}
		s.byKey[e.Key] = len(s.events)
		s.events = append(s.events, e)
	}
	return nil
}

// Events returns a copy of the stored events, in the order first
// delivered.
func (s *MemorySink) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Event(nil), s.events...)
}

// Len returns the number of distinct events stored.
func (s *MemorySink) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.events)
}

// Offered returns how many events were delivered in all, repeats
// included; Offered() - Len() is how many repeats the keys absorbed.
func (s *MemorySink) Offered() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.offered
}

// MemoryCursors is a provider.CursorStore in memory. It is safe for
// concurrent use. The zero value is ready.
type MemoryCursors struct {
	mu      sync.Mutex
	cursors map[string]string
	fences  map[string]uint64
}

var (
	_ provider.CursorStore = (*MemoryCursors)(nil)
	_ FencedCursors        = (*MemoryCursors)(nil)
)

// Cursor implements provider.CursorStore.
func (c *MemoryCursors) Cursor(ctx context.Context, account string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cursors[account], nil
}

// SaveCursor implements provider.CursorStore.
func (c *MemoryCursors) SaveCursor(ctx context.Context, account, cursor string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cursors == nil {
		c.cursors = map[string]string{}
	}
	c.cursors[account] = cursor
	return nil
}

// SaveCursorFenced implements FencedCursors.
func (c *MemoryCursors) SaveCursorFenced(ctx context.Context, account, cursor string, fence uint64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if fence < c.fences[account] {
		return ErrLeaseLost
	}
	if c.cursors == nil {
		c.cursors, c.fences = map[string]string{}, map[string]uint64{}
	}
	if c.fences == nil {
		c.fences = map[string]uint64{}
	}
	c.cursors[account], c.fences[account] = cursor, fence
	return nil
}
