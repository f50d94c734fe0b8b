package gmail

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// cursor is where Fetch resumes: the mailbox historyId, and the time the
// Fetch that produced it ran. The time bounds a resync after Gmail has
// expired the history (a 404 from history.list). Its text form is
// "HISTORYID.UNIXSECONDS"; a bare historyId is accepted too.
type cursor struct {
	history uint64
	at      time.Time
}

var errBadCursor = errors.New("gmail: cursor is not HISTORYID[.UNIXSECONDS]")

func parseCursor(s string) (cursor, error) {
	h, t, hasTime := strings.Cut(s, ".")
	id, err := strconv.ParseUint(h, 10, 64)
	if err != nil || id == 0 {
		return cursor{}, errBadCursor
	}
	c := cursor{history: id}
	if hasTime {
		sec, err := strconv.ParseInt(t, 10, 64)
		if err != nil || sec <= 0 {
			return cursor{}, errBadCursor
		}
		c.at = time.Unix(sec, 0)
	}
	return c, nil
}

func (c cursor) String() string {
	s := strconv.FormatUint(c.history, 10)
	if !c.at.IsZero() {
		s += "." + strconv.FormatInt(c.at.Unix(), 10)
	}
	return s
}
