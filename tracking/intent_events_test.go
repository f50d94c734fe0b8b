package tracking_test

import (
	"context"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking"
	"github.com/inboxkit/inboxkit/tracking/activity"
	"github.com/inboxkit/inboxkit/tracking/intent"
)

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
			if res.Class != tracking.ClassReply {
				t.Fatalf("Class = %q; want reply", res.Class)
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
			ev := activity.EventsOf(res, nil, time.Unix(1, 0))
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
