package bounce

import (
	"bytes"
	"strings"

	"github.com/inboxkit/inboxkit/internal/mailparse"
)

// dsnBlock is one group of "Field: value" lines of a delivery-status
// body (RFC 3464 §2.1): the per-message block or a per-recipient block.
// Keys are lower-cased; the first occurrence of a field wins.
type dsnBlock map[string]string

// parseDSNBlocks splits a message/delivery-status body into its blocks,
// unfolding continuation lines. Lines that are not fields are skipped.
func parseDSNBlocks(b []byte) []dsnBlock {
	var blocks []dsnBlock
	cur := dsnBlock{}
	var lastKey string
	for len(b) > 0 {
		var line []byte
		line, b, _ = bytes.Cut(b, []byte{'\n'})
		line = bytes.TrimRight(line, "\r")
		if len(bytes.TrimSpace(line)) == 0 {
			if len(cur) > 0 {
				blocks = append(blocks, cur)
				cur = dsnBlock{}
			}
			lastKey = ""
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			if lastKey != "" && len(cur[lastKey]) < mailparse.MaxHeaderValue {
				cur[lastKey] += " " + string(bytes.TrimSpace(line))
			}
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || !mailparse.ValidFieldName(line[:colon]) {
			lastKey = ""
			continue
		}
		key := strings.ToLower(string(line[:colon]))
		if _, dup := cur[key]; dup {
			// A repeated field starts a new recipient block in the
			// (non-conforming) reports that omit blank lines.
			if key == "final-recipient" || key == "original-recipient" {
				blocks = append(blocks, cur)
				cur = dsnBlock{}
			} else {
				lastKey = ""
				continue
			}
		}
		cur[key] = string(bytes.TrimSpace(line[colon+1:]))
		lastKey = key
		if len(blocks) > 4*mailparse.DefaultMaxParts {
			break
		}
	}
	if len(cur) > 0 {
		blocks = append(blocks, cur)
	}
	return blocks
}

// isRecipientBlock tells a per-recipient block from the per-message one.
func (b dsnBlock) isRecipientBlock() bool {
	_, f := b["final-recipient"]
	_, o := b["original-recipient"]
	_, a := b["action"]
	_, s := b["status"]
	return f || o || (a && s)
}

// typedValue returns the value after "type;" (RFC 3464 address-type,
// diagnostic-type, mta-name-type) and the type itself.
func typedValue(v string) (typ, value string) {
	if t, rest, ok := strings.Cut(v, ";"); ok && !strings.ContainsAny(t, "@ <") {
		return strings.ToLower(strings.TrimSpace(t)), strings.TrimSpace(rest)
	}
	return "", strings.TrimSpace(v)
}

// dsnRecipients returns the recipients reported by a delivery-status
// body and the Reporting-MTA of its per-message block.
func dsnRecipients(body []byte) (rcpts []bounceRecipient, reportingMTA string) {
	for _, b := range parseDSNBlocks(body) {
		if !b.isRecipientBlock() {
			if v, ok := b["reporting-mta"]; ok && reportingMTA == "" {
				_, reportingMTA = typedValue(v)
			}
			continue
		}
		var r bounceRecipient
		_, final := typedValue(b["final-recipient"])
		_, orig := typedValue(b["original-recipient"])
		r.addr = cleanAddress(final)
		r.orig = cleanAddress(orig)
		if r.addr == "" {
			r.addr = r.orig
		}
		if r.orig == r.addr {
			r.orig = ""
		}
		r.action = strings.ToLower(strings.TrimSpace(firstWord(b["action"])))
		r.status = findStatus(b["status"])
		r.diagType, r.diag = typedValue(b["diagnostic-code"])
		_, r.remoteMTA = typedValue(b["remote-mta"])
		if v, ok := b["reporting-mta"]; ok && reportingMTA == "" {
			_, reportingMTA = typedValue(v)
		}
		if r.addr == "" && r.status == "" && r.diag == "" {
			continue
		}
		rcpts = append(rcpts, r)
	}
	return rcpts, reportingMTA
}

func firstWord(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " \t(;"); i >= 0 {
		return s[:i]
	}
	return s
}
