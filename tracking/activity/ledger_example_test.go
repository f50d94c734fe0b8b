package activity_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/inboxkit/inboxkit/tracking"
	"github.com/inboxkit/inboxkit/tracking/activity"
)

// A Ledger takes every event of a campaign and answers the sequence's
// two questions: who may get the next step, and how the campaign does.
// A proxy's prefetch is counted apart from a person's open.
func ExampleLedger() {
	ctx := context.Background()
	at := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	ledger := activity.NewLedger(nil)
	events := []activity.Event{
		{Type: activity.EventSent, At: at, Recipient: "ann@example.org", Campaign: "spring"},
		{Type: activity.EventSent, At: at, Recipient: "bob@example.org", Campaign: "spring"},
		{Type: activity.EventOpened, At: at.Add(time.Hour), Recipient: "ann@example.org", Campaign: "spring"},
		{Type: activity.EventOpened, At: at.Add(time.Minute), Recipient: "bob@example.org", Campaign: "spring",
			Automation: activity.AutomationAppleMPP},
		{Type: activity.EventBounced, At: at.Add(2 * time.Hour), Recipient: "bob@example.org", Campaign: "spring",
			Action: tracking.BounceFailed, Reason: tracking.ReasonUserUnknown, Hard: true},
	}
	for _, e := range events {
		if err := ledger.Record(ctx, e); err != nil {
			log.Fatal(err)
		}
	}
	for _, r := range ledger.Recipients() {
		v := ledger.MayContinue(r, at.Add(24*time.Hour))
		fmt.Printf("%s: continue=%v reason=%q\n", r, v.Continue, v.Reason)
	}
	rates := ledger.Rates("spring")
	fmt.Printf("sent %d, opened %d (any %d), open rate %.2f, bounce rate %.2f\n",
		rates.Sent, rates.Opened, rates.OpenedAny, rates.OpenRate(), rates.BounceRate())
	// Output:
	// ann@example.org: continue=true reason=""
	// bob@example.org: continue=false reason="bounced: userunknown"
	// sent 2, opened 1 (any 2), open rate 0.50, bounce rate 0.50
}
