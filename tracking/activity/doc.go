// Package activity records what happened to the mail a host sent and
// answers the two questions a sending sequence asks: may the next step go
// to this recipient, and how is this campaign doing?
//
// The three lines a host writes first:
//
//	ledger := activity.NewLedger(nil)                           // an in-memory Sink; hosts may store events themselves
//	for _, e := range activity.EventsOf(res, nil, time.Now()) { ledger.Record(ctx, e) } // res from tracking.Classify
//	if v := ledger.MayContinue("ann@example.org", time.Now()); !v.Continue { /* stop: v.Reason */ }
//
// # Events
//
// An [Event] is one thing that happened to one message for one recipient:
// sent, opened, clicked, replied, auto-replied, bounced, complained or
// unsubscribed, with the IDs of its SentRecord. [EventsOf] turns a
// tracking.Result into events; tracking/beacon emits the sent, opened,
// clicked and unsubscribed ones. A [Sink] (the host's store, or a
// [Ledger]) receives them. Opens and clicks that look automated carry an
// [Automation] flag instead of being dropped.
//
// # Stop rules and rates
//
// [RecipientState] applies events in any order and gives a [Verdict]: stop
// on a reply, a hard bounce, a complaint or an unsubscribe (a reply whose
// intent is unsubscribe stops as an unsubscribe); pause after a reply
// whose intent is later ([StopPolicy].LaterPause); wait for an
// out-of-office's return date; resend after a soft bounce a bounded
// number of times. A delay notice or a challenge-response request never
// stops anything by itself. [Rates] and [RatesOf] give reply, interest
// (interested / replied), bounce, open, click and unsubscribe rates per
// campaign, and counts per reply intent ([IntentCounts]). The [Ledger] keeps both in memory and is
// safe for concurrent use.
package activity
