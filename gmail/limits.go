package gmail

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
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

// dailyCounter is the daily limit as a providerkit.SendLimit, counted over
// a rolling 24 hours in a provider.SendCounter: this Provider's memory, or
// one shared by every process sending from the mailbox.
type dailyCounter struct {
	limit   int // negative: count, never refuse
	now     func() time.Time
	counted providerkit.CountedLimit
}

func newDailyCounter(email string, limit int, c provider.SendCounter, now func() time.Time) dailyCounter {
	if limit == 0 {
		limit = LimitWorkspace
	}
	if c == nil {
		c = &provider.MemorySendCounter{}
	}
	return dailyCounter{limit: limit, now: now, counted: providerkit.CountedLimit{
		Counter: c, Key: "gmail/day/" + strings.ToLower(email), Limit: limit, Window: 24 * time.Hour}}
}

// Reserve implements providerkit.SendLimit: a *provider.RateLimitError
// once the limit is reached.
func (d *dailyCounter) Reserve(ctx context.Context, _ *provider.Message) (providerkit.Ticket, error) {
	now := d.now()
	id, err := d.counted.Take(ctx, 1, now, fmt.Errorf("gmail: daily sending limit of %d reached", d.limit))
	if err != nil {
		return providerkit.Ticket{}, err
	}
	return providerkit.Ticket{At: now, IDs: []string{id}}, nil
}

// Settle implements providerkit.SendLimit: a send that delivered nothing
// new gives its place back.
func (d *dailyCounter) Settle(ctx context.Context, t providerkit.Ticket, sent *provider.Sent) {
	if sent == nil || sent.Duplicate {
		for _, id := range t.IDs {
			d.counted.Return(ctx, id)
		}
	}
}

// SendsToday returns how many messages were sent from the mailbox in the
// last 24 hours and the daily limit this Provider enforces (negative:
// none). With Options.SendCounter the count is the one every process
// shares; otherwise it lives in this Provider's memory. When the shared
// counter cannot be read, sent is -1.
func (p *Provider) SendsToday() (sent, limit int) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return p.daily.counted.Count(ctx, p.now()), p.daily.limit
}
