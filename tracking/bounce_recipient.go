package tracking

import (
	"bytes"
	"strings"

	"github.com/inboxkit/inboxkit/provider"
)

// sentToAddresses settles which address of each recipient we sent to.
// RFC 3464 §2.3.1: Original-Recipient is the address as the sender gave
// it, Final-Recipient the one the reporting MTA tried, after forwarding
// or aliases rewrote it. The returned original's To and Cc decide when
// they name one of the two; otherwise Original-Recipient wins. The
// address the report named is kept in reported.
func sentToAddresses(rs []bounceRecipient, originals []originalHeader) {
	for i := range rs {
		r := &rs[i]
		if r.orig == "" || r.orig == r.addr {
			continue
		}
		if inOriginalRecipients(originals, r.addr) && !inOriginalRecipients(originals, r.orig) {
			continue // we wrote to the final address itself
		}
		r.reported, r.addr, r.orig = r.addr, r.orig, ""
	}
}

// originalHeader is the header of a returned original, as far as
// sentToAddresses needs it.
type originalHeader interface {
	Get(key string) string
}

func inOriginalRecipients(originals []originalHeader, addr string) bool {
	for _, h := range originals {
		for _, k := range [...]string{"To", "Cc"} {
			if v := h.Get(k); v != "" && indexFold(v, addr) >= 0 {
				return true
			}
		}
	}
	return false
}

// mapToRecord reports each failed recipient as the address of rec it
// stands for, when the report names another that the returned copy of
// our message does not show either (a forwarding or an alias rewrote
// it): rec's only recipient when the report names only one, else the one
// that shares the local part, else the one that shares the domain. An
// address rec lists is kept; two failures that would map to the same
// address are both left as reported.
func mapToRecord(res *Result, rec *provider.SentRecord, originals []originalHeader, rawBody []byte) {
	if rec == nil || len(rec.Recipients) == 0 {
		return
	}
	mapped := make([]string, len(res.Recipients))
	count := map[string]int{}
	for i := range res.Recipients {
		r := &res.Recipients[i]
		if r.Address == "" || recordHas(rec, r.Address) || inOriginalRecipients(originals, r.Address) ||
			quotedToHas(rawBody, r.Address) {
			continue
		}
		switch {
		case r.ReportedAddress != "" && recordHas(rec, r.ReportedAddress):
			mapped[i] = strings.ToLower(r.ReportedAddress)
		case len(rec.Recipients) == 1 && len(res.Recipients) == 1:
			mapped[i] = strings.ToLower(rec.Recipients[0])
		default:
			mapped[i] = recordMatch(rec, r.Address)
		}
		if mapped[i] != "" {
			count[mapped[i]]++
		}
	}
	for i, m := range mapped {
		if m == "" || count[m] > 1 {
			continue
		}
		r := &res.Recipients[i]
		if r.ReportedAddress == "" || r.ReportedAddress == m {
			r.ReportedAddress = r.Address
		}
		r.Address = m
	}
}

func recordHas(rec *provider.SentRecord, addr string) bool {
	for _, a := range rec.Recipients {
		if strings.EqualFold(a, addr) {
			return true
		}
	}
	return false
}

// recordMatch returns the one recipient of rec that addr stands for, or
// "" when that cannot be told.
func recordMatch(rec *provider.SentRecord, addr string) string {
	local, domain, _ := strings.Cut(strings.ToLower(addr), "@")
	for _, part := range [...]func(l, d string) bool{
		func(l, _ string) bool { return l == local },
		func(_, d string) bool { return d == domain },
	} {
		found := ""
		for _, a := range rec.Recipients {
			l, d, _ := strings.Cut(strings.ToLower(a), "@")
			if part(l, d) {
				if found != "" {
					found = "-"
					break
				}
				found = strings.ToLower(a)
			}
		}
		if found != "" && found != "-" {
			return found
		}
	}
	return ""
}

// originalHeaders returns the headers of m's returned originals.
func originalHeaders(m *parsedMessage) []originalHeader {
	out := make([]originalHeader, 0, len(m.originals))
	for i := range m.originals {
		out = append(out, &m.originals[i])
	}
	return out
}

// quotedToHas reports whether a copy of our message pasted into a
// notice's text (qmail, old Sendmail: no MIME part) has a To or Cc line
// naming addr.
func quotedToHas(body []byte, addr string) bool {
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
