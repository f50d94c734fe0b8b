package gmail

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/internal/watermark"
)

// maxRecent bounds the ids of returned messages a cursor remembers.
const maxRecent = 16

// cursor is where Fetch resumes.
//
// Its text form is "HISTORYID.UNIXSECONDS.MARKMS.BASE.MODE.IDS.RECENT.BASEMS.LAST",
// where IDS and RECENT are comma-separated Gmail ids (possibly empty) and
// MODE is "h" (history) or "s" (a look-back or resync scan under way).
// The forms "HISTORYID" and "HISTORYID.UNIXSECONDS" written by earlier
// versions still parse: they carry no watermark.
type cursor struct {
	// history is the historyId to resume history.list from (during a
	// scan: the one recorded when the scan began).
	history uint64
	// at is when the Fetch that produced the cursor ran.
	at time.Time
	// mark is the watermark of what was judged, in Gmail's internalDate
	// (milliseconds): a resync lists from it and skips what it has seen.
	mark watermark.Mark
	// base, during a resync scan, is the expired cursor's historyId: a
	// message whose historyId is not after it was in the mailbox, unchanged,
	// when that cursor was made.
	base uint64
	// baseMark, during a resync scan, is the expired cursor's watermark
	// time: what it had judged was received no later.
	baseMark time.Time
	// scan is true while a look-back or resync scan is under way.
	scan bool
	// last, during a scan, is the id of the last message judged, in the
	// order messages.list returns them: the scan goes on after it.
	last string
	// recent are the ids of the last messages returned (at most maxRecent),
	// newest last.
	recent []string
}

var errBadCursor = errors.New("gmail: malformed cursor")

func parseCursor(s string) (cursor, error) {
	f := strings.Split(s, ".")
	var c cursor
	var ok bool
	if c.history, ok = positive(f[0]); !ok {
		return cursor{}, errBadCursor
	}
	if len(f) == 1 {
		return c, nil
	}
	sec, ok := positive(f[1])
	if !ok || sec > 1<<40 {
		return cursor{}, errBadCursor
	}
	c.at = time.Unix(int64(sec), 0)
	switch len(f) {
	case 2:
		return c, nil
	case 9:
	default:
		return cursor{}, errBadCursor
	}
	ms, err := strconv.ParseUint(f[2], 10, 64)
	if err != nil || ms > 1<<50 {
		return cursor{}, errBadCursor
	}
	if ms > 0 {
		c.mark.At = time.UnixMilli(int64(ms))
	}
	if c.base, err = strconv.ParseUint(f[3], 10, 64); err != nil {
		return cursor{}, errBadCursor
	}
	switch f[4] {
	case "h":
	case "s":
		c.scan = true
	default:
		return cursor{}, errBadCursor
	}
	if c.mark.IDs, ok = idList(f[5], watermark.MaxIDs); !ok || (c.mark.At.IsZero() && len(c.mark.IDs) > 0) {
		return cursor{}, errBadCursor
	}
	if c.recent, ok = idList(f[6], maxRecent); !ok {
		return cursor{}, errBadCursor
	}
	bms, err := strconv.ParseUint(f[7], 10, 64)
	if err != nil || bms > 1<<50 {
		return cursor{}, errBadCursor
	}
	if bms > 0 {
		c.baseMark = time.UnixMilli(int64(bms))
	}
	if c.last = f[8]; c.last != "" && !validID(c.last) {
		return cursor{}, errBadCursor
	}
	return c, nil
}

func positive(s string) (uint64, bool) {
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil && n > 0
}

// idList parses a comma-separated list of at most limit Gmail ids.
func idList(s string, limit int) ([]string, bool) {
	if s == "" {
		return nil, true
	}
	ids := strings.Split(s, ",")
	if len(ids) > limit {
		return nil, false
	}
	for _, id := range ids {
		if !validID(id) {
			return nil, false
		}
	}
	return ids, true
}

// validID reports whether id has the shape of a Gmail message id.
func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func (c cursor) String() string {
	var b strings.Builder
	b.WriteString(strconv.FormatUint(c.history, 10))
	b.WriteByte('.')
	b.WriteString(strconv.FormatInt(max(c.at.Unix(), 1), 10))
	b.WriteByte('.')
	b.WriteString(millis(c.mark.At))
	b.WriteByte('.')
	b.WriteString(strconv.FormatUint(c.base, 10))
	if c.scan {
		b.WriteString(".s.")
	} else {
		b.WriteString(".h.")
	}
	b.WriteString(strings.Join(c.mark.IDs, ","))
	b.WriteByte('.')
	b.WriteString(strings.Join(c.recent, ","))
	b.WriteByte('.')
	b.WriteString(millis(c.baseMark))
	b.WriteByte('.')
	b.WriteString(c.last)
	return b.String()
}

// returned remembers id as returned, keeping the newest maxRecent.
func (c *cursor) returned(id string) {
	c.recent = append(c.recent, id)
	if n := len(c.recent) - maxRecent; n > 0 {
		c.recent = append(c.recent[:0:0], c.recent[n:]...)
	}
}

// millis writes t in Unix milliseconds, "0" for the zero time.
func millis(t time.Time) string {
	if t.IsZero() {
		return "0"
	}
	return strconv.FormatInt(max(t.UnixMilli(), 1), 10)
}
