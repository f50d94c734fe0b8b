package beacon_test

import (
	"fmt"
	"log"
	"time"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking/activity"
	"github.com/inboxkit/inboxkit/tracking/beacon"
)

// Stamp puts a tracked message's campaign into the SentRecord the host
// stores, so a reply later classified against that record is counted in
// the same campaign as the message's opens and clicks.
func ExampleStamp() {
	m := &provider.Message{To: []provider.Address{{Email: "ann@example.org"}}, Subject: "Plan", HTML: "<p>Hi</p>"}
	if err := beacon.Track(m, beacon.All("spring")); err != nil {
		log.Fatal(err)
	}
	sent := &provider.Sent{MessageID: "m1@example.com", SentAt: time.Now()} // what Send returned
	rec := beacon.Stamp(provider.RecordOf("me@example.com", m, sent), m)
	fmt.Println(rec.MessageID, rec.Recipients, rec.Meta[activity.MetaCampaign])
	// Output: m1@example.com [ann@example.org] spring
}
