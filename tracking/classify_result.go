package tracking

import (
	"time"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking/intent"
)

// Class is what an incoming message is, as far as our sent mail goes.
type Class string

// The classes Classify returns (the JSON words of examples/classify's "kind").
const (
	ClassReply     Class = "reply"      // a human answered mail we sent
	ClassAutoReply Class = "auto_reply" // an automatic answer: out of office, autoresponder, read receipt
	ClassBounce    Class = "bounce"     // a delivery failure or delay notice
	ClassComplaint Class = "complaint"  // an ARF (RFC 5965) spam report about our mail
	ClassUnrelated Class = "unrelated"  // none of the above; never read further
)

// BounceAction is what happened to a bounced recipient.
type BounceAction string

// Bounce actions (RFC 3464 §2.3.3, reduced to the two that matter).
const (
	BounceFailed  BounceAction = "failed"  // delivery gave up
	BounceDelayed BounceAction = "delayed" // still trying; never hard, must not stop a sequence by itself
)

// MatchedBy says how a message was tied to a SentRecord.
type MatchedBy string

// The ways a message is matched, in the order Classify tries them.
const (
	MatchDSNOriginal      MatchedBy = "dsn-original"      // Message-ID of the returned original in a bounce or complaint
	MatchInReplyTo        MatchedBy = "in-reply-to"       // the In-Reply-To header
	MatchReferences       MatchedBy = "references"        // the References header
	MatchThread           MatchedBy = "thread"            // the provider's thread ID (WithThread)
	MatchRecipientSubject MatchedBy = "recipient-subject" // sender is a recipient we wrote to, same normalised subject
)

// Recipient is one recipient of a bounce or complaint report.
type Recipient struct {
	// Address is the failed (or complaining) address, lower-cased: the
	// address we sent to (Original-Recipient over a Final-Recipient that
	// a forwarding or an alias rewrote; with a matched SentRecord, the
	// record's recipient the failure stands for).
	Address string
	// ReportedAddress is the address the report named when it differs
	// from Address (the rewritten Final-Recipient).
	ReportedAddress string
	Action          BounceAction
	Status          string // enhanced status code such as "5.1.1"; empty when the message gives none
	Reason          string // sisimai vocabulary, see ReasonUserUnknown …
	// Hard means never mail this address again: a final (not delayed)
	// failure whose reason is userunknown, hostunknown, hasmoved or
	// notaccept with a permanent 5.x.x status (or none), or userunknown
	// with an address status 4.1.x; the rule the sisimai labels follow.
	Hard       bool
	Diagnostic string // the remote server's words, one line
	RemoteMTA  string
}

// Result is what Classify found out about one message.
type Result struct {
	Class Class

	// Bounces: the action and the first recipient's details, repeated
	// for convenience; Recipients lists every one.
	Action       BounceAction
	Status       string
	Reason       string
	Hard         bool
	Diagnostic   string
	ReportingMTA string
	RemoteMTA    string
	Recipients   []Recipient

	// FeedbackType is the ARF Feedback-Type of a complaint ("abuse" …).
	FeedbackType string

	// ReturnDate is when an auto-reply says its sender is back, if it
	// states a date it can be read from; the zero time otherwise.
	ReturnDate time.Time

	// OriginalMessageID is the Message-ID of our message as quoted by a
	// bounce or complaint, without angle brackets.
	OriginalMessageID string

	// Record is the SentRecord the message relates to, and MatchedBy how
	// it was found; nil and empty when nothing matched.
	Record    *provider.SentRecord
	MatchedBy MatchedBy

	// Text is what the sender of a reply or an auto-reply wrote: the
	// message decoded (charsets, quoted-printable, base64; HTML turned
	// into text) with the quoted history and the signature removed. It is
	// empty for other kinds and for a reply that is only quote.
	Text string
	// Attachments lists the files attached to a reply or an auto-reply,
	// without their bytes.
	Attachments []Attachment

	// Intent is what the sender of a reply asks for, decided on Text
	// alone ([WithIntent] plugs in a host's own classifier); Referral is
	// the address a wrong_person reply points to, when it names one. Both
	// are empty for every class but ClassReply.
	Intent   intent.Intent
	Referral string

	// Challenge marks a challenge-response message (Boxbe, Spam Arrest
	// and their kind: "please verify you are human"): the recipient's
	// filter holds our mail until we prove we are a person. Its Class is
	// ClassAutoReply; it is not a bounce and stops nothing. Recipients
	// holds the address it holds our mail for, when its text names one.
	Challenge bool

	// From, Subject and MessageID describe the message itself (subject
	// RFC 2047-decoded, Message-ID without angle brackets).
	From      string
	Subject   string
	MessageID string
}

// Recipient returns the first failed (or complaining) address, or "".
func (r Result) Recipient() string {
	if len(r.Recipients) == 0 {
		return ""
	}
	return r.Recipients[0].Address
}
