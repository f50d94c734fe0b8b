package activity_test

import (
	"fmt"
	"time"

	"github.com/inboxkit/inboxkit/tracking"
	"github.com/inboxkit/inboxkit/tracking/activity"
)

func ExampleRecipientState_MayContinue() {
	day := func(n int) time.Time { return time.Date(2026, 11, n, 9, 0, 0, 0, time.UTC) }
	var s activity.RecipientState
	policy := activity.StopPolicy{MaxSoftBounces: 2}

	s.Apply(activity.Event{Type: activity.EventSent, At: day(2)}, policy)
	s.Apply(activity.Event{Type: activity.EventBounced, At: day(2), Action: tracking.BounceFailed, Reason: "mailboxfull"}, policy)
	fmt.Printf("%+v\n", s.MayContinue(day(3)))

	s.Apply(activity.Event{Type: activity.EventSent, At: day(3)}, policy)
	s.Apply(activity.Event{Type: activity.EventAutoReplied, At: day(3), ReturnDate: day(10)}, policy)
	d := s.MayContinue(day(4))
	fmt.Println(d.Continue, d.NotBefore.Format("Jan 2"), d.Reason)

	s.Apply(activity.Event{Type: activity.EventReplied, At: day(11)}, policy)
	fmt.Printf("%+v\n", s.MayContinue(day(12)))
	// Output:
	// {Continue:true NotBefore:0001-01-01 00:00:00 +0000 UTC Retry:true Reason:soft bounce: retry}
	// true Nov 10 out of office
	// {Continue:false NotBefore:0001-01-01 00:00:00 +0000 UTC Retry:false Reason:replied}
}
