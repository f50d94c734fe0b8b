package graph

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
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

// sendQuota is Exchange's sending limits as a providerkit.SendLimit,
// counted over rolling windows in a provider.SendCounter (this Provider's
// memory, or one shared by every process sending from the mailbox), with
// Exchange's deferral hold kept per process. It is safe for concurrent
// use.
type sendQuota struct {
	limits SendLimits
	now    func() time.Time
	minute providerkit.CountedLimit // messages
	day    providerkit.CountedLimit // recipients

	mu   sync.Mutex
	hold time.Time // Exchange said to wait until then
}

func newSendQuota(l SendLimits, now func() time.Time) *sendQuota {
	if l.MessagesPerMinute == 0 {
		l.MessagesPerMinute = LimitMessagesPerMinute
	}
	if l.RecipientsPerDay == 0 {
		l.RecipientsPerDay = LimitRecipientsPerDay
	}
	q := &sendQuota{limits: l, now: now}
	return q.shared(&provider.MemorySendCounter{}, "")
}

// shared makes the quota count in c under keys of mailbox.
func (q *sendQuota) shared(c provider.SendCounter, mailbox string) *sendQuota {
	if c != nil {
		mailbox = strings.ToLower(mailbox)
		q.minute = providerkit.CountedLimit{Counter: c, Key: "graph/minute/" + mailbox, Limit: q.limits.MessagesPerMinute, Window: time.Minute}
		q.day = providerkit.CountedLimit{Counter: c, Key: "graph/day/" + mailbox, Limit: q.limits.RecipientsPerDay, Window: 24 * time.Hour}
	}
	return q
}

// reserve takes room for one message to n recipients, or returns a
// *provider.RateLimitError saying when there will be room. A reservation
// of a send that then fails is given back with release.
func (q *sendQuota) reserve(ctx context.Context, n int) (providerkit.Ticket, error) {
	now := q.now()
	q.mu.Lock()
	hold := q.hold
	q.mu.Unlock()
	if now.Before(hold) {
		return providerkit.Ticket{}, &provider.RateLimitError{RetryAfter: hold.Sub(now),
			Err: fmt.Errorf("%w: Exchange deferred the last message", errSendLimit)}
	}
	m, err := q.minute.Take(ctx, 1, now, fmt.Errorf("%w: %d messages per minute", errSendLimit, q.limits.MessagesPerMinute))
	if err != nil {
		return providerkit.Ticket{}, err
	}
	d, err := q.day.Take(ctx, n, now, fmt.Errorf("%w: %d recipients per day", errSendLimit, q.limits.RecipientsPerDay))
	if err != nil {
		q.minute.Return(ctx, m)
		return providerkit.Ticket{}, err
	}
	return providerkit.Ticket{At: now, IDs: []string{m, d}}, nil
}

// Reserve implements providerkit.SendLimit: room for m's recipients.
func (q *sendQuota) Reserve(ctx context.Context, m *provider.Message) (providerkit.Ticket, error) {
	return q.reserve(ctx, len(m.To)+len(m.Cc)+len(m.Bcc))
}

// Settle implements providerkit.SendLimit: a send that delivered nothing
// new gives its room back.
func (q *sendQuota) Settle(ctx context.Context, t providerkit.Ticket, sent *provider.Sent) {
	if sent == nil || sent.Duplicate {
		q.release(ctx, t)
	}
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

// release gives back the reservation t.
func (q *sendQuota) release(ctx context.Context, t providerkit.Ticket) {
	if len(t.IDs) == 2 {
		q.minute.Return(ctx, t.IDs[0])
		q.day.Return(ctx, t.IDs[1])
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
	u.MessagesLastMinute = q.minute.Count(ctx, now)
	u.RecipientsLastDay = q.day.Count(ctx, now)
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
