package gmail

import (
	"fmt"
	"sync"
	"time"

	"github.com/inboxkit/inboxkit/provider"
)

// Google's published daily sending limits per user (messages, counted over
// a rolling 24 hours; each recipient of a message may count on Google's
// side). Exceeding them gets the account blocked from sending for up to a
// day, so a host should stop before.
const (
	// LimitWorkspace is the Google Workspace limit (2,000 a day).
	LimitWorkspace = 2000
	// LimitConsumer is the limit of a free @gmail.com account (500 a day).
	LimitConsumer = 500
	// LimitWorkspaceTrial is the limit of a Workspace trial account.
	LimitWorkspaceTrial = 500
)

// dailyCounter counts this Provider's sends over a rolling 24 hours.
type dailyCounter struct {
	limit int
	now   func() time.Time

	mu    sync.Mutex
	times []time.Time // oldest first
}

func (d *dailyCounter) prune(now time.Time) {
	cut := now.Add(-24 * time.Hour)
	i := 0
	for i < len(d.times) && !d.times[i].After(cut) {
		i++
	}
	d.times = d.times[i:]
}

// check returns a *provider.RateLimitError once the limit is reached.
func (d *dailyCounter) check(now time.Time) error {
	if d.limit < 0 {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.prune(now)
	if len(d.times) < d.limit {
		return nil
	}
	wait := d.times[0].Add(24 * time.Hour).Sub(now)
	return &provider.RateLimitError{RetryAfter: wait, Err: fmt.Errorf("gmail: daily sending limit of %d reached", d.limit)}
}

// Reserve implements providerkit.SendLimit: it takes a place in the count
// before the send goes out (so concurrent sends cannot overshoot the limit,
// #12 item 8), or returns a *provider.RateLimitError once the limit is
// reached.
func (d *dailyCounter) Reserve(*provider.Message) (time.Time, error) {
	now := d.now()
	if err := d.check(now); err != nil {
		return time.Time{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.prune(now)
	if d.limit >= 0 && len(d.times) >= d.limit {
		// Another send took the last place since check.
		return time.Time{}, &provider.RateLimitError{RetryAfter: d.times[0].Add(24 * time.Hour).Sub(now), Err: fmt.Errorf("gmail: daily sending limit of %d reached", d.limit)}
	}
	at := now
	if n := len(d.times); n > 0 && at.Before(d.times[n-1]) {
		at = d.times[n-1] // keep the times in order under a clock that steps back
	}
	d.times = append(d.times, at)
	return at, nil
}

// Settle implements providerkit.SendLimit: a reservation whose send
// delivered nothing new is given back.
func (d *dailyCounter) Settle(ticket time.Time, sent *provider.Sent) {
	if sent != nil && !sent.Duplicate {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := len(d.times) - 1; i >= 0; i-- {
		if d.times[i].Equal(ticket) {
			d.times = append(d.times[:i], d.times[i+1:]...)
			return
		}
	}
}

func (d *dailyCounter) count(now time.Time) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.prune(now)
	return len(d.times)
}

// SendsToday returns how many messages this Provider sent in the last 24
// hours and the daily limit it enforces (negative: none). The count lives
// in memory: a host running several processes, or restarting, should keep
// its own count from the Sent events and set Options.DailyLimit to what is
// left.
func (p *Provider) SendsToday() (sent, limit int) {
	return p.daily.count(p.now()), p.daily.limit
}
