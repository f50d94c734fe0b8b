package smtpimap

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/inboxkit/inboxkit/internal/providerkit"
)

// pop3Cursor is where a POP3 Fetch resumes. POP3 numbers messages 1..N
// afresh in every session and names them by unique-id (UIDL), so the
// cursor keeps the position of the last message handled and the
// unique-ids of the last few handled (the window), not every id ever seen:
// its size stays bounded however long the maildrop grows.
//
// It is opaque to hosts: "pop3v1." followed by unpadded base64url JSON.
type pop3Cursor struct {
	// Pos is the number of the last message handled, as numbered in the
	// session that handled it; 0 when none was.
	Pos int `json:"n"`
	// Window is the last handled messages, oldest first, ending at Pos:
	// their unique-ids and a short digest of their Message-IDs (which
	// tells a reused unique-id from the original).
	Window []pop3Seen `json:"w,omitempty"`
	// Mark is the newest arrival time handled (unix seconds, from the
	// topmost Received field, else Date).
	Mark int64 `json:"t,omitempty"`
	// Resync is set while Fetch re-reads after losing its place: messages
	// that arrived before it (less pop3Skew), or whose Message-ID digest is
	// in ResyncIDs, were handled before.
	Resync    int64    `json:"r,omitempty"`
	ResyncIDs []string `json:"ri,omitempty"`
}

// pop3Seen is one handled message of the window.
type pop3Seen struct {
	UIDL string `json:"u"`
	ID   string `json:"m,omitempty"`
}

const (
	pop3CursorPrefix = "pop3v1."
	// pop3Window is how many handled unique-ids the cursor keeps.
	pop3Window = 10
	// maxUIDL is RFC 1939's limit on a unique-id (1 to 70 characters).
	maxUIDL = 70
	// maxPOP3Cursor bounds a cursor's text: the window and ids at their
	// largest, base64url-encoded, fit well within it.
	maxPOP3Cursor = 4096
)

// parsePOP3Cursor reads a cursor. Empty means "look back"; so does an
// IMAP cursor (the account moved from IMAP to POP3): reading again errs
// towards returning a message twice, never towards losing one.
func parsePOP3Cursor(s string) (c pop3Cursor, initial bool, err error) {
	if s == "" || strings.HasPrefix(s, cursorPrefix) {
		return c, true, nil
	}
	bad := providerkit.Invalid("cursor", "not a POP3 cursor returned by smtpimap")
	if !strings.HasPrefix(s, pop3CursorPrefix) || len(s) > maxPOP3Cursor {
		return c, false, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(s[len(pop3CursorPrefix):])
	if err != nil {
		return c, false, bad
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return c, false, providerkit.Invalid("cursor", fmt.Sprintf("unreadable: %v", err))
	}
	if c.Pos < 0 || len(c.Window) > pop3Window || len(c.ResyncIDs) > pop3Window || c.Pos < len(c.Window) {
		return c, false, bad
	}
	for _, w := range c.Window {
		if !validUIDL(w.UIDL) {
			return c, false, bad
		}
	}
	return c, false, nil
}

func (c pop3Cursor) String() string {
	raw, _ := json.Marshal(c) // cannot fail: strings and numbers
	return pop3CursorPrefix + base64.RawURLEncoding.EncodeToString(raw)
}

// validUIDL is RFC 1939 §7: 1 to 70 characters from 0x21 to 0x7E.
func validUIDL(s string) bool {
	if s == "" || len(s) > maxUIDL {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// uidlKey is how the cursor stores a unique-id: as it is when RFC 1939
// allows it, else (a server sending longer ids or other characters) as
// "~" and a digest, so that such a server still gets a bounded cursor.
func uidlKey(uidl string) string {
	if validUIDL(uidl) {
		return uidl
	}
	sum := sha256.Sum256([]byte(uidl))
	return "~" + hex.EncodeToString(sum[:16])
}

// idDigest is a short digest of a Message-ID, for telling a reused
// unique-id from the message it first named; empty without an id.
func idDigest(messageID string) string {
	if messageID == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(messageID))
	return hex.EncodeToString(sum[:6])
}

// last is the newest window entry.
func (c pop3Cursor) last() (pop3Seen, bool) {
	if len(c.Window) == 0 {
		return pop3Seen{}, false
	}
	return c.Window[len(c.Window)-1], true
}

// inWindow reports whether a unique-id is in the window.
func (c pop3Cursor) inWindow(uidl string) bool {
	return slices.ContainsFunc(c.Window, func(s pop3Seen) bool { return s.UIDL == uidl })
}

// digestOf returns the window's digest for a unique-id.
func (c pop3Cursor) digestOf(uidl string) string {
	for _, s := range c.Window {
		if s.UIDL == uidl {
			return s.ID
		}
	}
	return ""
}

// seenBefore reports whether, during a resync, a message was handled
// before Fetch lost its place. A message without an arrival time, or one
// that arrived within pop3Skew before the mark and is not known by its
// Message-ID, counts as new: returned again rather than lost.
func (c pop3Cursor) seenBefore(arrival int64, digest string) bool {
	if c.Resync == 0 {
		return false
	}
	if digest != "" && slices.Contains(c.ResyncIDs, digest) {
		return true
	}
	return arrival != 0 && arrival < c.Resync-int64(pop3Skew.Seconds())
}
