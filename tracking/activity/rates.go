package activity

import (
	"strings"

	"github.com/inboxkit/inboxkit/tracking"
	"github.com/inboxkit/inboxkit/tracking/intent"
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
	Unsubscribed        int // by link or one-click, or by a reply asking for it
	// Challenged counts recipients whose spam filter asked us to prove we
	// are a person (challenge-response); they are not in AutoReplied.
	Challenged int
	// Intents counts the recipients who replied with each intent (a
	// person who answered twice, "later" then "interested", counts under
	// both); replies recorded without an intent count in Replied only.
	Intents IntentCounts
}

// IntentCounts counts recipients per reply intent.
type IntentCounts struct {
	Interested, Question, Later, NotInterested, WrongPerson, Unsubscribe, Other int
}

// Of returns the count of intent i (0 for a word that is not an intent).
func (c IntentCounts) Of(i intent.Intent) int {
	if p := c.field(i); p != nil {
		return *p
	}
	return 0
}

func (c *IntentCounts) field(i intent.Intent) *int {
	switch i {
	case intent.Interested:
		return &c.Interested
	case intent.Question:
		return &c.Question
	case intent.Later:
		return &c.Later
	case intent.NotInterested:
		return &c.NotInterested
	case intent.WrongPerson:
		return &c.WrongPerson
	case intent.Unsubscribe:
		return &c.Unsubscribe
	case intent.Other:
		return &c.Other
	}
	return nil
}

// InterestRate is Intents.Interested / Replied: the share of the people
// who answered who expressed interest (0 when nobody replied).
func (r Rates) InterestRate() float64 { return ratio(r.Intents.Interested, r.Replied) }

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
	markSent uint32 = 1 << iota
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
	markChallenged
	markIntent // first of one bit per intent, in the order of intent.All
)

// intentMark is the mark of intent i, or 0.
func intentMark(i intent.Intent) uint32 {
	for k, v := range intent.All {
		if v == i {
			return markIntent << k
		}
	}
	return 0
}

// rateBook accumulates marks per campaign and recipient. Not safe for
// concurrent use on its own.
type rateBook map[string]map[string]uint32

// add marks e. Events without a recipient (opens and clicks of a message
// sent to several people) cannot be attributed and are not counted.
func (b rateBook) add(e Event) {
	rcpt := strings.ToLower(e.Recipient)
	if rcpt == "" {
		return
	}
	var m uint32
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
		m = markReplied | intentMark(e.Intent)
		if e.Intent == intent.Unsubscribe {
			m |= markUnsubscribed
		}
	case EventAutoReplied:
		m = markAutoReplied
		if e.Challenge {
			m = markChallenged
		}
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
		c = make(map[string]uint32)
		b[e.Campaign] = c
	}
	c[rcpt] |= m
}

// rates sums one campaign.
func (b rateBook) rates(campaign string) Rates {
	r := Rates{Campaign: campaign}
	for _, m := range b[campaign] {
		for k, i := range intent.All {
			if m&(markIntent<<k) != 0 {
				*r.Intents.field(i)++
			}
		}
		for _, f := range [...]struct {
			bit uint32
			n   *int
		}{
			{markSent, &r.Sent}, {markOpened, &r.Opened}, {markOpenedAny, &r.OpenedAny},
			{markClicked, &r.Clicked}, {markClickedAny, &r.ClickedAny}, {markReplied, &r.Replied},
			{markAutoReplied, &r.AutoReplied}, {markBounced, &r.Bounced}, {markHardBounced, &r.HardBounced},
			{markComplained, &r.Complained}, {markUnsubscribed, &r.Unsubscribed}, {markChallenged, &r.Challenged},
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
