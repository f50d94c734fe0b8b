package graph

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/internal/watermark"
)

// cursorPrefix versions the cursor format.
const cursorPrefix = "graph1."

// cursor is where Fetch resumes: per folder, the delta (or next page) link
// and a watermark for a resync after the delta token expires.
type cursor struct {
	Folders map[string]*folderState `json:"f"`
	// Recent are digests of the ids of the last messages returned, in any
	// folder (at most maxRecent, newest last): with immutable ids, a
	// message the user moves from Junk Email to Inbox keeps its id, and a
	// resync meets the replies the user has read since.
	Recent []string `json:"r,omitempty"`
}

// maxRecent bounds Recent.
const maxRecent = 32

// folderState is one folder's position.
type folderState struct {
	// Link is the @odata.deltaLink (or, mid-round, @odata.nextLink) to
	// continue from, relative to the API base URL so a cursor can never
	// send the token to another host.
	Link string `json:"l,omitempty"`
	// Mark is the newest receivedDateTime judged so far, and AtMark the
	// ids judged with exactly that time (at most watermark.MaxIDs): a
	// resync starts at Mark and skips what the watermark has seen, so
	// nothing is lost or returned twice.
	Mark   time.Time `json:"m"`
	AtMark []string  `json:"a,omitempty"`
	// Synced is when the last complete delta round began: every message in
	// the folder whose lastModifiedDateTime is earlier was judged (within
	// the round's receivedDateTime filter). Zero in cursors of earlier
	// versions.
	Synced time.Time `json:"t,omitzero"`
	// Round is when the round under way began, while Link is a nextLink.
	Round time.Time `json:"u,omitzero"`
}

func (c *cursor) String() string {
	b, _ := json.Marshal(c) // plain strings and times: cannot fail
	return cursorPrefix + base64.RawURLEncoding.EncodeToString(b)
}

var errBadCursor = errors.New("graph: malformed cursor")

func parseCursor(s string) (*cursor, error) {
	body, ok := strings.CutPrefix(s, cursorPrefix)
	if !ok {
		return nil, fmt.Errorf("%w: unknown version", errBadCursor)
	}
	b, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errBadCursor, err)
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%w: %v", errBadCursor, err)
	}
	if c.Folders == nil {
		return nil, fmt.Errorf("%w: no folders", errBadCursor)
	}
	if len(c.Recent) > maxRecent {
		return nil, fmt.Errorf("%w: too many recent ids", errBadCursor)
	}
	for _, d := range c.Recent {
		if len(d) > 32 {
			return nil, fmt.Errorf("%w: recent id too long", errBadCursor)
		}
	}
	for name, f := range c.Folders {
		if f == nil {
			return nil, fmt.Errorf("%w: folder %q has no state", errBadCursor, name)
		}
		if f.Link != "" && (!strings.HasPrefix(f.Link, "/") || strings.HasPrefix(f.Link, "//") || strings.Contains(f.Link, "\\")) {
			return nil, fmt.Errorf("%w: folder %q link is not a path under the API", errBadCursor, name)
		}
	}
	return &c, nil
}

// digest is the short form of a message id kept in Recent.
func digest(id string) string {
	sum := sha256.Sum256([]byte(id))
	return base64.RawURLEncoding.EncodeToString(sum[:12])
}

// returned remembers a returned message's id.
func (c *cursor) returned(id string) {
	c.Recent = append(c.Recent, digest(id))
	if n := len(c.Recent) - maxRecent; n > 0 {
		c.Recent = append(c.Recent[:0:0], c.Recent[n:]...)
	}
}

// wasReturned reports whether a message with this id was returned lately.
func (c *cursor) wasReturned(id string) bool {
	return slices.Contains(c.Recent, digest(id))
}

// watermark is the folder's resync watermark in the shared form; the
// cursor keeps its own JSON shape so that saved cursors still resume.
func (f *folderState) watermark() watermark.Mark {
	return watermark.Mark{At: f.Mark, IDs: f.AtMark}
}

// note records a judged message's receipt time in the watermark.
func (f *folderState) note(id string, at time.Time) {
	m := f.watermark()
	m.Note(at, id)
	f.Mark, f.AtMark = m.At, m.IDs
}

// encodeRaw wraps a JSON body in the cursor envelope (for tests of
// malformed cursors).
func (c *cursor) encodeRaw(body string) string {
	return cursorPrefix + base64.RawURLEncoding.EncodeToString([]byte(body))
}
