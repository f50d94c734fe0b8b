package tracking_test

import (
	"context"
	"sync"
	"testing"

	"github.com/inboxkit/inboxkit/tracking"
)

func rateEvents() []tracking.Event {
	ev := func(typ tracking.EventType, rcpt, campaign string) tracking.Event {
		return tracking.Event{Type: typ, At: trackNow, Recipient: rcpt, Campaign: campaign}
	}
	proxy := ev(tracking.EventOpened, "c@example.org", "a")
	proxy.Automation = tracking.AutomationAppleMPP
	scan := ev(tracking.EventClicked, "c@example.org", "a")
	scan.Automation = tracking.AutomationScanner
	hard := ev(tracking.EventBounced, "d@example.org", "a")
	hard.Action, hard.Hard = tracking.ActionFailed, true
	delay := ev(tracking.EventBounced, "a@example.org", "a")
	delay.Action = tracking.ActionDelayed
	return []tracking.Event{
		ev(tracking.EventSent, "a@example.org", "a"), ev(tracking.EventSent, "B@example.org", "a"),
		ev(tracking.EventSent, "c@example.org", "a"), ev(tracking.EventSent, "d@example.org", "a"),
		ev(tracking.EventOpened, "a@example.org", "a"), ev(tracking.EventOpened, "a@example.org", "a"),
		ev(tracking.EventClicked, "a@example.org", "a"), ev(tracking.EventReplied, "b@example.org", "a"),
		proxy, scan, hard, delay,
		ev(tracking.EventUnsubscribed, "c@example.org", "a"),
		ev(tracking.EventSent, "a@example.org", "b"), ev(tracking.EventOpened, "", "a"),
	}
}

func TestRatesOf(t *testing.T) {
	got := tracking.RatesOf(rateEvents())
	want := tracking.Rates{Campaign: "a", Sent: 4, Opened: 1, OpenedAny: 2, Clicked: 1, ClickedAny: 2,
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
		{"empty", tracking.Rates{Opened: 3}.OpenRate(), 0},
	} {
		if tc.got != tc.want {
			t.Errorf("%s rate = %v; want %v", tc.name, tc.got, tc.want)
		}
	}
}

func TestLedger_concurrent(t *testing.T) {
	l := tracking.NewLedger(&tracking.StopPolicy{MaxSoftBounces: 2})
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
	if got, want := l.Rates("a"), tracking.RatesOf(events)["a"]; got != want {
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
