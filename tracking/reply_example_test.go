package tracking_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking"
	"github.com/inboxkit/inboxkit/tracking/intent"
)

// A reply's new text (quote and signature removed), what it asks for,
// and the address it refers us to.
func ExampleClassify_reply() {
	idx := tracking.NewMemoryIndex(0)
	if err := idx.Add(provider.SentRecord{Account: "sarah@recruit.example", MessageID: "m1@recruit.example",
		Recipients: []string{"tom@acme.example"}, Subject: "A role you may like"}); err != nil {
		log.Fatal(err)
	}
	raw := strings.Join([]string{
		"From: Tom <tom@acme.example>",
		"Subject: Re: A role you may like",
		"In-Reply-To: <m1@recruit.example>",
		"Content-Type: text/plain; charset=utf-8",
		"",
		"I'm not the right person, please contact anna@acme.example.",
		"",
		"Best,",
		"Tom",
		"Sent from my iPhone",
		"",
		"On Mon, Jan 8, 2024 at 10:02 AM Sarah <sarah@recruit.example> wrote:",
		"> Interested in a quick chat?",
	}, "\r\n")
	res, err := tracking.Classify(context.Background(), []byte(raw), idx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Class)
	fmt.Println(res.Text)
	fmt.Println(res.Intent, res.Referral)
	// Output:
	// reply
	// I'm not the right person, please contact anna@acme.example.
	// wrong_person anna@acme.example
}

// A host plugs in its own model; the built-in rules answer whenever it
// fails.
func ExampleWithIntent() {
	model := intent.ClassifierFunc(func(ctx context.Context, m intent.Message) (intent.Result, error) {
		// Call the host's LLM with m.Text here.
		return intent.Result{Intent: intent.Interested}, nil
	})
	raw := "From: tom@acme.example\r\nIn-Reply-To: <m1@recruit.example>\r\n\r\nLet me think about it.\r\n"
	res, err := tracking.Classify(context.Background(), []byte(raw), nil, tracking.WithIntent(model))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Intent)
	// Output: interested
}
