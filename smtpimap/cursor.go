package smtpimap

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/internal/watermark"
)

// cursor is where Fetch resumes, per folder. It is opaque to hosts:
// "imap1." followed by unpadded base64url JSON.
type cursor struct {
	Folders map[string]folderCursor `json:"f"`
}

// folderCursor remembers one folder's UIDVALIDITY and the highest UID
// seen, plus a watermark for a resync after UIDVALIDITY changes: the
// newest INTERNALDATE seen and the Message-IDs seen at that second, so a
// rebuilt mailbox returns nothing twice.
type folderCursor struct {
	Validity uint32   `json:"v"`
	UID      uint32   `json:"u"`
	Mark     int64    `json:"t,omitempty"`
	AtMark   []string `json:"m,omitempty"`
	// Near holds digests of the Message-IDs of the last nearMax messages
	// judged, for a resync in a mailbox whose INTERNALDATEs were reset
	// (see fetch_resync.go).
	Near string `json:"n,omitempty"`
	// Resync is a resync still under way (a rebuilt folder larger than
	// one Fetch's budget).
	Resync *resyncState `json:"r,omitempty"`
}

const cursorPrefix = "imap1."

func parseCursor(s string) (cursor, error) {
	c := cursor{Folders: map[string]folderCursor{}}
	if s == "" {
		return c, nil
	}
	if !strings.HasPrefix(s, cursorPrefix) || len(s) > 1<<20 {
		return c, providerkit.Invalid("cursor", "not a cursor returned by smtpimap")
	}
	raw, err := base64.RawURLEncoding.DecodeString(s[len(cursorPrefix):])
	if err != nil {
		return c, providerkit.Invalid("cursor", "not a cursor returned by smtpimap")
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return c, providerkit.Invalid("cursor", fmt.Sprintf("unreadable: %v", err))
	}
	if c.Folders == nil {
		c.Folders = map[string]folderCursor{}
	}
	return c, nil
}

func (c cursor) String() string {
	raw, _ := json.Marshal(c) // cannot fail: plain strings and numbers
	return cursorPrefix + base64.RawURLEncoding.EncodeToString(raw)
}

// watermark is the folder's resync watermark (INTERNALDATE seconds and
// Message-IDs) in the shared form; the cursor keeps its own JSON shape so
// that saved cursors still resume.
func (f *folderCursor) watermark() watermark.Mark {
	return watermark.Mark{At: time.Unix(f.Mark, 0), IDs: f.AtMark}
}

// see moves the watermark forward for a message with this INTERNALDATE
// (unix seconds) and Message-ID.
func (f *folderCursor) see(date int64, messageID string) {
	m := f.watermark()
	m.Note(time.Unix(date, 0), messageID)
	f.Mark, f.AtMark = m.At.Unix(), m.IDs
}

// seenBefore reports whether a message found in a resync was already
// returned before the mailbox was rebuilt (see watermark.Mark.Seen).
func (f *folderCursor) seenBefore(date int64, messageID string) bool {
	return f.watermark().Seen(time.Unix(date, 0), messageID)
}
