package bounce

import (
	"bytes"

	"github.com/emersion/go-message/textproto"
)

// sentToAddresses settles which address of each recipient we sent to.
// RFC 3464 §2.3.1: Original-Recipient is the address as the sender gave
// it, Final-Recipient the one the reporting MTA tried, after forwarding
// or aliases rewrote it. The returned original's To and Cc decide when
// they name one of the two; otherwise Original-Recipient wins. The
// address the report named is kept in reported.
func sentToAddresses(rs []bounceRecipient, originals []textproto.Header) {
	for i := range rs {
		r := &rs[i]
		if r.orig == "" || r.orig == r.addr {
			continue
		}
		if InOriginalRecipients(originals, r.addr) && !InOriginalRecipients(originals, r.orig) {
			continue // we wrote to the final address itself
		}
		r.reported, r.addr, r.orig = r.addr, r.orig, ""
	}
}

// InOriginalRecipients reports whether the To or Cc of a returned
// original names addr.
func InOriginalRecipients(originals []textproto.Header, addr string) bool {
	for i := range originals {
		h := &originals[i]
		for _, k := range [...]string{"To", "Cc"} {
			if v := h.Get(k); v != "" && indexFold(v, addr) >= 0 {
				return true
			}
		}
	}
	return false
}

// QuotedToHas reports whether a copy of our message pasted into a
// notice's text (qmail, old Sendmail: no MIME part) has a To or Cc line
// naming addr.
func QuotedToHas(body []byte, addr string) bool {
	if len(body) > 64<<10 {
		body = body[:64<<10]
	}
	for len(body) > 0 {
		line := body
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			body = nil
		}
		if len(line) > 3 && (lowerByte(line[0]) == 't' && lowerByte(line[1]) == 'o' && line[2] == ':' ||
			lowerByte(line[0]) == 'c' && lowerByte(line[1]) == 'c' && line[2] == ':') && indexFold(string(line), addr) >= 0 {
			return true
		}
	}
	return false
}
