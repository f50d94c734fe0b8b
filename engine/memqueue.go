package engine

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/inboxkit/inboxkit/provider"
)

// MemoryQueue is a Queue in memory, for one process: it survives an
// Engine's restart within the process, not the process. It keeps final
// sends (for Get and the threading of follow-ups). Safe for concurrent
// use.
type MemoryQueue struct {
	clock Clock

	mu      sync.Mutex
	byID    map[string]*queued
	byKey   map[string]string          // account + "\x00" + IdempotencyKey → ID
	pending map[string]map[string]bool // account → IDs of pending sends
}

var _ Queue = (*MemoryQueue)(nil)

type queued struct {
	s       Scheduled
	token   uint64    // of the latest claim
	expires time.Time // of the latest claim; zero: unclaimed
}

// NewMemoryQueue returns an empty queue on clock (nil: the system clock),
// which dates its changes.
func NewMemoryQueue(clock Clock) *MemoryQueue {
	if clock == nil {
		clock = SystemClock{}
	}
	return &MemoryQueue{clock: clock, byID: map[string]*queued{}, byKey: map[string]string{}, pending: map[string]map[string]bool{}}
}

func copyScheduled(s Scheduled) Scheduled {
	m := &s.Message
	m.To, m.Cc, m.Bcc, m.ReplyTo = slices.Clone(m.To), slices.Clone(m.Cc), slices.Clone(m.Bcc), slices.Clone(m.ReplyTo)
	m.Headers, m.Attachments, m.References = slices.Clone(m.Headers), slices.Clone(m.Attachments), slices.Clone(m.References)
	s.Meta = maps.Clone(s.Meta)
	if s.Sent != nil {
		sent := *s.Sent
		s.Sent = &sent
	}
	return s
}

func notFound(id string) error {
	return &provider.Error{Op: "queue", Code: provider.ErrNotFound, Err: fmt.Errorf("engine: no scheduled send %q", id)}
}

