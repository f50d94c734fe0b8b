package tracking

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/inboxkit/inboxkit/provider"
)

// sentLine is one line of the JSON-lines format of examples/classify's
// --sent flag.
type sentLine struct {
	MessageID  string            `json:"message_id"`
	ThreadID   string            `json:"thread_id"`
	Account    string            `json:"account"`
	Recipients []string          `json:"recipients"`
	Subject    string            `json:"subject"`
	SentAt     time.Time         `json:"sent_at"`
	Meta       map[string]string `json:"meta"`
}

// maxSentLine bounds one JSON line of LoadSent.
const maxSentLine = 1 << 20

// LoadSent reads JSON lines of the form
//
//	{"message_id":…,"thread_id":…,"account":…,"recipients":[…],"subject":…}
//
// (Message-IDs without angle brackets; "sent_at" in RFC 3339 and "meta"
// are optional) into x. Blank lines are skipped; a malformed line or a
// line without message_id is an error naming its line number, and the
// records before it stay loaded.
func LoadSent(r io.Reader, x *MemoryIndex) (int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxSentLine)
	n, line := 0, 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(trimSpaceBytes(b)) == 0 {
			continue
		}
		var l sentLine
		if err := json.Unmarshal(b, &l); err != nil {
			return n, fmt.Errorf("tracking: sent line %d: %w", line, err)
		}
		rec := provider.SentRecord{Account: l.Account, MessageID: l.MessageID, ThreadID: l.ThreadID,
			Recipients: l.Recipients, Subject: l.Subject, SentAt: l.SentAt, Meta: l.Meta}
		if err := x.Add(rec); err != nil {
			return n, fmt.Errorf("tracking: sent line %d: %w", line, err)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		return n, fmt.Errorf("tracking: sent line %d: %w", line+1, err)
	}
	return n, nil
}

func trimSpaceBytes(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}
