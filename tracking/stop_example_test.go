package tracking_test

import (
	"fmt"
	"time"

	"github.com/inboxkit/inboxkit/tracking"
)

func ExampleState_MayContinue() {
	day := func(n int) time.Time { return time.Date(2026, 11, n, 9, 0, 0, 0, time.UTC) }
	var s tracking.State
	policy := tracking.StopPolicy{MaxSoftBounces: 2}

	s.Apply(tracking.Event{Type: tracking.EventSent, At: day(2)}, policy)
	s.Apply(tracking.Event{Type: tracking.EventBounced, At: day(2), Action: tracking.ActionFailed, Reason: "mailboxfull"}, policy)
	fmt.Printf("%+v\n", s.MayContinue(day(3)))

	s.Apply(tracking.Event{Type: tracking.EventSent, At: day(3)}, policy)
	s.Apply(tracking.Event{Type: tracking.EventAutoReplied, At: day(3), ReturnDate: day(10)}, policy)
	d := s.MayContinue(day(4))
	fmt.Println(d.Continue, d.NotBefore.Format("Jan 2"), d.Reason)

	s.Apply(tracking.Event{Type: tracking.EventReplied, At: day(11)}, policy)
	fmt.Printf("%+v\n", s.MayContinue(day(12)))
	// Output:
	// {Continue:true NotBefore:0001-01-01 00:00:00 +0000 UTC Retry:true Reason:soft bounce: retry}
	// true Nov 10 out of office
	// {Continue:false NotBefore:0001-01-01 00:00:00 +0000 UTC Retry:false Reason:replied}
}
