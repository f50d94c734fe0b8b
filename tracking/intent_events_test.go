package tracking_test

import (
	"context"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking"
	"github.com/inboxkit/inboxkit/tracking/intent"
)

func TestState_Apply_replyIntents(t *testing.T) {
	at := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		intent    intent.Intent
		policy    tracking.StopPolicy
		stopped   bool
		stoppedBy tracking.EventType
		reason    string
		notBefore time.Time
	}{
		{"interested stops", intent.Interested, tracking.StopPolicy{}, true, tracking.EventReplied, "replied: interested", time.Time{}},
		{"unsubscribe stops as unsubscribed", intent.Unsubscribe, tracking.StopPolicy{}, true, tracking.EventUnsubscribed, "unsubscribed: replied", time.Time{}},
		{"later pauses 90 days", intent.Later, tracking.StopPolicy{}, false, "", "replied: later", at.Add(90 * 24 * time.Hour)},
		{"later pauses as set", intent.Later, tracking.StopPolicy{LaterPause: 14 * 24 * time.Hour}, false, "", "replied: later", at.Add(14 * 24 * time.Hour)},
		{"later stops when pausing is off", intent.Later, tracking.StopPolicy{LaterPause: -1}, true, tracking.EventReplied, "replied: later", time.Time{}},
		{"no intent stops", "", tracking.StopPolicy{}, true, tracking.EventReplied, "replied", time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s tracking.State
			s.Apply(tracking.Event{Type: tracking.EventReplied, At: at, Recipient: "a@x.org", Intent: tc.intent}, tc.policy)
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
	var s tracking.State
	s.Apply(tracking.Event{Type: tracking.EventReplied, At: at, Intent: intent.Later}, tracking.StopPolicy{})
	s.Apply(tracking.Event{Type: tracking.EventReplied, At: at.Add(time.Hour), Intent: intent.Interested}, tracking.StopPolicy{})
	if !s.Stopped {
		t.Error("interested after later: not stopped")
	}
}

func TestState_Apply_challengeStopsNothing(t *testing.T) {
	var s tracking.State
	s.Apply(tracking.Event{Type: tracking.EventAutoReplied, Challenge: true, At: time.Unix(1, 0)}, tracking.StopPolicy{})
	if d := s.MayContinue(time.Unix(2, 0)); !d.Continue || s.AutoReplies != 0 || s.SoftBounces != 0 {
		t.Errorf("after a challenge: %+v, state %+v; want to continue, nothing counted", d, s)
	}
}

func TestRatesOf_intents(t *testing.T) {
	ev := func(typ tracking.EventType, rcpt string, i intent.Intent) tracking.Event {
		return tracking.Event{Type: typ, Campaign: "c", Recipient: rcpt, Intent: i}
	}
	events := []tracking.Event{
		ev(tracking.EventSent, "a@x", ""), ev(tracking.EventSent, "b@x", ""), ev(tracking.EventSent, "c@x", ""),
		ev(tracking.EventSent, "d@x", ""), ev(tracking.EventSent, "e@x", ""),
		ev(tracking.EventReplied, "a@x", intent.Interested),
		ev(tracking.EventReplied, "b@x", intent.Later), ev(tracking.EventReplied, "b@x", intent.Interested),
		ev(tracking.EventReplied, "c@x", intent.Unsubscribe),
		ev(tracking.EventReplied, "d@x", intent.Question),
		{Type: tracking.EventAutoReplied, Campaign: "c", Recipient: "e@x", Challenge: true},
	}
	r := tracking.RatesOf(events)["c"]
	want := tracking.IntentCounts{Interested: 2, Later: 1, Unsubscribe: 1, Question: 1}
	if r.Intents != want || r.Replied != 4 || r.Unsubscribed != 1 || r.Challenged != 1 || r.AutoReplied != 0 {
		t.Errorf("RatesOf = %+v; want intents %+v, 4 replied, 1 unsubscribed, 1 challenged, 0 auto-replied", r, want)
	}
	if got := r.InterestRate(); got != 0.5 {
		t.Errorf("InterestRate = %v; want 0.5", got)
	}
	if got := r.Intents.Of(intent.Later); got != 1 {
		t.Errorf("Intents.Of(later) = %d; want 1", got)
	}
	if got := (tracking.Rates{}).InterestRate(); got != 0 {
		t.Errorf("InterestRate of nothing = %v; want 0", got)
	}
}

// TestClassify_replyTextAndIntent: a reply's new text, attachments and
// intent, end to end, from messages in several encodings.
func TestClassify_replyTextAndIntent(t *testing.T) {
	idx := tracking.NewMemoryIndex(0)
	if err := idx.Add(provider.SentRecord{Account: "sarah@recruit.example", MessageID: "sent-1@recruit.example",
		Recipients: []string{"tom@acme.example"}, Subject: "A role you may like"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file        string
		text        string
		intent      intent.Intent
		referral    string
		attachments []tracking.Attachment
	}{
		{"reply-qp-latin1.eml", "Bonjour Sarah,\n\nPas pour le moment, mais envoyez-moi la fiche de poste, s'il vous plaît.", intent.Question, "", nil},
		{"reply-html-only-base64.eml", "Yes, Tuesday at 3pm works for me.", intent.Interested, "", nil},
		{"reply-wrong-person-outlook.eml", "I\u2019m not the right person for this. Please contact anna.berg@acme.example, she runs hiring.", intent.WrongPerson, "anna.berg@acme.example", nil},
		{"reply-with-cv.eml", "Happy to talk. My CV is attached.", intent.Interested, "",
			[]tracking.Attachment{{Name: "Tom Baker – CV.pdf", Type: "application/pdf", Size: 13}}},
		{"reply-only-quote.eml", "", intent.Other, "", nil},
		{"reply-sjis-ja.eml", "興味はありません。今後のご連絡は不要です。", intent.Unsubscribe, "", nil},
	} {
		t.Run(tc.file, func(t *testing.T) {
			res := classifyFixture(t, tc.file, idx)
			if res.Kind != tracking.KindReply {
				t.Fatalf("Kind = %q; want reply", res.Kind)
			}
			if res.Text != tc.text || res.Intent != tc.intent || res.Referral != tc.referral {
				t.Errorf("got text %q intent %q referral %q; want %q %q %q", res.Text, res.Intent, res.Referral, tc.text, tc.intent, tc.referral)
			}
			if len(res.Attachments) != len(tc.attachments) {
				t.Fatalf("Attachments = %+v; want %+v", res.Attachments, tc.attachments)
			}
			for i := range tc.attachments {
				if res.Attachments[i] != tc.attachments[i] {
					t.Errorf("Attachments[%d] = %+v; want %+v", i, res.Attachments[i], tc.attachments[i])
				}
			}
			ev := tracking.EventsOf(res, nil, time.Unix(1, 0))
			if len(ev) != 1 || ev[0].Intent != tc.intent || ev[0].Referral != tc.referral {
				t.Errorf("EventsOf = %+v; want one replied event with intent %q", ev, tc.intent)
			}
		})
	}
}

// A host's classifier decides; when it fails the built-in rules do.
func TestClassify_WithIntent(t *testing.T) {
	raw := []byte("From: tom@acme.example\r\nSubject: Re: Role\r\nIn-Reply-To: <sent-1@recruit.example>\r\n\r\nNo thanks.\r\n")
	ctx := context.Background()
	var seen string
	model := intent.ClassifierFunc(func(_ context.Context, m intent.Message) (intent.Result, error) {
		seen = m.Text
		return intent.Result{Intent: intent.Question}, nil
	})
	res, err := tracking.Classify(ctx, raw, nil, tracking.WithIntent(model))
	if err != nil || res.Intent != intent.Question || seen != "No thanks." {
		t.Errorf("with a model: %q, %v (model saw %q); want question", res.Intent, err, seen)
	}
	broken := intent.ClassifierFunc(func(context.Context, intent.Message) (intent.Result, error) {
		return intent.Result{}, context.DeadlineExceeded
	})
	res, err = tracking.Classify(ctx, raw, nil, tracking.WithIntent(broken))
	if err != nil || res.Intent != intent.NotInterested {
		t.Errorf("with a failing model: %q, %v; want the rules' not_interested", res.Intent, err)
	}
	// Non-replies never reach the classifier.
	called := false
	spy := intent.ClassifierFunc(func(context.Context, intent.Message) (intent.Result, error) {
		called = true
		return intent.Result{Intent: intent.Other}, nil
	})
	if _, err := tracking.Classify(ctx, dsn("a@example.org", "failed", "5.1.1"), nil, tracking.WithIntent(spy)); err != nil || called {
		t.Errorf("a bounce reached the intent classifier (called=%v, err=%v)", called, err)
	}
}
