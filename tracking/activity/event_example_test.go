package activity_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking"
	"github.com/inboxkit/inboxkit/tracking/activity"
)

func ExampleEventsOf() {
	ctx := context.Background()
	idx := tracking.NewMemoryIndex(0)
	err := idx.Add(provider.SentRecord{Account: "me@example.com", MessageID: "m1@example.com", Subject: "Plan",
		Recipients: []string{"ann@example.org"}, Meta: map[string]string{activity.MetaCampaign: "spring"}})
	if err != nil {
		log.Fatal(err)
	}
	reply := "From: Ann <ann@example.org>\r\nSubject: Re: Plan\r\nIn-Reply-To: <m1@example.com>\r\n\r\nYes, let's talk.\r\n"
	res, err := tracking.Classify(ctx, []byte(reply), idx)
	if err != nil {
		log.Fatal(err)
	}
	ledger := activity.NewLedger(nil)
	for _, e := range activity.EventsOf(res, nil, time.Now()) {
		fmt.Println(e.Type, e.Intent, e.Recipient, e.MessageID, e.Campaign)
		if err := ledger.Record(ctx, e); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println(ledger.MayContinue("ann@example.org", time.Now()).Reason)
	fmt.Printf("interest rate %.0f%%\n", 100*ledger.Rates("spring").InterestRate())
	// Output:
	// replied interested ann@example.org m1@example.com spring
	// replied: interested
	// interest rate 100%
}
