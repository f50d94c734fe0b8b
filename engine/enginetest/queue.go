package enginetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/provider"
)

// RunQueue checks an engine.Queue: newQueue returns an empty queue that
// dates its changes with clock.
func RunQueue(t *testing.T, newQueue func(t *testing.T, clock engine.Clock) engine.Queue) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		fn   func(t *testing.T, q engine.Queue, c *Clock)
	}{
		{"EnqueueIdempotent", testEnqueueIdempotent},
		{"ClaimOrderAndNext", testClaimOrder},
		{"ClaimExpiresAndFences", testClaimFence},
		{"SnoozeAndFinish", testSnoozeFinish},
		{"Cancel", testCancel},
		{"ConcurrentClaims", testConcurrentClaims},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := NewClock(start)
			tc.fn(t, newQueue(t, c), c)
		})
	}
}

func send(id, account string, at time.Time) engine.Scheduled {
	return engine.Scheduled{ID: id, Account: account, At: at, Message: provider.Message{
		To: []provider.Address{{Email: "p@client.example"}}, Subject: "s", Text: "t",
		MessageID: id + "@inboxkit.test", IdempotencyKey: "key-" + id,
	}}
}

func enqueue(t *testing.T, q engine.Queue, s engine.Scheduled) engine.Scheduled {
	t.Helper()
	got, err := q.Enqueue(context.Background(), s)
	if err != nil {
		t.Fatalf("Enqueue(%s): %v", s.ID, err)
	}
	return got
}

func claim(t *testing.T, q engine.Queue, account string, now time.Time) (*engine.Claim, time.Time) {
	t.Helper()
	c, next, err := q.Claim(context.Background(), account, now, time.Minute)
	if err != nil {
		t.Fatalf("Claim: %v", err)
	}
	return c, next
}

func testEnqueueIdempotent(t *testing.T, q engine.Queue, c *Clock) {
	a := enqueue(t, q, send("a", "ada", c.Now()))
	dup := send("b", "ada", c.Now())
	dup.Message.IdempotencyKey = "key-a"
	if got := enqueue(t, q, dup); got.ID != a.ID {
		t.Errorf("Enqueue with a queued key = %s; want the existing %s", got.ID, a.ID)
	}
	other := send("c", "bob", c.Now())
	other.Message.IdempotencyKey = "key-a" // keys are per account
	if got := enqueue(t, q, other); got.ID != "c" {
		t.Errorf("Enqueue on another account = %s; want c", got.ID)
	}
	if got, _ := q.Pending(context.Background(), "ada"); len(got) != 1 || got[0].State != engine.QueuePending {
		t.Errorf("Pending(ada) = %+v; want one pending send", got)
	}
	if _, err := q.Get(context.Background(), "nope"); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("Get(unknown) = %v; want ErrNotFound", err)
	}
}

func testClaimOrder(t *testing.T, q engine.Queue, c *Clock) {
	now := c.Now()
	enqueue(t, q, send("late", "ada", now.Add(time.Hour)))
	enqueue(t, q, send("b", "ada", now.Add(-time.Minute)))
	enqueue(t, q, send("a", "ada", now.Add(-time.Minute)))
	enqueue(t, q, send("first", "ada", now.Add(-time.Hour)))
	var got []string
	for {
		cl, next := claim(t, q, "ada", now)
		if cl == nil {
			if want := now.Add(time.Minute); !next.Equal(want) { // the first claim's expiry
				t.Errorf("next = %v; want %v", next, want)
			}
			break
		}
		got = append(got, cl.ID)
	}
	if want := "[first a b]"; fmt.Sprint(got) != want {
		t.Errorf("claimed %v; want %s", got, want)
	}
	if cl, next := claim(t, q, "bob", now); cl != nil || !next.IsZero() {
		t.Errorf("Claim(empty account) = %v, %v; want nil, zero", cl, next)
	}
}

