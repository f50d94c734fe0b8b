package activity_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking"
	"github.com/inboxkit/inboxkit/tracking/activity"
)

func TestEventsOf(t *testing.T) {
	rec := &provider.SentRecord{Account: "me@example.com", MessageID: "m1@example.com",
		Recipients: []string{"Ann@example.org"}, Meta: map[string]string{activity.MetaCampaign: "spring", "contact": "42"}}
	two := &provider.SentRecord{Account: "me@example.com", MessageID: "m2@example.com", Recipients: []string{"a@example.org", "b@example.org"}}
	base := activity.Event{At: trackNow, Account: "me@example.com", MessageID: "m1@example.com", Campaign: "spring", Meta: rec.Meta}
	with := func(f func(*activity.Event)) activity.Event { e := base; f(&e); return e }
	back := trackNow.AddDate(0, 0, 7)
	for _, tc := range []struct {
		name string
		res  tracking.Result
		rec  *provider.SentRecord
		want []activity.Event
	}{
		{"unrelated", tracking.Result{Class: tracking.ClassUnrelated}, rec, nil},
		{"reply from the recipient", tracking.Result{Class: tracking.ClassReply, From: "ann@example.org", Record: rec}, nil,
			[]activity.Event{with(func(e *activity.Event) { e.Type, e.Recipient = activity.EventReplied, "ann@example.org" })}},
		{"reply from another address of the only recipient", tracking.Result{Class: tracking.ClassReply, From: "ann.private@example.net"}, rec,
			[]activity.Event{with(func(e *activity.Event) { e.Type, e.Recipient = activity.EventReplied, "ann@example.org" })}},
		{"reply to a message to several", tracking.Result{Class: tracking.ClassReply, From: "b@example.org"}, two,
			[]activity.Event{{Type: activity.EventReplied, At: trackNow, Account: "me@example.com", MessageID: "m2@example.com", Recipient: "b@example.org"}}},
		{"auto-reply with return date", tracking.Result{Class: tracking.ClassAutoReply, From: "ann@example.org", ReturnDate: back}, rec,
			[]activity.Event{with(func(e *activity.Event) {
				e.Type, e.Recipient, e.ReturnDate = activity.EventAutoReplied, "ann@example.org", back
			})}},
		{"bounce of two", tracking.Result{Class: tracking.ClassBounce, Action: tracking.BounceFailed, Recipients: []tracking.Recipient{
			{Address: "ann@example.org", Action: tracking.BounceFailed, Status: "5.1.1", Reason: "userunknown", Hard: true},
			{Address: "bob@example.org", Action: tracking.BounceFailed, Status: "4.2.2", Reason: "mailboxfull"},
		}}, rec, []activity.Event{
			with(func(e *activity.Event) {
				e.Type, e.Recipient, e.Action, e.Status, e.Reason, e.Hard = activity.EventBounced, "ann@example.org", tracking.BounceFailed, "5.1.1", "userunknown", true
			}),
			with(func(e *activity.Event) {
				e.Type, e.Recipient, e.Action, e.Status, e.Reason = activity.EventBounced, "bob@example.org", tracking.BounceFailed, "4.2.2", "mailboxfull"
			}),
		}},
		{"delay is never hard", tracking.Result{Class: tracking.ClassBounce, Action: tracking.BounceDelayed, Recipients: []tracking.Recipient{
			{Address: "ann@example.org", Status: "4.4.7", Reason: "expired", Hard: true}}}, rec,
			[]activity.Event{with(func(e *activity.Event) {
				e.Type, e.Recipient, e.Action, e.Status, e.Reason = activity.EventBounced, "ann@example.org", tracking.BounceDelayed, "4.4.7", "expired"
			})}},
		{"bounce without record", tracking.Result{Class: tracking.ClassBounce, OriginalMessageID: "x@example.com", Recipients: []tracking.Recipient{
			{Address: "ann@example.org", Action: tracking.BounceFailed, Hard: true, Reason: "userunknown"}}}, nil,
			[]activity.Event{{Type: activity.EventBounced, At: trackNow, MessageID: "x@example.com", Recipient: "ann@example.org",
				Action: tracking.BounceFailed, Hard: true, Reason: "userunknown"}}},
		{"complaint naming nobody", tracking.Result{Class: tracking.ClassComplaint, FeedbackType: "abuse"}, rec,
			[]activity.Event{with(func(e *activity.Event) {
				e.Type, e.Recipient, e.FeedbackType = activity.EventComplained, "ann@example.org", "abuse"
			})}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := activity.EventsOf(tc.res, tc.rec, trackNow)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("EventsOf =\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}

// TestEventsOf_classified runs real classifier output through the stop
// rules: a DSN hard bounce stops the recipient, an out-of-office defers.
func TestEventsOf_classified(t *testing.T) {
	idx := tracking.NewMemoryIndex(0)
	for _, r := range []provider.SentRecord{
		{Account: "me@example.com", MessageID: "m1@example.com", Recipients: []string{"ann@example.org"}, Subject: "Plan",
			Meta: map[string]string{activity.MetaCampaign: "q4"}},
		{Account: "me@example.com", MessageID: "m2@example.com", Recipients: []string{"bob@example.org"}, Subject: "Plan",
			Meta: map[string]string{activity.MetaCampaign: "q4"}},
	} {
		if err := idx.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	bounce := "From: MAILER-DAEMON@mx.example.org\r\nTo: me@example.com\r\nSubject: Undelivered Mail Returned to Sender\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n" +
		"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\n" +
		"Final-Recipient: rfc822; ann@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n" +
		"Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n" +
		"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <m1@example.com>\r\n--B--\r\n"
	ooo := "From: bob@example.org\r\nSubject: Automatic reply: Plan\r\nIn-Reply-To: <m2@example.com>\r\n\r\nI am back on 2030-05-06.\r\n"
	l := activity.NewLedger(nil)
	ctx := context.Background()
	for _, raw := range []string{bounce, ooo} {
		res, err := tracking.Classify(ctx, []byte(raw), idx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range activity.EventsOf(res, nil, trackNow) {
			if err := l.Record(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
	}
	if d := l.MayContinue("ann@example.org", trackNow); d.Continue || d.Reason != "bounced: userunknown" {
		t.Errorf("ann: %+v; want stopped by a hard bounce", d)
	}
	want := time.Date(2030, 5, 6, 0, 0, 0, 0, time.UTC)
	if d := l.MayContinue("bob@example.org", trackNow); !d.Continue || !d.NotBefore.Equal(want) {
		t.Errorf("bob: %+v; want continue not before %v", d, want)
	}
	if r := l.Rates("q4"); r.HardBounced != 1 || r.AutoReplied != 1 {
		t.Errorf("rates = %+v", r)
	}
}
