package provider

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// SendCounter counts what a mailbox sent (messages, or recipients) over a
// rolling window, shared by every process that sends from the mailbox, so
// that limits such as Gmail's daily quota, Exchange's messages per minute
// or the engine's pacing hold across replicas and restarts. Keys name a
// mailbox and a limit ("gmail/day/ada@example.com"); a key is always
// counted over the same window. Implementations must be safe for
// concurrent use, and Take must be atomic: concurrent Takes never
// together exceed the limit. MemorySendCounter is one for a single
// process; package sendcountertest checks an implementation.
type SendCounter interface {
	// Take adds n to key's count at now when the count over the window
	// ending at now (the takings less than window old) plus n stays within
	// limit, and returns an id for Return. Otherwise it adds nothing and
	// returns a *RateLimitError whose RetryAfter is when enough takings
	// will have left the window. n larger than limit is ErrInvalid.
	Take(ctx context.Context, key string, n, limit int, window time.Duration, now time.Time) (id string, err error)
	// Return takes back a taking whose send did not happen. Returning an
	// unknown or already returned id is not an error.
	Return(ctx context.Context, key, id string) error
	// Count returns key's count over the window ending at now.
	Count(ctx context.Context, key string, window time.Duration, now time.Time) (int, error)
}

// MemorySendCounter is a SendCounter in memory, for one process. It forgets
// takings as they leave their key's window. Safe for concurrent use; the
// zero value is ready.
type MemorySendCounter struct {
	mu   sync.Mutex
	keys map[string][]taking // oldest first
	next int
}

var _ SendCounter = (*MemorySendCounter)(nil)

type taking struct {
	id string
	at time.Time
	n  int
}

// inWindow drops the takings of key that left the window and returns the
// count of those left.
func (c *MemorySendCounter) inWindow(key string, window time.Duration, now time.Time) int {
	list := c.keys[key]
	cut := 0
	for cut < len(list) && now.Sub(list[cut].at) >= window {
		cut++
	}
	list = list[cut:]
	if len(list) == 0 {
		delete(c.keys, key)
	} else {
		c.keys[key] = list
	}
	total := 0
	for _, t := range list {
		total += t.n
	}
	return total
}

// Take implements SendCounter.
func (c *MemorySendCounter) Take(ctx context.Context, key string, n, limit int, window time.Duration, now time.Time) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if n <= 0 || n > limit || window <= 0 {
		return "", &Error{Code: ErrInvalid, Field: "n", Err: errors.New("must be 1..limit, with a positive window")}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keys == nil {
		c.keys = make(map[string][]taking)
	}
	total := c.inWindow(key, window, now)
	if total+n > limit {
		for _, t := range c.keys[key] {
			total -= t.n
			if total+n <= limit {
				return "", LimitReached(key, limit, t.at.Add(window).Sub(now))
			}
		}
		return "", LimitReached(key, limit, window) // unreachable: n <= limit
	}
	c.next++
	id := strconv.Itoa(c.next)
	c.keys[key] = append(c.keys[key], taking{id: id, at: now, n: n})
	return id, nil
}

// LimitReached returns the *RateLimitError a SendCounter's Take returns
// when key is at its limit and room comes back after wait.
func LimitReached(key string, limit int, wait time.Duration) *RateLimitError {
	return &RateLimitError{RetryAfter: wait, Err: fmt.Errorf("provider: send limit of %d reached for %s", limit, key)}
}

// Return implements SendCounter.
func (c *MemorySendCounter) Return(_ context.Context, key, id string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	list := c.keys[key]
	for i, t := range list {
		if t.id == id {
			c.keys[key] = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	return nil
}

// Count implements SendCounter.
func (c *MemorySendCounter) Count(ctx context.Context, key string, window time.Duration, now time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keys == nil {
		return 0, nil
	}
	return c.inWindow(key, window, now), nil
}
