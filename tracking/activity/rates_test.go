package activity_test

import (
	"context"
	"sync"
	"testing"

	"github.com/inboxkit/inboxkit/tracking"
	"github.com/inboxkit/inboxkit/tracking/activity"
)

func rateEvents() []activity.Event {
	ev := func(typ activity.EventType, rcpt, campaign string) activity.Event {
		return activity.Event{Type: typ, At: trackNow, Recipient: rcpt, Campaign: campaign}
	}
	proxy := ev(activity.EventOpened, "c@example.org", "a")
	proxy.Automation = activity.AutomationAppleMPP
	scan := ev(activity.EventClicked, "c@example.org", "a")
	scan.Automation = activity.AutomationScanner
	hard := ev(activity.EventBounced, "d@example.org", "a")
	hard.Action, hard.Hard = tracking.BounceFailed, true
	delay := ev(activity.EventBounced, "a@example.org", "a")
	delay.Action = tracking.BounceDelayed
	return []activity.Event{
		ev(activity.EventSent, "a@example.org", "a"), ev(activity.EventSent, "B@example.org", "a"),
		ev(activity.EventSent, "c@example.org", "a"), ev(activity.EventSent, "d@example.org", "a"),
		ev(activity.EventOpened, "a@example.org", "a"), ev(activity.EventOpened, "a@example.org", "a"),
		ev(activity.EventClicked, "a@example.org", "a"), ev(activity.EventReplied, "b@example.org", "a"),
		proxy, scan, hard, delay,
		ev(activity.EventUnsubscribed, "c@example.org", "a"),
		ev(activity.EventSent, "a@example.org", "b"), ev(activity.EventOpened, "", "a"),
	}
}

func TestRatesOf(t *testing.T) {
	got := activity.RatesOf(rateEvents())
	want := activity.Rates{Campaign: "a", Sent: 4, Opened: 1, OpenedAny: 2, Clicked: 1, ClickedAny: 2,
		Replied: 1, Bounced: 1, HardBounced: 1, Unsubscribed: 1}
	if got["a"] != want {
		t.Errorf("RatesOf[a] = %+v; want %+v", got["a"], want)
	}
	if got["b"].Sent != 1 || len(got) != 2 {
		t.Errorf("RatesOf = %+v; want campaigns a and b", got)
	}
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		{"open", want.OpenRate(), 0.25}, {"click", want.ClickRate(), 0.25}, {"reply", want.ReplyRate(), 0.25},
		{"bounce", want.BounceRate(), 0.25}, {"unsubscribe", want.UnsubscribeRate(), 0.25},
		{"empty", activity.Rates{Opened: 3}.OpenRate(), 0},
	} {
		if tc.got != tc.want {
			t.Errorf("%s rate = %v; want %v", tc.name, tc.got, tc.want)
		}
	}
}

func TestLedger_concurrent(t *testing.T) {
	l := activity.NewLedger(&activity.StopPolicy{MaxSoftBounces: 2})
	events := rateEvents()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, e := range events {
				if err := l.Record(context.Background(), e); err != nil {
					t.Error(err)
				}
				l.MayContinue(e.Recipient, trackNow)
				l.Rates("a")
			}
		}()
	}
	wg.Wait()
	if got, want := l.Rates("a"), activity.RatesOf(events)["a"]; got != want {
		t.Errorf("Rates after concurrent duplicates = %+v; want %+v (distinct recipients)", got, want)
	}
	if got := l.Recipients(); len(got) != 4 || got[1] != "b@example.org" {
		t.Errorf("Recipients = %v", got)
	}
	if l.Len() != 8*len(events) {
		t.Errorf("Len = %d; want %d", l.Len(), 8*len(events))
	}
	if s, ok := l.State("nobody@example.org"); ok || s.Recipient != "nobody@example.org" {
		t.Errorf("State(unknown) = %+v, %v", s, ok)
	}
}
