package smtpimap

import (
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// A resync runs when a folder's UIDVALIDITY changed: its UIDs mean
// nothing any more, so Fetch lists the folder again and decides for each
// message whether it was judged before the change. The rule, in order:
//
//  1. A message whose Message-ID is among the last nearMax judged
//     (folderCursor.Near, as digests) or at the watermark's second was
//     judged before.
//  2. When the server kept INTERNALDATE, the watermark decides: older
//     than its time was judged, newer was not, at its time only listed
//     ids were (more than watermark.MaxIDs in one second: returned again).
//  3. When the server reset INTERNALDATE (a rebuilt or migrated mailbox:
//     every message now carries the rebuild's time), the Date field
//     stands in: a message sent more than resyncSlack before the
//     watermark was judged, any other is judged again.
//
// INTERNALDATE counts as reset when a message judged at the watermark's
// time (looked up by Message-ID before the scan) or any message of
// rule 1 now carries a later one. Where the rule cannot be exact it errs
// toward returning a message again: an old message outside the Near
// window and sent less than resyncSlack before the watermark, or one
// whose Date field is missing or unreadable, is judged again. What it can
// miss: in a reset mailbox, mail that arrived just before the rebuild but
// whose Date field is more than resyncSlack older than the watermark
// (delayed delivery, a sender's clock days behind).
//
// A resync larger than one Fetch's budget goes on in the next Fetch: the
// old watermark stays in folderCursor.Resync until the scan reaches the
// UIDNEXT the resync started from. Within one UIDVALIDITY the UID
// position alone decides what is new.

// nearMax is how many Message-ID digests folderCursor.Near keeps.
const nearMax = 48

// digestLen is the length of one digest in folderCursor.Near: 6 bytes of
// SHA-256, base64url. A collision (about 1 in 2^48 per pair) can only make
// a resync skip a message it should return; no other path uses them.
const digestLen = 8

// resyncSlack is how much older than the watermark a message's Date field
// must be for a resync in a mailbox with reset INTERNALDATEs to count it
// as judged before.
const resyncSlack = 24 * time.Hour

// resyncState is the folder's position from before its UIDVALIDITY
// changed, kept in the cursor until the resync has scanned up to Until.
type resyncState struct {
	Mark   int64    `json:"t,omitempty"`
	AtMark []string `json:"m,omitempty"`
	Near   string   `json:"n,omitempty"`
	Reset  bool     `json:"x,omitempty"` // the server reset INTERNALDATE
	Until  uint32   `json:"u"`           // the last UID the resync covers
}

// digest is a Message-ID's digest in folderCursor.Near.
func digest(messageID string) string {
	sum := sha256.Sum256([]byte(messageID))
	return base64.RawURLEncoding.EncodeToString(sum[:6])
}

// nearHas reports whether near holds d.
func nearHas(near, d string) bool {
	for i := 0; i+digestLen <= len(near); i += digestLen {
		if near[i:i+digestLen] == d {
			return true
		}
	}
	return false
}

// noteNear adds a judged message's digest to f.Near, dropping the oldest
// past nearMax.
func (f *folderCursor) noteNear(messageID string) {
	if messageID == "" {
		return
	}
	d := digest(messageID)
	if nearHas(f.Near, d) {
		return
	}
	f.Near += d
	if excess := len(f.Near) - nearMax*digestLen; excess > 0 {
		f.Near = f.Near[excess:]
	}
}

// startResync returns the resync for a folder whose UIDVALIDITY changed,
// from its cursor fc, up to the last UID uidNext-1. A resync that was
// still running keeps its older watermark (the newer one was made with
// the rebuilt mailbox's dates) and learns the newer digests.
func startResync(fc folderCursor, uidNext imap.UID) *resyncState {
	until := uint32(0)
	if uidNext > 0 {
		until = uint32(uidNext) - 1
	}
	if fc.Resync != nil {
		rs := *fc.Resync
		rs.Near = joinNear(rs.Near, fc.Near)
		rs.Reset, rs.Until = false, until
		return &rs
	}
	return &resyncState{Mark: fc.Mark, AtMark: slices.Clone(fc.AtMark), Near: fc.Near, Until: until}
}

// joinNear appends b's digests to a's that a lacks, keeping nearMax.
func joinNear(a, b string) string {
	var sb strings.Builder
	sb.WriteString(a)
	for i := 0; i+digestLen <= len(b); i += digestLen {
		if d := b[i : i+digestLen]; !nearHas(a, d) {
			sb.WriteString(d)
		}
	}
	out := sb.String()
	if excess := len(out) - nearMax*digestLen; excess > 0 {
		out = out[excess:]
	}
	return out
}

// known reports whether the message was judged before the UIDVALIDITY
// changed by its Message-ID alone (rule 1).
func (r *resyncState) known(messageID string) bool {
	return messageID != "" && (nearHas(r.Near, digest(messageID)) || slices.Contains(r.AtMark, messageID))
}

// seen applies the resync rule to a message with this INTERNALDATE, Date
// field (zero when missing or unreadable) and Message-ID. A message known
// by id whose INTERNALDATE is past the watermark shows the server reset
// INTERNALDATE; seen notes that for the messages after it.
func (r *resyncState) seen(internal, sent time.Time, messageID string) bool {
	mark := time.Unix(r.Mark, 0)
	if r.known(messageID) {
		if r.Mark > 0 && internal.After(mark) {
			r.Reset = true
		}
		return true
	}
	if r.Mark == 0 {
		return false // nothing was judged before
	}
	if !r.Reset {
		return internal.Before(mark) // at the mark's second: listed ids only (rule 1)
	}
	return !sent.IsZero() && sent.Before(mark.Add(-resyncSlack))
}

// criteria is the search that lists the messages a resync must look at
// between UIDs from and r.Until, or from lookback when nothing was judged
// before.
func (r *resyncState) criteria(from uint32, lookback time.Time) *imap.SearchCriteria {
	c := &imap.SearchCriteria{UID: []imap.UIDSet{{imap.UIDRange{Start: imap.UID(from), Stop: imap.UID(r.Until)}}}}
	switch {
	case r.Mark == 0:
		c.Since = lookback
	case r.Reset:
		c.SentSince = time.Unix(r.Mark, 0).Add(-resyncSlack - 24*time.Hour) // SENTSINCE compares days
	default:
		c.Since = time.Unix(r.Mark, 0).Add(-24 * time.Hour) // SINCE compares days
	}
	return c
}

// detectReset looks up to three messages judged at the watermark's time up
// by Message-ID (one pipelined round trip, plus one FETCH when found) and
// sets r.Reset when the server now dates any of them after the watermark.
func (s *imapSession) detectReset(r *resyncState) error {
	if r.Mark == 0 || len(r.AtMark) == 0 {
		return nil
	}
	ids := r.AtMark[:min(3, len(r.AtMark))]
	cmds := make([]*imapclient.SearchCommand, len(ids))
	for i, id := range ids {
		cmds[i] = s.c.UIDSearch(&imap.SearchCriteria{
			UID:    []imap.UIDSet{{imap.UIDRange{Start: 1, Stop: imap.UID(max(r.Until, 1))}}},
			Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: id}},
		}, nil)
	}
	var found []imap.UID
	for _, cmd := range cmds {
		data, err := cmd.Wait()
		if err != nil {
			return wrap("search", err)
		}
		found = append(found, data.AllUIDs()...)
	}
	if len(found) == 0 {
		return nil
	}
	msgs, err := s.c.Fetch(imap.UIDSetNum(found...), &imap.FetchOptions{UID: true, InternalDate: true}).Collect()
	if err != nil {
		return wrap("fetch", err)
	}
	for _, m := range msgs {
		if m.InternalDate.Unix() > r.Mark {
			r.Reset = true
		}
	}
	return nil
}
