package activity

import (
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking"
)

// EventsOf turns a classifier result into events, stamped at. rec is the
// SentRecord the message relates to; nil means res.Record. The campaign
// comes from rec.Meta[MetaCampaign].
//
// A reply or auto-reply gives one event for the person who answered: the
// sender when they are one of rec's recipients, else rec's only
// recipient, else the sender (a challenge: the recipient it holds mail
// for). A bounce or complaint gives one event per
// recipient it names (for a complaint that names none, rec's only
// recipient). An unrelated message gives none. Without any record the
// events still carry the recipient, so a hard bounce can stop an address.
func EventsOf(res tracking.Result, rec *provider.SentRecord, at time.Time) []Event {
	if rec == nil {
		rec = res.Record
	}
	base := Event{At: at}
	if rec != nil {
		base.Account = rec.Account
		base.MessageID = rec.MessageID
		base.Campaign = rec.Meta[MetaCampaign]
		base.Meta = rec.Meta
	} else {
		base.MessageID = res.OriginalMessageID
	}
	switch res.Class {
	case tracking.ClassReply, tracking.ClassAutoReply:
		e := base
		e.Type = EventReplied
		e.Intent, e.Referral = res.Intent, res.Referral
		if res.Class == tracking.ClassAutoReply {
			e.Type = EventAutoReplied
			e.ReturnDate, e.Challenge = res.ReturnDate, res.Challenge
		}
		e.Recipient = answerer(res.From, rec)
		if res.Challenge && len(res.Recipients) > 0 {
			// A challenge comes from the filtering service; it names
			// the recipient whose mail it holds.
			e.Recipient = strings.ToLower(res.Recipients[0].Address)
		}
		return []Event{e}
	case tracking.ClassBounce:
		out := make([]Event, 0, len(res.Recipients))
		for _, r := range res.Recipients {
			e := base
			e.Type = EventBounced
			e.Recipient = strings.ToLower(r.Address)
			e.Action = r.Action
			if e.Action == "" {
				e.Action = res.Action
			}
			e.Status, e.Reason, e.Hard = r.Status, r.Reason, r.Hard && e.Action != tracking.BounceDelayed
			out = append(out, e)
		}
		return out
	case tracking.ClassComplaint:
		addrs := make([]string, 0, len(res.Recipients))
		for _, r := range res.Recipients {
			addrs = append(addrs, r.Address)
		}
		if len(addrs) == 0 && rec != nil && len(rec.Recipients) == 1 {
			addrs = append(addrs, rec.Recipients[0])
		}
		out := make([]Event, 0, len(addrs))
		for _, a := range addrs {
			e := base
			e.Type = EventComplained
			e.Recipient = strings.ToLower(a)
			e.FeedbackType = res.FeedbackType
			out = append(out, e)
		}
		return out
	}
	return nil
}

// answerer picks the recipient a reply stands for.
func answerer(from string, rec *provider.SentRecord) string {
	from = strings.ToLower(strings.TrimSpace(from))
	if rec == nil {
		return from
	}
	for _, r := range rec.Recipients {
		if strings.EqualFold(r, from) {
			return from
		}
	}
	if len(rec.Recipients) == 1 {
		return strings.ToLower(rec.Recipients[0])
	}
	return from
}
