package intent_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/inboxkit/inboxkit/tracking/intent"
)

func ExampleRules() {
	for _, text := range []string{
		"Yes, Tuesday works.",
		"Not now, but send me the job description.",
		"Keine Zeit gerade, melden Sie sich bitte im nächsten Quartal wieder.",
		"I'm not the right person. Please contact jane.doe@acme.com.",
	} {
		r, err := intent.Rules{}.Classify(context.Background(), intent.Message{Text: text})
		if err != nil {
			log.Fatal(err)
		}
		if r.Referral != "" {
			fmt.Println(r.Intent, r.Referral)
			continue
		}
		fmt.Println(r.Intent)
	}
	// Output:
	// interested
	// question
	// later
	// wrong_person jane.doe@acme.com
}

// A host's own model comes first; the built-in rules answer when it
// fails or answers something that is not one of the fixed words.
func ExampleFallback() {
	model := intent.ClassifierFunc(func(ctx context.Context, m intent.Message) (intent.Result, error) {
		return intent.Result{}, errors.New("model unavailable")
	})
	c := intent.Fallback(model, intent.Rules{})
	r, err := c.Classify(context.Background(), intent.Message{Text: "Please remove me from your list."})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Intent)
	// Output: unsubscribe
}