func testClaimFence(t *testing.T, q engine.Queue, c *Clock) {
	ctx := context.Background()
	enqueue(t, q, send("a", "ada", c.Now()))
	first, _ := claim(t, q, "ada", c.Now())
	if again, _ := claim(t, q, "ada", c.Now()); again != nil {
		t.Fatalf("a live claim was claimed again")
	}
	c.Advance(2 * time.Minute) // the first claimer died
	second, _ := claim(t, q, "ada", c.Now())
	if second == nil || second.Token <= first.Token {
		t.Fatalf("claim after expiry = %+v; want a greater token than %d", second, first.Token)
	}
	if err := q.Finish(ctx, first, engine.QueueSent, &provider.Sent{MessageID: "a@inboxkit.test"}, ""); !errors.Is(err, engine.ErrLeaseLost) {
		t.Errorf("Finish under the stale claim = %v; want ErrLeaseLost", err)
	}
	if err := q.Snooze(ctx, first, c.Now(), false, ""); !errors.Is(err, engine.ErrLeaseLost) {
		t.Errorf("Snooze under the stale claim = %v; want ErrLeaseLost", err)
	}
	if err := q.Finish(ctx, second, engine.QueueSent, &provider.Sent{MessageID: "a@inboxkit.test", ThreadID: "t1"}, ""); err != nil {
		t.Fatalf("Finish: %v", err)
	}
	got, _ := q.Get(ctx, "a")
	if got.State != engine.QueueSent || got.Sent == nil || got.Sent.ThreadID != "t1" {
		t.Errorf("after Finish: %+v; want sent with thread t1", got)
	}
	if err := q.Finish(ctx, second, engine.QueueFailed, nil, ""); !errors.Is(err, engine.ErrLeaseLost) {
		t.Errorf("Finish twice = %v; want ErrLeaseLost", err)
	}
}

func testSnoozeFinish(t *testing.T, q engine.Queue, c *Clock) {
	ctx := context.Background()
	enqueue(t, q, send("a", "ada", c.Now()))
	cl, _ := claim(t, q, "ada", c.Now())
	until := c.Now().Add(10 * time.Minute)
	if err := q.Snooze(ctx, cl, until, true, "temporary"); err != nil {
		t.Fatalf("Snooze: %v", err)
	}
	if again, next := claim(t, q, "ada", c.Now()); again != nil || !next.Equal(until) {
		t.Errorf("Claim after Snooze = %v, next %v; want nil, %v", again, next, until)
	}
	c.Advance(10 * time.Minute)
	cl, _ = claim(t, q, "ada", c.Now())
	if cl == nil || cl.Attempts != 1 || cl.Reason != "temporary" {
		t.Fatalf("Claim after the snooze = %+v; want the send with 1 attempt", cl)
	}
	if err := q.Finish(ctx, cl, engine.QueueFailed, nil, "permanent"); err != nil {
		t.Fatalf("Finish: %v", err)
	}
	if p, _ := q.Pending(ctx, "ada"); len(p) != 0 {
		t.Errorf("Pending after Finish = %d sends; want 0", len(p))
	}
	if got, _ := q.Get(ctx, "a"); got.State != engine.QueueFailed || got.Reason != "permanent" {
		t.Errorf("Get = %s %q; want failed \"permanent\"", got.State, got.Reason)
	}
}

func testCancel(t *testing.T, q engine.Queue, c *Clock) {
	ctx := context.Background()
	enqueue(t, q, send("a", "ada", c.Now()))
	enqueue(t, q, send("b", "ada", c.Now().Add(time.Hour)))
	cl, _ := claim(t, q, "ada", c.Now())
	if _, err := q.Cancel(ctx, cl.ID, "host"); !errors.Is(err, engine.ErrSending) {
		t.Errorf("Cancel(claimed) = %v; want ErrSending", err)
	}
	got, err := q.Cancel(ctx, "b", "host")
	if err != nil || got.State != engine.QueueCancelled || got.Reason != "host" {
		t.Fatalf("Cancel(b) = %+v, %v; want cancelled", got, err)
	}
	if got, err := q.Cancel(ctx, "b", "again"); err != nil || got.Reason != "host" {
		t.Errorf("Cancel(cancelled) = %q, %v; want unchanged, nil", got.Reason, err)
	}
	if _, err := q.Cancel(ctx, "nope", "host"); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("Cancel(unknown) = %v; want ErrNotFound", err)
	}
	c.Advance(2 * time.Minute)
	if got, err := q.Cancel(ctx, "a", "host"); err != nil || got.State != engine.QueueCancelled {
		t.Errorf("Cancel(expired claim) = %+v, %v; want cancelled", got, err)
	}
}

func testConcurrentClaims(t *testing.T, q engine.Queue, c *Clock) {
	const n = 50
	for i := range n {
		enqueue(t, q, send(fmt.Sprintf("s%02d", i), "ada", c.Now()))
	}
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				cl, _, err := q.Claim(context.Background(), "ada", c.Now(), time.Minute)
				if err != nil {
					t.Errorf("Claim: %v", err)
					return
				}
				if cl == nil {
					return
				}
				mu.Lock()
				seen[cl.ID]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != n {
		t.Errorf("claimed %d distinct sends; want %d", len(seen), n)
	}
	for id, k := range seen {
		if k != 1 {
			t.Errorf("send %s claimed %d times; want 1", id, k)
		}
	}
}
