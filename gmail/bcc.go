package gmail

import (
	"bytes"
	"strings"

	"github.com/inboxkit/inboxkit/provider"
)

// withBcc returns raw with a Bcc header naming bcc, unless raw already has
// one. Gmail's raw send takes the envelope from To, Cc and Bcc, and drops
// Bcc from the copies recipients get, so the header must be present here
// (and only here: SMTP never writes it).
func withBcc(raw []byte, bcc []provider.Address) []byte {
	if len(bcc) == 0 || hasField(raw, "Bcc") {
		return raw
	}
	vals := make([]string, len(bcc))
	for i, a := range bcc {
		vals[i] = a.String()
	}
	var b bytes.Buffer
	b.Grow(len(raw) + 8 + len(bcc)*40)
	b.WriteString("Bcc: ")
	b.WriteString(strings.Join(vals, ",\r\n "))
	b.WriteString("\r\n")
	b.Write(raw)
	return b.Bytes()
}

// hasField reports whether the header block of raw has the named field.
func hasField(raw []byte, name string) bool {
	for len(raw) > 0 && name != "" {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line, raw = raw[:i], raw[i+1:]
		} else {
			raw = nil
		}
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			return false
		}
		if k, _, ok := bytes.Cut(line, []byte(":")); ok && strings.EqualFold(string(k), name) {
			return true
		}
	}
	return false
}
