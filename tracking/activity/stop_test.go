package activity_test

import (
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/tracking"
	"github.com/inboxkit/inboxkit/tracking/activity"
)

func TestRecipientState_MayContinue(t *testing.T) {
	day := func(n int) time.Time { return trackNow.AddDate(0, 0, n) }
	ev := func(typ activity.EventType, at int) activity.Event {
		return activity.Event{Type: typ, At: day(at), Recipient: "ann@example.org"}
	}
	soft := func(at int) activity.Event {
		e := ev(activity.EventBounced, at)
		e.Action, e.Reason = tracking.BounceFailed, "mailboxfull"
		return e
	}
	hard := ev(activity.EventBounced, 1)
	hard.Action, hard.Hard, hard.Reason = tracking.BounceFailed, true, "userunknown"
	delayed := ev(activity.EventBounced, 1)
	delayed.Action = tracking.BounceDelayed
	ooo := ev(activity.EventAutoReplied, 1)
	ooo.ReturnDate = day(10)
	oooNoDate := ev(activity.EventAutoReplied, 1)
	scannerOpen := ev(activity.EventOpened, 2)
	scannerOpen.Automation = activity.AutomationScanner
	for _, tc := range []struct {
		name   string
		policy activity.StopPolicy
		events []activity.Event
		at     int
		want   activity.Verdict
	}{
		{"nothing yet", activity.StopPolicy{}, nil, 0, activity.Verdict{Continue: true}},
		{"sent, opened, clicked", activity.StopPolicy{}, []activity.Event{ev(activity.EventSent, 0), ev(activity.EventOpened, 1), ev(activity.EventClicked, 1)}, 2,
			activity.Verdict{Continue: true}},
		{"reply stops", activity.StopPolicy{}, []activity.Event{ev(activity.EventSent, 0), ev(activity.EventReplied, 1)}, 2,
			activity.Verdict{Reason: "replied"}},
		{"hard bounce stops", activity.StopPolicy{}, []activity.Event{hard}, 2, activity.Verdict{Reason: "bounced: userunknown"}},
		{"complaint stops", activity.StopPolicy{}, []activity.Event{ev(activity.EventComplained, 1)}, 2, activity.Verdict{Reason: "complained"}},
		{"unsubscribe stops", activity.StopPolicy{}, []activity.Event{ev(activity.EventUnsubscribed, 1)}, 2, activity.Verdict{Reason: "unsubscribed"}},
		{"stop is final", activity.StopPolicy{}, []activity.Event{ev(activity.EventReplied, 1), ev(activity.EventSent, 2), ev(activity.EventClicked, 3), hard}, 4,
			activity.Verdict{Reason: "replied"}},
		{"delay notice never stops", activity.StopPolicy{}, []activity.Event{delayed, delayed, delayed, delayed, delayed}, 2, activity.Verdict{Continue: true}},
		{"auto-reply with return date waits", activity.StopPolicy{}, []activity.Event{ooo}, 2,
			activity.Verdict{Continue: true, NotBefore: day(10), Reason: "out of office"}},
		{"auto-reply after the return date", activity.StopPolicy{}, []activity.Event{ooo}, 10, activity.Verdict{Continue: true}},
		{"auto-reply without date continues", activity.StopPolicy{}, []activity.Event{oooNoDate}, 2, activity.Verdict{Continue: true}},
		{"soft bounce retries", activity.StopPolicy{}, []activity.Event{soft(1)}, 2,
			activity.Verdict{Continue: true, Retry: true, Reason: "soft bounce: retry"}},
		{"retry sent", activity.StopPolicy{}, []activity.Event{soft(1), ev(activity.EventSent, 2)}, 3, activity.Verdict{Continue: true}},
		{"three soft bounces still retry", activity.StopPolicy{}, []activity.Event{soft(1), soft(2), soft(3)}, 4,
			activity.Verdict{Continue: true, Retry: true, Reason: "soft bounce: retry"}},
		{"fourth soft bounce stops", activity.StopPolicy{}, []activity.Event{soft(1), soft(2), soft(3), soft(4)}, 5,
			activity.Verdict{Reason: "bounced: soft-bounce-limit"}},
		{"a person's open resets soft bounces", activity.StopPolicy{}, []activity.Event{soft(1), soft(2), soft(3), ev(activity.EventOpened, 3), soft(4)}, 5,
			activity.Verdict{Continue: true, Retry: true, Reason: "soft bounce: retry"}},
		{"a scanner's open does not", activity.StopPolicy{}, []activity.Event{soft(1), soft(2), soft(3), scannerOpen, soft(4)}, 5,
			activity.Verdict{Reason: "bounced: soft-bounce-limit"}},
		{"policy: one soft bounce allowed", activity.StopPolicy{MaxSoftBounces: 1}, []activity.Event{soft(1), soft(2)}, 3,
			activity.Verdict{Reason: "bounced: soft-bounce-limit"}},
		{"policy: no soft bounce allowed", activity.StopPolicy{MaxSoftBounces: -1}, []activity.Event{soft(1)}, 3,
			activity.Verdict{Reason: "bounced: soft-bounce-limit"}},
		{"out of office then reply", activity.StopPolicy{}, []activity.Event{ooo, ev(activity.EventReplied, 2)}, 3, activity.Verdict{Reason: "replied"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s activity.RecipientState
			for _, e := range tc.events {
				s.Apply(e, tc.policy)
			}
			if got := s.MayContinue(day(tc.at)); got != tc.want {
				t.Errorf("MayContinue = %+v; want %+v", got, tc.want)
			}
		})
	}
}

func TestRecipientState_Apply_record(t *testing.T) {
	var s activity.RecipientState
	s.Apply(activity.Event{Type: activity.EventSent, At: trackNow, Recipient: "ann@example.org"}, activity.StopPolicy{})
	s.Apply(activity.Event{Type: activity.EventReplied, At: trackNow.Add(time.Hour)}, activity.StopPolicy{})
	s.Apply(activity.Event{Type: activity.EventOpened, At: trackNow.Add(time.Minute)}, activity.StopPolicy{})
	want := activity.RecipientState{Recipient: "ann@example.org", Stopped: true, StoppedBy: activity.EventReplied,
		StoppedAt: trackNow.Add(time.Hour), Sent: 1, Opens: 1, LastEvent: trackNow.Add(time.Hour)}
	if s != want {
		t.Errorf("State = %+v; want %+v", s, want)
	}
}
