package gmail

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
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

// day is the rolling window Google counts sends over.
const day = 24 * time.Hour

// dailyCounter counts the mailbox's sends over a rolling 24 hours in a
// provider.SendCounter: this Provider's memory, or one shared by every
// process sending from the mailbox.
type dailyCounter struct {
	limit   int // negative: count, never refuse
	key     string
	counter provider.SendCounter
}

func newDailyCounter(email string, limit int, c provider.SendCounter) dailyCounter {
	if limit == 0 {
		limit = LimitWorkspace
	}
	if c == nil {
		c = &provider.MemorySendCounter{}
	}
	return dailyCounter{limit: limit, key: "gmail/day/" + strings.ToLower(email), counter: c}
}

// take reserves one send at now, or returns a *provider.RateLimitError once
// the limit is reached. A reservation whose send did not happen is given
// back with giveBack.
func (d *dailyCounter) take(ctx context.Context, now time.Time) (id string, err error) {
	limit := d.limit
	if limit < 0 {
		limit = math.MaxInt32
	}
	id, err = d.counter.Take(ctx, d.key, 1, limit, day, now)
	if rl := (*provider.RateLimitError)(nil); errors.As(err, &rl) {
		return "", &provider.RateLimitError{RetryAfter: rl.RetryAfter, Err: fmt.Errorf("gmail: daily sending limit of %d reached", d.limit)}
	}
	return id, err
}

func (d *dailyCounter) giveBack(ctx context.Context, id string) {
	// Failing to give back only makes the count err on the safe side.
	_ = d.counter.Return(context.WithoutCancel(ctx), d.key, id)
}

// SendsToday returns how many messages were sent from the mailbox in the
// last 24 hours and the daily limit this Provider enforces (negative:
// none). With Options.SendCounter the count is the one every process
// shares; otherwise it lives in this Provider's memory. When the shared
// counter cannot be read, sent is -1.
func (p *Provider) SendsToday() (sent, limit int) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n, err := p.daily.counter.Count(ctx, p.daily.key, day, p.now())
	if err != nil {
		n = -1
	}
	return n, p.daily.limit
}
