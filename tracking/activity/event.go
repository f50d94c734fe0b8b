package activity

import (
	"context"
	"net/netip"
	"time"

	"github.com/inboxkit/inboxkit/tracking"
	"github.com/inboxkit/inboxkit/tracking/intent"
)

// EventType is what happened to a message we sent.
type EventType string

// The event types.
const (
	EventSent         EventType = "sent"         // the provider accepted the message (one event per recipient)
	EventOpened       EventType = "opened"       // the open pixel was loaded
	EventClicked      EventType = "clicked"      // a rewritten link was followed
	EventReplied      EventType = "replied"      // a person answered
	EventAutoReplied  EventType = "auto_replied" // an out-of-office or other automatic answer
	EventBounced      EventType = "bounced"      // a delivery failure or delay notice for one recipient
	EventComplained   EventType = "complained"   // an ARF spam report
	EventUnsubscribed EventType = "unsubscribed" // one-click unsubscribe or the confirmation page
)

// MetaCampaign is the SentRecord.Meta key read as an event's campaign when
// classifier results are turned into events ([EventsOf]). Store the
// campaign of a tracked send (Event.Campaign of its Sent event) there.
const MetaCampaign = "campaign"

// Event is one thing that happened to mail we sent, with the IDs of its
// SentRecord so a host can attribute it.
type Event struct {
	Type EventType
	At   time.Time

	// The SentRecord's IDs. Recipient is lower-cased; it is "" for an open
	// or click of a message sent to several recipients (tracking cannot
	// tell them apart).
	Account   string
	MessageID string
	Recipient string
	Campaign  string
	// Meta is the SentRecord's Meta when the event came from a classified
	// message whose record was found; nil otherwise. Do not modify it.
	Meta map[string]string

	// Opened, Clicked, Unsubscribed: Automation is set when the request
	// looks like a proxy or link scanner rather than the person (recorded
	// and flagged, never dropped). IP and UserAgent are the request's;
	// they are personal data in many jurisdictions, so a sink that does
	// not need them should not store them.
	Automation Automation
	IP         netip.Addr
	UserAgent  string
	// URL is the link a Clicked event followed.
	URL string
	// OneClick is true for an RFC 8058 one-click unsubscribe POST, false
	// for the confirmation page.
	OneClick bool

	// Bounced: the action, enhanced status code, sisimai reason and
	// whether the failure is permanent for this recipient.
	Action tracking.BounceAction
	Status string
	Reason string
	Hard   bool

	// AutoReplied: when the sender says they are back (zero if unknown),
	// and whether the answer was a challenge-response request ("verify
	// you are human"), which neither stops a sequence nor counts as an
	// auto-reply.
	ReturnDate time.Time
	Challenge  bool

	// Replied: what the person asks for (Result.Intent), and the address
	// a wrong_person reply points to. Intent is "" for events recorded
	// before intents existed.
	Intent   intent.Intent
	Referral string

	// Complained: the ARF Feedback-Type.
	FeedbackType string
}

// Sink receives events. Hosts implement it over their own store or
// queue; [Ledger] is an in-memory one. Record is called from HTTP handlers
// and senders concurrently, so implementations must be safe for
// concurrent use. It should return quickly (queue heavy work).
type Sink interface {
	Record(ctx context.Context, e Event) error
}

// SinkFunc adapts a function to a Sink.
type SinkFunc func(ctx context.Context, e Event) error

// Record calls f.
func (f SinkFunc) Record(ctx context.Context, e Event) error { return f(ctx, e) }
