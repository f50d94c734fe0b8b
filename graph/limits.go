package graph

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/inboxkit/inboxkit/provider"
)

// Exchange Online's sending limits per mailbox
// (https://learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits#sending-limits).
const (
	// LimitMessagesPerMinute is the message rate limit.
	LimitMessagesPerMinute = 30
	// LimitRecipientsPerDay is the recipient rate limit over a rolling
	// 24 hours.
	LimitRecipientsPerDay = 10000
)

// SendLimits are the per-mailbox sending limits a Provider enforces before
// a message reaches Graph, so a sequence slows down instead of having
// Exchange block the mailbox. Zero fields take Exchange Online's limits;
// a negative field disables that check.
type SendLimits struct {
	MessagesPerMinute int
	RecipientsPerDay  int
}

// Usage is what a Provider has sent within the limits' windows.
type Usage struct {
	// MessagesLastMinute and RecipientsLastDay are counts over the
	// rolling windows.
	MessagesLastMinute int
	RecipientsLastDay  int
	// Limits are the limits in force.
	Limits SendLimits
	// HeldFor is how long sends wait because Exchange deferred a message
	// over its rate limit (a 202 with Retry-After); zero when not held.
	HeldFor time.Duration
}

// errSendLimit is the cause of a send refused by the local limits.
var errSendLimit = errors.New("graph: Exchange sending limit reached")

// sendQuota counts the mailbox's sends over rolling windows in a
// provider.SendCounter (this Provider's memory, or one shared by every
// process sending from the mailbox), and keeps Exchange's deferral hold.
// It is safe for concurrent use.
type sendQuota struct {
	limits    SendLimits
	now       func() time.Time
	counter   provider.SendCounter
	minuteKey string
	dayKey    string

	mu   sync.Mutex
	hold time.Time // Exchange said to wait until then
}

// reservation is the room one send took, given back with release.
type reservation struct {
	at          time.Time
	minute, day string // the counter's ids
}

func newSendQuota(l SendLimits, now func() time.Time) *sendQuota {
	if l.MessagesPerMinute == 0 {
		l.MessagesPerMinute = LimitMessagesPerMinute
	}
	if l.RecipientsPerDay == 0 {
		l.RecipientsPerDay = LimitRecipientsPerDay
	}
	return &sendQuota{limits: l, now: now, counter: &provider.MemorySendCounter{},
		minuteKey: "graph/minute", dayKey: "graph/day"}
}

// shared makes the quota count in c under keys of mailbox.
func (q *sendQuota) shared(c provider.SendCounter, mailbox string) *sendQuota {
	if c != nil {
		mailbox = strings.ToLower(mailbox)
		q.counter, q.minuteKey, q.dayKey = c, "graph/minute/"+mailbox, "graph/day/"+mailbox
	}
	return q
}

// orUnlimited is limit, or a limit never reached when the check is
// disabled: sends are still counted, for Usage.
func orUnlimited(limit int) int {
	if limit <= 0 {
		return math.MaxInt32
	}
	return limit
}

// reserve takes room for one message to n recipients, or returns a
// *provider.RateLimitError saying when there will be room. A reservation
// of a send that then fails is given back with release.
func (q *sendQuota) reserve(ctx context.Context, n int) (reservation, error) {
	now := q.now()
	q.mu.Lock()
	hold := q.hold
	q.mu.Unlock()
	if now.Before(hold) {
		return reservation{}, &provider.RateLimitError{RetryAfter: hold.Sub(now),
			Err: fmt.Errorf("%w: Exchange deferred the last message", errSendLimit)}
	}
	r := reservation{at: now}
	var err error
	r.minute, err = q.counter.Take(ctx, q.minuteKey, 1, orUnlimited(q.limits.MessagesPerMinute), time.Minute, now)
	if err != nil {
		return reservation{}, limitError(err, "%w: %d messages per minute", q.limits.MessagesPerMinute)
	}
	dayLimit := orUnlimited(q.limits.RecipientsPerDay)
	if n > dayLimit {
		err = provider.LimitReached(q.dayKey, dayLimit, 24*time.Hour)
	} else if n > 0 {
		r.day, err = q.counter.Take(ctx, q.dayKey, n, dayLimit, 24*time.Hour, now)
	}
	if err != nil {
		q.release(ctx, reservation{minute: r.minute})
		return reservation{}, limitError(err, "%w: %d recipients per day", q.limits.RecipientsPerDay)
	}
	return r, nil
}

// limitError words a counter's refusal as Exchange's limit, keeping its
// RetryAfter; other failures (a shared counter out of reach) pass as they
// are.
func limitError(err error, format string, limit int) error {
	var rl *provider.RateLimitError
	if errors.As(err, &rl) {
		return &provider.RateLimitError{RetryAfter: rl.RetryAfter, Err: fmt.Errorf(format, errSendLimit, limit)}
	}
	return err
}

// holdFor makes sends wait d: Exchange accepted a message over its rate
// but deferred it, answering 202 with Retry-After.
func (q *sendQuota) holdFor(d time.Duration) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if until := q.now().Add(d); until.After(q.hold) {
		q.hold = until
	}
}

// release gives back the reservation r.
func (q *sendQuota) release(ctx context.Context, r reservation) {
	// Failing to give back only makes the count err on the safe side.
	ctx = context.WithoutCancel(ctx)
	if r.minute != "" {
		_ = q.counter.Return(ctx, q.minuteKey, r.minute)
	}
	if r.day != "" {
		_ = q.counter.Return(ctx, q.dayKey, r.day)
	}
}

func (q *sendQuota) usage(ctx context.Context) Usage {
	now := q.now()
	u := Usage{Limits: q.limits}
	q.mu.Lock()
	if now.Before(q.hold) {
		u.HeldFor = q.hold.Sub(now)
	}
	q.mu.Unlock()
	var err error
	if u.MessagesLastMinute, err = q.counter.Count(ctx, q.minuteKey, time.Minute, now); err != nil {
		u.MessagesLastMinute = -1
	}
	if u.RecipientsLastDay, err = q.counter.Count(ctx, q.dayKey, 24*time.Hour, now); err != nil {
		u.RecipientsLastDay = -1
	}
	return u
}

// Usage reports the mailbox's sends within Exchange's windows, for the
// host's UI and scheduler. With Options.SendCounter the counts are the
// ones every process shares; otherwise they live in this Provider's
// memory. A count the shared counter could not give is -1.
func (p *Provider) Usage() Usage {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return p.quota.usage(ctx)
}
