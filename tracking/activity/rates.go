package activity

import (
	"strings"

	"github.com/inboxkit/inboxkit/tracking"
)

// Rates are the per-campaign counts a host shows: each counts distinct
// recipients (an address that opened five times counts once), so every
// rate is a share of the recipients sent to.
type Rates struct {
	Campaign string
	Sent     int // recipients sent to
	// Opened and Clicked count recipients with at least one open or click
	// not flagged as automated; the Any variants include flagged ones
	// (proxy prefetches, link scanners).
	Opened, OpenedAny   int
	Clicked, ClickedAny int
	Replied             int
	AutoReplied         int
	Bounced             int // recipients with a failed (not merely delayed) bounce
	HardBounced         int
	Complained          int
	Unsubscribed        int
}

// OpenRate is Opened / Sent (0 when nothing was sent).
func (r Rates) OpenRate() float64 { return ratio(r.Opened, r.Sent) }

// ClickRate is Clicked / Sent.
func (r Rates) ClickRate() float64 { return ratio(r.Clicked, r.Sent) }

// ReplyRate is Replied / Sent.
func (r Rates) ReplyRate() float64 { return ratio(r.Replied, r.Sent) }

// BounceRate is Bounced / Sent.
func (r Rates) BounceRate() float64 { return ratio(r.Bounced, r.Sent) }

// UnsubscribeRate is Unsubscribed / Sent.
func (r Rates) UnsubscribeRate() float64 { return ratio(r.Unsubscribed, r.Sent) }

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// Per-recipient marks within a campaign.
const (
	markSent uint16 = 1 << iota
	markOpened
	markOpenedAny
	markClicked
	markClickedAny
	markReplied
	markAutoReplied
	markBounced
	markHardBounced
	markComplained
	markUnsubscribed
)

// rateBook accumulates marks per campaign and recipient. Not safe for
// concurrent use on its own.
type rateBook map[string]map[string]uint16

// add marks e. Events without a recipient (opens and clicks of a message
// sent to several people) cannot be attributed and are not counted.
func (b rateBook) add(e Event) {
	rcpt := strings.ToLower(e.Recipient)
	if rcpt == "" {
		return
	}
	var m uint16
	switch e.Type {
	case EventSent:
		m = markSent
	case EventOpened:
		m = markOpenedAny
		if e.Automation == AutomationNone {
			m |= markOpened
		}
	case EventClicked:
		m = markClickedAny
		if e.Automation == AutomationNone {
			m |= markClicked
		}
	case EventReplied:
		m = markReplied
	case EventAutoReplied:
		m = markAutoReplied
	case EventBounced:
		if e.Action == tracking.BounceDelayed {
			return
		}
		m = markBounced
		if e.Hard {
			m |= markHardBounced
		}
	case EventComplained:
		m = markComplained
	case EventUnsubscribed:
		m = markUnsubscribed
	default:
		return
	}
	c := b[e.Campaign]
	if c == nil {
		c = make(map[string]uint16)
		b[e.Campaign] = c
	}
	c[rcpt] |= m
}

// rates sums one campaign.
func (b rateBook) rates(campaign string) Rates {
	r := Rates{Campaign: campaign}
	for _, m := range b[campaign] {
		for _, f := range [...]struct {
			bit uint16
			n   *int
		}{
			{markSent, &r.Sent}, {markOpened, &r.Opened}, {markOpenedAny, &r.OpenedAny},
			{markClicked, &r.Clicked}, {markClickedAny, &r.ClickedAny}, {markReplied, &r.Replied},
			{markAutoReplied, &r.AutoReplied}, {markBounced, &r.Bounced}, {markHardBounced, &r.HardBounced},
			{markComplained, &r.Complained}, {markUnsubscribed, &r.Unsubscribed},
		} {
			if m&f.bit != 0 {
				*f.n++
			}
		}
	}
	return r
}

// RatesOf computes the rates of every campaign in events, for hosts that
// keep events in their own store. The map is keyed by Event.Campaign.
func RatesOf(events []Event) map[string]Rates {
	b := rateBook{}
	for _, e := range events {
		b.add(e)
	}
	out := make(map[string]Rates, len(b))
	for c := range b {
		out[c] = b.rates(c)
	}
	return out
}
