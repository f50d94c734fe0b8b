// Package watermark keeps the resync watermark of a Fetch cursor: the
// newest receipt time judged so far and the ids of the messages judged at
// exactly that time. When a provider's own position is lost (a Graph delta
// token expired, an IMAP UIDVALIDITY changed), Fetch lists the folder again
// from the watermark's time and skips what Seen says was judged before, so
// nothing is returned twice.
//
// The id list is bounded by MaxIDs, so a cursor stays small however many
// messages share one second. Past the bound the rule errs the way the
// reliability contract asks: an id that is not in the full list counts as
// not seen, so such a message may be returned again but is never lost.
package watermark

import (
	"slices"
	"time"
)

// MaxIDs bounds the ids a Mark keeps for its time.
const MaxIDs = 32

// Mark is a watermark. The zero value is an empty watermark.
type Mark struct {
	// At is the newest receipt time noted.
	At time.Time
	// IDs are the ids noted with exactly At, at most MaxIDs of them.
	IDs []string
}

// Note records a judged message received at at: a newer time moves the
// mark and restarts the id list, the mark's own time adds id (an empty id,
// a repeated id or one past MaxIDs is not kept), an older time changes
// nothing.
func (m *Mark) Note(at time.Time, id string) {
	switch {
	case at.After(m.At):
		m.At = at
		m.IDs = m.IDs[:0]
		if id != "" {
			m.IDs = append(m.IDs, id)
		}
	case at.Equal(m.At) && id != "" && len(m.IDs) < MaxIDs && !slices.Contains(m.IDs, id):
		m.IDs = append(m.IDs, id)
	}
}

// Seen reports whether a message met again in a resync was judged before:
// one received before the mark was, one after it was not, and one at the
// mark's time was when its id is listed. An id missing from a full list
// counts as not seen (returned again rather than lost).
func (m Mark) Seen(at time.Time, id string) bool {
	switch {
	case at.Before(m.At):
		return true
	case at.After(m.At):
		return false
	}
	return id != "" && slices.Contains(m.IDs, id)
}
