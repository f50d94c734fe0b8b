package tracking_test

import (
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/tracking"
)

func TestState_MayContinue(t *testing.T) {
	day := func(n int) time.Time { return trackNow.AddDate(0, 0, n) }
	ev := func(typ tracking.EventType, at int) tracking.Event {
		return tracking.Event{Type: typ, At: day(at), Recipient: "ann@example.org"}
	}
	soft := func(at int) tracking.Event {
		e := ev(tracking.EventBounced, at)
		e.Action, e.Reason = tracking.ActionFailed, "mailboxfull"
		return e
	}
	hard := ev(tracking.EventBounced, 1)
	hard.Action, hard.Hard, hard.Reason = tracking.ActionFailed, true, "userunknown"
	delayed := ev(tracking.EventBounced, 1)
	delayed.Action = tracking.ActionDelayed
	ooo := ev(tracking.EventAutoReplied, 1)
	ooo.ReturnDate = day(10)
	oooNoDate := ev(tracking.EventAutoReplied, 1)
	scannerOpen := ev(tracking.EventOpened, 2)
	scannerOpen.Automation = tracking.AutomationScanner
	for _, tc := range []struct {
		name   string
		policy tracking.StopPolicy
		events []tracking.Event
		at     int
		want   tracking.Decision
	}{
		{"nothing yet", tracking.StopPolicy{}, nil, 0, tracking.Decision{Continue: true}},
		{"sent, opened, clicked", tracking.StopPolicy{}, []tracking.Event{ev(tracking.EventSent, 0), ev(tracking.EventOpened, 1), ev(tracking.EventClicked, 1)}, 2,
			tracking.Decision{Continue: true}},
		{"reply stops", tracking.StopPolicy{}, []tracking.Event{ev(tracking.EventSent, 0), ev(tracking.EventReplied, 1)}, 2,
			tracking.Decision{Reason: "replied"}},
		{"hard bounce stops", tracking.StopPolicy{}, []tracking.Event{hard}, 2, tracking.Decision{Reason: "bounced: userunknown"}},
		{"complaint stops", tracking.StopPolicy{}, []tracking.Event{ev(tracking.EventComplained, 1)}, 2, tracking.Decision{Reason: "complained"}},
		{"unsubscribe stops", tracking.StopPolicy{}, []tracking.Event{ev(tracking.EventUnsubscribed, 1)}, 2, tracking.Decision{Reason: "unsubscribed"}},
		{"stop is final", tracking.StopPolicy{}, []tracking.Event{ev(tracking.EventReplied, 1), ev(tracking.EventSent, 2), ev(tracking.EventClicked, 3), hard}, 4,
			tracking.Decision{Reason: "replied"}},
		{"delay notice never stops", tracking.StopPolicy{}, []tracking.Event{delayed, delayed, delayed, delayed, delayed}, 2, tracking.Decision{Continue: true}},
		{"auto-reply with return date waits", tracking.StopPolicy{}, []tracking.Event{ooo}, 2,
			tracking.Decision{Continue: true, NotBefore: day(10), Reason: "out of office"}},
		{"auto-reply after the return date", tracking.StopPolicy{}, []tracking.Event{ooo}, 10, tracking.Decision{Continue: true}},
		{"auto-reply without date continues", tracking.StopPolicy{}, []tracking.Event{oooNoDate}, 2, tracking.Decision{Continue: true}},
		{"soft bounce retries", tracking.StopPolicy{}, []tracking.Event{soft(1)}, 2,
			tracking.Decision{Continue: true, Retry: true, Reason: "soft bounce: retry"}},
		{"retry sent", tracking.StopPolicy{}, []tracking.Event{soft(1), ev(tracking.EventSent, 2)}, 3, tracking.Decision{Continue: true}},
		{"three soft bounces still retry", tracking.StopPolicy{}, []tracking.Event{soft(1), soft(2), soft(3)}, 4,
			tracking.Decision{Continue: true, Retry: true, Reason: "soft bounce: retry"}},
		{"fourth soft bounce stops", tracking.StopPolicy{}, []tracking.Event{soft(1), soft(2), soft(3), soft(4)}, 5,
			tracking.Decision{Reason: "bounced: soft-bounce-limit"}},
		{"a person's open resets soft bounces", tracking.StopPolicy{}, []tracking.Event{soft(1), soft(2), soft(3), ev(tracking.EventOpened, 3), soft(4)}, 5,
			tracking.Decision{Continue: true, Retry: true, Reason: "soft bounce: retry"}},
		{"a scanner's open does not", tracking.StopPolicy{}, []tracking.Event{soft(1), soft(2), soft(3), scannerOpen, soft(4)}, 5,
			tracking.Decision{Reason: "bounced: soft-bounce-limit"}},
		{"policy: one soft bounce allowed", tracking.StopPolicy{MaxSoftBounces: 1}, []tracking.Event{soft(1), soft(2)}, 3,
			tracking.Decision{Reason: "bounced: soft-bounce-limit"}},
		{"policy: no soft bounce allowed", tracking.StopPolicy{MaxSoftBounces: -1}, []tracking.Event{soft(1)}, 3,
			tracking.Decision{Reason: "bounced: soft-bounce-limit"}},
		{"out of office then reply", tracking.StopPolicy{}, []tracking.Event{ooo, ev(tracking.EventReplied, 2)}, 3, tracking.Decision{Reason: "replied"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s tracking.State
			for _, e := range tc.events {
				s.Apply(e, tc.policy)
			}
			if got := s.MayContinue(day(tc.at)); got != tc.want {
				t.Errorf("MayContinue = %+v; want %+v", got, tc.want)
			}
		})
	}
}

func TestState_Apply_record(t *testing.T) {
	var s tracking.State
	s.Apply(tracking.Event{Type: tracking.EventSent, At: trackNow, Recipient: "ann@example.org"}, tracking.StopPolicy{})
	s.Apply(tracking.Event{Type: tracking.EventReplied, At: trackNow.Add(time.Hour)}, tracking.StopPolicy{})
	s.Apply(tracking.Event{Type: tracking.EventOpened, At: trackNow.Add(time.Minute)}, tracking.StopPolicy{})
	want := tracking.State{Recipient: "ann@example.org", Stopped: true, StoppedBy: tracking.EventReplied,
		StoppedAt: trackNow.Add(time.Hour), Sent: 1, Opens: 1, LastEvent: trackNow.Add(time.Hour)}
	if s != want {
		t.Errorf("State = %+v; want %+v", s, want)
	}
}
