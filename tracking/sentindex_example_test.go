package tracking_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/inboxkit/inboxkit/tracking"
)

// LoadSent fills a MemoryIndex from the JSON lines examples/classify
// reads with --sent; Classify then relates a bounce to the message it
// returns.
func ExampleLoadSent() {
	sent := `{"message_id":"m1@example.com","account":"me@example.com","recipients":["gone@example.org"],"subject":"Plan"}
`
	idx := tracking.NewMemoryIndex(0)
	n, err := tracking.LoadSent(strings.NewReader(sent), idx)
	if err != nil {
		log.Fatal(err)
	}
	bounce := "From: MAILER-DAEMON@mx.example.org\r\nSubject: Undelivered Mail Returned to Sender\r\n" +
		"X-Failed-Recipients: gone@example.org\r\n\r\n" +
		"Delivery to gone@example.org failed permanently: 550 5.1.1 No such user\r\n\r\n" +
		"--- original message ---\r\nMessage-ID: <m1@example.com>\r\nSubject: Plan\r\n"
	res, err := tracking.Classify(context.Background(), []byte(bounce), idx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, "loaded")
	fmt.Println(res.Class, res.Action, res.Recipient(), res.Status, res.Reason, res.Hard)
	fmt.Println(res.MatchedBy, res.Record.MessageID)
	// Output:
	// 1 loaded
	// bounce failed gone@example.org 5.1.1 userunknown true
	// dsn-original m1@example.com
}
