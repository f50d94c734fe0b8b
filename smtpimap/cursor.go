package smtpimap

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/inboxkit/inboxkit/internal/providerkit"
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
}

const cursorPrefix = "imap1."

const maxAtMark = 32

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

// see moves the watermark forward for a message with this INTERNALDATE
// (unix seconds) and Message-ID.
func (f *folderCursor) see(date int64, messageID string) {
	switch {
	case date > f.Mark:
		f.Mark = date
		f.AtMark = f.AtMark[:0]
		if messageID != "" {
			f.AtMark = append(f.AtMark, messageID)
		}
	case date == f.Mark && messageID != "" && len(f.AtMark) < maxAtMark:
		f.AtMark = append(f.AtMark, messageID)
	}
}

// seenBefore reports whether a message found in a resync was already
// returned before the mailbox was rebuilt.
func (f *folderCursor) seenBefore(date int64, messageID string) bool {
	if date < f.Mark {
		return true
	}
	if date > f.Mark {
		return false
	}
	for _, id := range f.AtMark {
		if id == messageID {
			return true
		}
	}
	return len(f.AtMark) >= maxAtMark
}
