package delegation

import (
	"github.com/inboxkit/inboxkit/provider"
)

// Keys Stamp sets in provider.SentRecord.Meta; CanView reads them.
const (
	// MetaSentBy is the user who sent the message (pressed send).
	MetaSentBy = "delegation.sent_by"
	// MetaOwner is the user whose mailbox the message was sent from.
	MetaOwner = "delegation.owner"
)

// Visibility is how much of the mail that relates to one sent message a
// user may see.
type Visibility int

// The visibility levels, from least to most.
const (
	// VisibilityNone: nothing.
	VisibilityNone Visibility = iota
	// VisibilityEvents: tracking events only — sent, opened, clicked,
	// replied / auto-replied / bounced as flags with their time — never
	// the content of a reply or its headers beyond those StripIncoming
	// keeps.
	VisibilityEvents
	// VisibilityFull: everything, reply bodies included.
	VisibilityFull
)

// String returns "none", "events" or "full".
func (v Visibility) String() string {
	switch v {
	case VisibilityNone:
		return "none"
	case VisibilityEvents:
		return "events"
	case VisibilityFull:
		return "full"
	default:
		return "unknown"
	}
}

// Stamp records in rec.Meta who sent the message and whose mailbox it was
// sent from, so CanView can later decide who sees what. Call it on the
// record the host stores in its SentIndex (e.g. on provider.RecordOf's
// result) right after a send; Permit.Actor and Permit.Owner are the
// two users. It returns rec.
func Stamp(rec *provider.SentRecord, sentBy, owner string) *provider.SentRecord {
	if rec.Meta == nil {
		rec.Meta = make(map[string]string, 2)
	}
	rec.Meta[MetaSentBy] = sentBy
	rec.Meta[MetaOwner] = owner
	return rec
}

// CanView returns what actor may see of the mail related to rec (its
// opens, clicks, replies, bounces): the mailbox's owner sees everything;
// the user who sent it on the owner's behalf sees tracking events but no
// reply content; anyone else sees nothing. A record that Stamp never
// marked (or nil) is visible to nobody, so a host that forgets to stamp
// fails closed.
//
// The requester keeps seeing the events of mail it sent even after the
// grant is revoked: that history is its own outreach. Revoking stops new
// sends and Fetches through the Guard, not the events already recorded.
func CanView(actor string, rec *provider.SentRecord) Visibility {
	if rec == nil || actor == "" {
		return VisibilityNone
	}
	owner, sentBy := rec.Meta[MetaOwner], rec.Meta[MetaSentBy]
	switch {
	case owner != "" && actor == owner:
		return VisibilityFull
	case sentBy != "" && actor == sentBy:
		return VisibilityEvents
	default:
		return VisibilityNone
	}
}
