package activity_test

import (
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/tracking/activity"
	"github.com/inboxkit/inboxkit/tracking/intent"
)

func TestState_Apply_replyIntents(t *testing.T) {
	at := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		intent    intent.Intent
		policy    activity.StopPolicy
		stopped   bool
		stoppedBy activity.EventType
		reason    string
		notBefore time.Time
	}{
		{"interested stops", intent.Interested, activity.StopPolicy{}, true, activity.EventReplied, "replied: interested", time.Time{}},
		{"unsubscribe stops as unsubscribed", intent.Unsubscribe, activity.StopPolicy{}, true, activity.EventUnsubscribed, "unsubscribed: replied", time.Time{}},
		{"later pauses 90 days", intent.Later, activity.StopPolicy{}, false, "", "replied: later", at.Add(90 * 24 * time.Hour)},
		{"later pauses as set", intent.Later, activity.StopPolicy{LaterPause: 14 * 24 * time.Hour}, false, "", "replied: later", at.Add(14 * 24 * time.Hour)},
		{"later stops when pausing is off", intent.Later, activity.StopPolicy{LaterPause: -1}, true, activity.EventReplied, "replied: later", time.Time{}},
		{"no intent stops", "", activity.StopPolicy{}, true, activity.EventReplied, "replied", time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s activity.RecipientState
			s.Apply(activity.Event{Type: activity.EventReplied, At: at, Recipient: "a@x.org", Intent: tc.intent}, tc.policy)
			d := s.MayContinue(at.Add(time.Hour))
			if s.Stopped != tc.stopped || s.StoppedBy != tc.stoppedBy || d.Reason != tc.reason || !d.NotBefore.Equal(tc.notBefore) {
				t.Errorf("after a %q reply: stopped=%v by %q, decision %+v; want stopped=%v by %q, reason %q, not before %v",
					tc.intent, s.Stopped, s.StoppedBy, d, tc.stopped, tc.stoppedBy, tc.reason, tc.notBefore)
			}
			if d.Continue == tc.stopped {
				t.Errorf("Continue = %v; want %v", d.Continue, !tc.stopped)
			}
		})
	}
	// A later reply, then an interested one: the second stops.
	var s activity.RecipientState
	s.Apply(activity.Event{Type: activity.EventReplied, At: at, Intent: intent.Later}, activity.StopPolicy{})
	s.Apply(activity.Event{Type: activity.EventReplied, At: at.Add(time.Hour), Intent: intent.Interested}, activity.StopPolicy{})
	if !s.Stopped {
		t.Error("interested after later: not stopped")
	}
}

func TestState_Apply_challengeStopsNothing(t *testing.T) {
	var s activity.RecipientState
	s.Apply(activity.Event{Type: activity.EventAutoReplied, Challenge: true, At: time.Unix(1, 0)}, activity.StopPolicy{})
	if d := s.MayContinue(time.Unix(2, 0)); !d.Continue || s.AutoReplies != 0 || s.SoftBounces != 0 {
		t.Errorf("after a challenge: %+v, state %+v; want to continue, nothing counted", d, s)
	}
}

func TestRatesOf_intents(t *testing.T) {
	ev := func(typ activity.EventType, rcpt string, i intent.Intent) activity.Event {
		return activity.Event{Type: typ, Campaign: "c", Recipient: rcpt, Intent: i}
	}
	events := []activity.Event{
		ev(activity.EventSent, "a@x", ""), ev(activity.EventSent, "b@x", ""), ev(activity.EventSent, "c@x", ""),
		ev(activity.EventSent, "d@x", ""), ev(activity.EventSent, "e@x", ""),
		ev(activity.EventReplied, "a@x", intent.Interested),
		ev(activity.EventReplied, "b@x", intent.Later), ev(activity.EventReplied, "b@x", intent.Interested),
		ev(activity.EventReplied, "c@x", intent.Unsubscribe),
		ev(activity.EventReplied, "d@x", intent.Question),
		{Type: activity.EventAutoReplied, Campaign: "c", Recipient: "e@x", Challenge: true},
	}
	r := activity.RatesOf(events)["c"]
	want := activity.IntentCounts{Interested: 2, Later: 1, Unsubscribe: 1, Question: 1}
	if r.Intents != want || r.Replied != 4 || r.Unsubscribed != 1 || r.Challenged != 1 || r.AutoReplied != 0 {
		t.Errorf("RatesOf = %+v; want intents %+v, 4 replied, 1 unsubscribed, 1 challenged, 0 auto-replied", r, want)
	}
	if got := r.InterestRate(); got != 0.5 {
		t.Errorf("InterestRate = %v; want 0.5", got)
	}
	if got := r.Intents.Of(intent.Later); got != 1 {
		t.Errorf("Intents.Of(later) = %d; want 1", got)
	}
	if got := (activity.Rates{}).InterestRate(); got != 0 {
		t.Errorf("InterestRate of nothing = %v; want 0", got)
	}
}
