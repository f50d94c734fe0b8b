package tracking_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/inboxkit/inboxkit/tracking"
)

func ExampleClassify() {
	idx := tracking.NewMemoryIndex(0)
	sent := `{"message_id":"m1@example.com","account":"me@example.com","recipients":["ann@example.org"],"subject":"Plan"}`
	if _, err := tracking.LoadSent(strings.NewReader(sent), idx); err != nil {
		log.Fatal(err)
	}
	bounce := "From: MAILER-DAEMON@mx.example.org\r\nTo: me@example.com\r\nSubject: Undelivered Mail Returned to Sender\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n" +
		"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\n" +
		"Final-Recipient: rfc822; ann@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n" +
		"Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n" +
		"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <m1@example.com>\r\n--B--\r\n"
	res, err := tracking.Classify(context.Background(), []byte(bounce), idx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Class, res.Action, res.Recipient(), res.Status, res.Reason, res.Hard, res.MatchedBy, res.Record.MessageID)

	reply := "From: Ann <ann@example.org>\r\nSubject: Re: Plan\r\n\r\nLooks good!\r\n"
	res, err = tracking.Classify(context.Background(), []byte(reply), idx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Class, res.MatchedBy)

	ooo := "From: ann@example.org\r\nSubject: Automatic reply: Plan\r\nIn-Reply-To: <m1@example.com>\r\n\r\nI am back on 2030-05-06.\r\n"
	res, err = tracking.Classify(context.Background(), []byte(ooo), idx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Class, res.MatchedBy, res.ReturnDate.Format("2006-01-02"))
	// Output:
	// bounce failed ann@example.org 5.1.1 userunknown true dsn-original m1@example.com
	// reply recipient-subject
	// auto_reply in-reply-to 2030-05-06
}

func ExampleWithThread() {
	idx := tracking.NewMemoryIndex(0)
	sent := `{"message_id":"m1@example.com","thread_id":"18c2f","account":"me@example.com","recipients":["ann@example.org"],"subject":"Plan"}`
	if _, err := tracking.LoadSent(strings.NewReader(sent), idx); err != nil {
		log.Fatal(err)
	}
	// A reply whose client dropped In-Reply-To, fetched from Gmail with its threadId.
	raw := "From: colleague@example.org\r\nSubject: thoughts\r\n\r\nSee below.\r\n"
	res, err := tracking.Classify(context.Background(), []byte(raw), idx, tracking.WithThread("me@example.com", "18c2f"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Class, res.MatchedBy)
	// Output: reply thread
}