// Enqueue implements Queue.
func (q *MemoryQueue) Enqueue(ctx context.Context, s Scheduled) (Scheduled, error) {
	if err := ctx.Err(); err != nil {
		return Scheduled{}, err
	}
	if s.ID == "" || s.Account == "" || s.Message.IdempotencyKey == "" {
		return Scheduled{}, &provider.Error{Op: "queue", Code: provider.ErrInvalid, Field: "Scheduled", Err: fmt.Errorf("engine: ID, Account and Message.IdempotencyKey are required")}
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	key := s.Account + "\x00" + s.Message.IdempotencyKey
	if id, ok := q.byKey[key]; ok {
		return copyScheduled(q.byID[id].s), nil
	}
	if _, ok := q.byID[s.ID]; ok {
		return Scheduled{}, &provider.Error{Op: "queue", Code: provider.ErrInvalid, Field: "ID", Err: fmt.Errorf("engine: ID %q is taken", s.ID)}
	}
	s = copyScheduled(s)
	s.State, s.Updated = QueuePending, q.clock.Now()
	q.byID[s.ID] = &queued{s: s}
	q.byKey[key] = s.ID
	if q.pending[s.Account] == nil {
		q.pending[s.Account] = map[string]bool{}
	}
	q.pending[s.Account][s.ID] = true
	return copyScheduled(s), nil
}

// Get implements Queue.
func (q *MemoryQueue) Get(ctx context.Context, id string) (Scheduled, error) {
	if err := ctx.Err(); err != nil {
		return Scheduled{}, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	it, ok := q.byID[id]
	if !ok {
		return Scheduled{}, notFound(id)
	}
	return copyScheduled(it.s), nil
}

func byDue(a, b *queued) int {
	if c := a.s.At.Compare(b.s.At); c != 0 {
		return c
	}
	return cmp.Compare(a.s.ID, b.s.ID)
}

func (q *MemoryQueue) pendingLocked(account string) []*queued {
	var list []*queued
	for id := range q.pending[account] {
		list = append(list, q.byID[id])
	}
	slices.SortFunc(list, byDue)
	return list
}

// Pending implements Queue.
func (q *MemoryQueue) Pending(ctx context.Context, account string) ([]Scheduled, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []Scheduled
	for _, it := range q.pendingLocked(account) {
		out = append(out, copyScheduled(it.s))
	}
	return out, nil
}

// Claim implements Queue.
func (q *MemoryQueue) Claim(ctx context.Context, account string, now time.Time, ttl time.Duration) (*Claim, time.Time, error) {
	if err := ctx.Err(); err != nil {
		return nil, time.Time{}, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	var next time.Time
	for _, it := range q.pendingLocked(account) {
		if it.expires.After(now) { // claimed by a live process
			if next.IsZero() || it.expires.Before(next) {
				next = it.expires
			}
			continue
		}
		if it.s.At.After(now) {
			if next.IsZero() || it.s.At.Before(next) {
				next = it.s.At
			}
			break // sorted: nothing later is due either
		}
		it.token++
		it.expires = now.Add(ttl)
		return &Claim{Scheduled: copyScheduled(it.s), Token: it.token, Expires: it.expires}, time.Time{}, nil
	}
	return nil, next, nil
}

// claimedLocked returns c's send when c is its latest claim.
func (q *MemoryQueue) claimedLocked(c *Claim) (*queued, error) {
	it, ok := q.byID[c.ID]
	if !ok {
		return nil, notFound(c.ID)
	}
	if it.token != c.Token || it.s.State != QueuePending {
		return nil, fmt.Errorf("engine: claim %d of send %s: %w", c.Token, c.ID, ErrLeaseLost)
	}
	return it, nil
}

// Snooze implements Queue.
func (q *MemoryQueue) Snooze(ctx context.Context, c *Claim, until time.Time, attempted bool, reason string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	it, err := q.claimedLocked(c)
	if err != nil {
		return err
	}
	it.expires = time.Time{}
	it.s.At, it.s.Reason, it.s.Updated = until, reason, q.clock.Now()
	if attempted {
		it.s.Attempts++
	}
	return nil
}

// Finish implements Queue.
func (q *MemoryQueue) Finish(ctx context.Context, c *Claim, state QueueState, sent *provider.Sent, reason string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if state != QueueSent && state != QueueFailed && state != QueueCancelled {
		return &provider.Error{Op: "queue", Code: provider.ErrInvalid, Field: "state", Err: fmt.Errorf("engine: %q is not a final state", state)}
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	it, err := q.claimedLocked(c)
	if err != nil {
		return err
	}
	q.finalLocked(it, state, sent, reason)
	return nil
}

func (q *MemoryQueue) finalLocked(it *queued, state QueueState, sent *provider.Sent, reason string) {
	it.expires = time.Time{}
	it.s.State, it.s.Reason, it.s.Updated = state, reason, q.clock.Now()
	if sent != nil {
		s := *sent
		it.s.Sent = &s
	}
	delete(q.pending[it.s.Account], it.s.ID)
	if len(q.pending[it.s.Account]) == 0 {
		delete(q.pending, it.s.Account)
	}
}

// Cancel implements Queue.
func (q *MemoryQueue) Cancel(ctx context.Context, id, reason string) (Scheduled, error) {
	if err := ctx.Err(); err != nil {
		return Scheduled{}, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	it, ok := q.byID[id]
	switch {
	case !ok:
		return Scheduled{}, notFound(id)
	case it.s.State != QueuePending:
		return copyScheduled(it.s), nil
	case it.expires.After(q.clock.Now()):
		return Scheduled{}, fmt.Errorf("engine: cancel %s: %w", id, ErrSending)
	}
	q.finalLocked(it, QueueCancelled, nil, reason)
	return copyScheduled(it.s), nil
}
