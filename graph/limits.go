package graph

import (
	"errors"
	"fmt"
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

// sendQuota counts this process's sends over rolling windows. It is safe
// for concurrent use.
type sendQuota struct {
	limits SendLimits
	now    func() time.Time

	mu    sync.Mutex
	sends []quotaEntry // within the last 24 hours, oldest first
	hold  time.Time    // Exchange said to wait until then
}

type quotaEntry struct {
	at         time.Time
	recipients int
}

func newSendQuota(l SendLimits, now func() time.Time) *sendQuota {
	if l.MessagesPerMinute == 0 {
		l.MessagesPerMinute = LimitMessagesPerMinute
	}
	if l.RecipientsPerDay == 0 {
		l.RecipientsPerDay = LimitRecipientsPerDay
	}
	return &sendQuota{limits: l, now: now}
}

func (q *sendQuota) prune(now time.Time) {
	cut := 0
	for cut < len(q.sends) && now.Sub(q.sends[cut].at) >= 24*time.Hour {
		cut++
	}
	q.sends = q.sends[cut:]
}

// reserve takes room for one message to n recipients, or returns a
// *provider.RateLimitError saying when there will be room. A reservation
// of a send that then fails is given back with release.
func (q *sendQuota) reserve(n int) (time.Time, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := q.now()
	q.prune(now)
	if now.Before(q.hold) {
		return time.Time{}, &provider.RateLimitError{RetryAfter: q.hold.Sub(now),
			Err: fmt.Errorf("%w: Exchange deferred the last message", errSendLimit)}
	}
	if lim := q.limits.MessagesPerMinute; lim > 0 {
		inMinute := 0
		var oldest time.Time
		for i := len(q.sends) - 1; i >= 0 && now.Sub(q.sends[i].at) < time.Minute; i-- {
			inMinute++
			oldest = q.sends[i].at
		}
		if inMinute >= lim {
			return time.Time{}, &provider.RateLimitError{RetryAfter: oldest.Add(time.Minute).Sub(now),
				Err: fmt.Errorf("%w: %d messages per minute", errSendLimit, lim)}
		}
	}
	if lim := q.limits.RecipientsPerDay; lim > 0 {
		total := n
		for _, e := range q.sends {
			total += e.recipients
		}
		if total > lim {
			// Room comes back as the oldest sends leave the window.
			wait := 24 * time.Hour
			for _, e := range q.sends {
				total -= e.recipients
				if total <= lim {
					wait = e.at.Add(24 * time.Hour).Sub(now)
					break
				}
			}
			return time.Time{}, &provider.RateLimitError{RetryAfter: wait,
				Err: fmt.Errorf("%w: %d recipients per day", errSendLimit, lim)}
		}
	}
	q.sends = append(q.sends, quotaEntry{at: now, recipients: n})
	return now, nil
}

// Reserve implements providerkit.SendLimit: room for m's recipients.
func (q *sendQuota) Reserve(m *provider.Message) (time.Time, error) {
	return q.reserve(len(m.To) + len(m.Cc) + len(m.Bcc))
}

// Settle implements providerkit.SendLimit: a send that delivered nothing
// new gives its room back.
func (q *sendQuota) Settle(at time.Time, sent *provider.Sent) {
	if sent == nil || sent.Duplicate {
		q.release(at)
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

// release gives back the reservation made at at.
func (q *sendQuota) release(at time.Time) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i := len(q.sends) - 1; i >= 0; i-- {
		if q.sends[i].at.Equal(at) {
			q.sends = append(q.sends[:i], q.sends[i+1:]...)
			return
		}
	}
}

func (q *sendQuota) usage() Usage {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := q.now()
	q.prune(now)
	u := Usage{Limits: q.limits}
	if now.Before(q.hold) {
		u.HeldFor = q.hold.Sub(now)
	}
	for _, e := range q.sends {
		u.RecipientsLastDay += e.recipients
		if now.Sub(e.at) < time.Minute {
			u.MessagesLastMinute++
		}
	}
	return u
}

// Usage reports this Provider's sends within Exchange's windows, for the
// host's UI and scheduler. The counts live in process memory: a host
// running several processes per mailbox should schedule against the
// limits itself.
func (p *Provider) Usage() Usage { return p.quota.usage() }
