package activity

import (
	"time"

	"github.com/inboxkit/inboxkit/tracking"
	"github.com/inboxkit/inboxkit/tracking/intent"
)

// StopPolicy tunes the stop rules.
type StopPolicy struct {
	// MaxSoftBounces is how many consecutive soft bounces (failed, not
	// hard) a recipient may have before the sequence stops; each one asks
	// for the step to be retried. Zero means 3; negative means none (the
	// first soft bounce stops).
	MaxSoftBounces int
	// LaterPause is how long a reply whose intent is "later" pauses the
	// sequence instead of stopping it. Zero means 90 days; negative
	// means such a reply stops the sequence like any other.
	LaterPause time.Duration
}

func (p StopPolicy) laterPause() time.Duration {
	if p.LaterPause == 0 {
		return 90 * 24 * time.Hour
	}
	return p.LaterPause
}

func (p StopPolicy) maxSoft() int {
	switch {
	case p.MaxSoftBounces == 0:
		return 3
	case p.MaxSoftBounces < 0:
		return 0
	}
	return p.MaxSoftBounces
}

// RecipientState is what the stop rules know about one recipient. The zero value
// is a recipient nothing has happened to. Apply events in any order;
// a stop is final.
type RecipientState struct {
	Recipient string
	// Stopped is set by a reply, a hard bounce, a complaint, an
	// unsubscribe or too many soft bounces; StoppedBy and StoppedAt say
	// which event and when. Reason gives the bounce reason,
	// "soft-bounce-limit", the intent of the reply that stopped it, or
	// "replied" when a reply asked to unsubscribe (StoppedBy is then
	// EventUnsubscribed, as for a click). A reply whose intent is "later"
	// pauses instead (PausedUntil).
	Stopped   bool
	StoppedBy EventType
	StoppedAt time.Time
	Reason    string
	// SoftBounces counts soft bounces since the last sign of delivery (a
	// person's open or click). RetryStep is set by a soft bounce and
	// cleared by the next Sent: the bounced step should go again.
	SoftBounces int
	RetryStep   bool
	// ResumeAt is the return date an auto-reply stated: the next step
	// should wait until then.
	ResumeAt time.Time
	// PausedUntil is set by a reply asking to be contacted later (intent
	// "later"): the sequence waits until then instead of stopping.
	PausedUntil time.Time
	// Counters and the time of the last event.
	Sent, Opens, Clicks, AutoReplies int
	LastEvent                        time.Time
}

// Verdict answers "may the next step go to this recipient?".
type Verdict struct {
	// Continue is false once the recipient is stopped.
	Continue bool
	// NotBefore is set while an out-of-office return date is ahead.
	NotBefore time.Time
	// Retry asks for the last step to be sent again (after a soft bounce)
	// rather than the next one.
	Retry bool
	// Reason explains a stop ("replied", "bounced: userunknown" …) or a
	// wait ("out of office").
	Reason string
}

// Apply updates s with e under policy p. Events for other recipients are
// the caller's business; Apply does not check e.Recipient. Sent, Opened
// and Clicked never stop anyone. An open or click flagged as automated is
// counted but is not taken as a sign of delivery.
func (s *RecipientState) Apply(e Event, p StopPolicy) {
	if e.At.After(s.LastEvent) {
		s.LastEvent = e.At
	}
	if s.Recipient == "" {
		s.Recipient = e.Recipient
	}
	switch e.Type {
	case EventSent:
		s.Sent++
		s.RetryStep = false
	case EventOpened, EventClicked:
		if e.Type == EventOpened {
			s.Opens++
		} else {
			s.Clicks++
		}
		if e.Automation == AutomationNone {
			s.SoftBounces = 0
		}
	case EventReplied:
		switch {
		case e.Intent == intent.Unsubscribe:
			// Asking by reply is asking to unsubscribe.
			u := e
			u.Type = EventUnsubscribed
			s.stop(u, "replied")
		case e.Intent == intent.Later && p.laterPause() > 0:
			if until := e.At.Add(p.laterPause()); until.After(s.PausedUntil) {
				s.PausedUntil = until
			}
		default:
			s.stop(e, string(e.Intent))
		}
	case EventComplained, EventUnsubscribed:
		s.stop(e, "")
	case EventAutoReplied:
		if e.Challenge {
			break // a spam filter's request, not the person
		}
		s.AutoReplies++
		if e.ReturnDate.After(s.ResumeAt) {
			s.ResumeAt = e.ReturnDate
		}
	case EventBounced:
		switch {
		case e.Action == tracking.BounceDelayed:
			// a delay notice never stops a sequence by itself
		case e.Hard:
			s.stop(e, e.Reason)
		default:
			s.SoftBounces++
			s.RetryStep = true
			if s.SoftBounces > p.maxSoft() {
				s.RetryStep = false
				s.stop(e, "soft-bounce-limit")
			}
		}
	}
}

func (s *RecipientState) stop(e Event, reason string) {
	if s.Stopped {
		return
	}
	s.Stopped, s.StoppedBy, s.StoppedAt, s.Reason = true, e.Type, e.At, reason
	s.RetryStep = false
}

// MayContinue decides about the next step at time now.
func (s *RecipientState) MayContinue(now time.Time) Verdict {
	if s.Stopped {
		r := string(s.StoppedBy)
		if s.Reason != "" {
			r += ": " + s.Reason
		}
		return Verdict{Reason: r}
	}
	d := Verdict{Continue: true, Retry: s.RetryStep}
	if s.ResumeAt.After(now) {
		d.NotBefore = s.ResumeAt
		d.Reason = "out of office"
	}
	if s.PausedUntil.After(now) && s.PausedUntil.After(d.NotBefore) {
		d.NotBefore = s.PausedUntil
		d.Reason = "replied: later"
	}
	if d.Retry && d.Reason == "" {
		d.Reason = "soft bounce: retry"
	}
	return d
}
