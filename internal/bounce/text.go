package bounce

import (
	"sort"
	"strings"

	"github.com/inboxkit/inboxkit/internal/mailparse"
)

// originalMarkers start the part of a non-MIME bounce that quotes the
// returned message; text after them is not the MTA's own words.
var originalMarkers = [...]string{
	"original message follows", "below this line is a copy of the message", "this is a copy of the message",
	"----- original message", "--- original message", "original message header", "headers of the original message",
	"header of the original message", "------ returned message", "--- returned message", "unsent message below",
	"message headers follow", "----- message header", "original message headers", "------- the original message",
	"the header of the original message is following", "included is the original message", "--- below is a copy",
	"content-type: message/rfc822", "content-type: text/rfc822-headers", "original-message-id", "---original message---",
	"text of the original message",
	// An embedded header block: a quoted message usually follows.
	"\nreceived: from ", "\nreturn-path: <",
}

// originalMatcher is originalMarkers compiled; never modified after.
var originalMatcher = newPhraseMatcher(originalMarkers[:])

// HumanText returns the MTA's own human-readable text: text/plain parts
// (HTML with tags removed when there is no plain text) outside returned
// originals, cut before any quoted original message.
func HumanText(m *mailparse.Message) string {
	var b strings.Builder
	for _, p := range m.Parts {
		if strings.HasPrefix(p.Type, "message/") || p.Type == "text/rfc822-headers" {
			break // what follows belongs to the returned original
		}
		if p.Type == "text/plain" || p.Type == "text/enriched" {
			b.Write(p.Body)
			b.WriteByte('\n')
		}
		if b.Len() > 64<<10 {
			break
		}
	}
	if b.Len() == 0 {
		for _, p := range m.Parts {
			if p.Type == "text/html" {
				b.WriteString(stripTags(string(p.Body)))
				break
			}
		}
	}
	return cutOriginal(b.String())
}

// cutOriginal cuts s before the first original-message marker,
// including an embedded header block (a line starting "Received:" or
// "Return-Path:" after which a quoted message usually follows).
func cutOriginal(s string) string {
	if len(s) > 64<<10 {
		s = s[:64<<10]
	}
	if i := originalMatcher.index(s); i >= 0 {
		return s[:i]
	}
	return s
}

// stripTags removes HTML tags and decodes the few entities bounces use.
func stripTags(s string) string {
	var b strings.Builder
	in := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '<':
			in = true
			if i+3 < len(s) && (strings.EqualFold(s[i:i+3], "<br") || strings.EqualFold(s[i:i+3], "<p>") || strings.EqualFold(s[i:i+3], "<p ") ||
				strings.EqualFold(s[i:i+3], "<tr") || strings.EqualFold(s[i:i+3], "<di")) {
				b.WriteByte('\n')
			}
		case c == '>':
			in = false
			b.WriteByte(' ')
		case !in:
			b.WriteByte(c)
		}
	}
	r := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", "&nbsp;", " ", "&quot;", `"`, "&#39;", "'")
	return r.Replace(b.String())
}

// ignoredLocalParts are addresses a bounce mentions that are never the
// failed recipient.
var ignoredLocalParts = [...]string{
	"mailer-daemon", "mail-daemon", "mailerdaemon", "maildaemon", "double-bounce",
}

// unlikelyLocalParts are mentioned in bounces mostly as contacts; they
// count as failed recipients only when nothing else is found.
var unlikelyLocalParts = [...]string{"postmaster", "abuse", "noreply", "no-reply", "nobody", "root", "hostmaster", "webmaster"}

func unlikelyAddress(a string, exclude []string) bool {
	return contains(exclude, a) || contains(unlikelyLocalParts[:], a[:strings.LastIndexByte(a, '@')]) || isListAdmin(a)
}

func ignoredAddress(a string, exclude []string) bool {
	local := a[:strings.LastIndexByte(a, '@')]
	for _, l := range ignoredLocalParts {
		if local == l {
			return true
		}
	}
	return false
}

// scrapeRecipients finds failed recipients in a bounce's own text: each
// address mentioned (other than the ones in exclude and the daemons),
// with the paragraph that follows its first mention as its diagnostic.
func scrapeRecipients(text string, exclude []string) []bounceRecipient {
	lines := strings.Split(text, "\n")
	var out []bounceRecipient
	for i, line := range lines {
		if !strings.Contains(line, "@") {
			continue
		}
		for _, a := range FindAddresses(line) {
			if ignoredAddress(a, exclude) || hasRecipient(out, a) {
				continue
			}
			if len(out) >= mailparse.DefaultMaxParts {
				return out
			}
			out = append(out, bounceRecipient{addr: a, diag: paragraphAfter(lines, i, a)})
		}
	}
	// Contacts such as postmaster@ go last.
	// The bounce's own addresses and contacts such as postmaster@ go
	// last: they are the failed recipient only when nothing else is.
	sort.SliceStable(out, func(i, j int) bool {
		return !unlikelyAddress(out[i].addr, exclude) && unlikelyAddress(out[j].addr, exclude)
	})
	// With a likely recipient found, the contacts and the list's own
	// addresses are dropped.
	if len(out) > 0 && !unlikelyAddress(out[0].addr, exclude) {
		n := 1
		for n < len(out) && !unlikelyAddress(out[n].addr, exclude) {
			n++
		}
		out = out[:n]
	}
	// A list's or gateway's administrative addresses are contacts, never
	// the failed recipient, when anything else is named.
	if len(out) > 1 && !isListAdmin(out[0].addr) {
		kept := out[:0]
		for _, r := range out {
			if !isListAdmin(r.addr) {
				kept = append(kept, r)
			}
		}
		out = kept
	}
	return out
}

func hasRecipient(rs []bounceRecipient, a string) bool {
	for _, r := range rs {
		if r.addr == a {
			return true
		}
	}
	return false
}

// paragraphAfter returns the rest of line i after the address and the
// lines that follow up to a blank line; when that says nothing about
// the failure (no status, reply code or known phrase) the next
// paragraph is added too.
func paragraphAfter(lines []string, i int, addr string) string {
	first := lines[i]
	if k := indexFold(first, addr); k >= 0 {
		first = first[k+len(addr):]
	}
	var b strings.Builder
	b.WriteString(first)
	paragraphs := 0
	for j := i + 1; j < len(lines) && j < i+24; j++ {
		l := strings.TrimSpace(lines[j])
		if l == "" {
			if hasFailureSignal(b.String()) {
				break
			}
			paragraphs++
			if paragraphs > 2 {
				break
			}
			continue
		}
		if startsWithOtherAddress(l, addr) {
			break // the next recipient's paragraph
		}
		b.WriteByte(' ')
		b.WriteString(l)
	}
	return b.String()
}

// hasFailureSignal reports whether s carries an SMTP status, a reply
// code or a known failure phrase.
func hasFailureSignal(s string) bool {
	if st := findStatus(s); st != "" && st[0] != '2' {
		return true
	}
	return findReplyCode(s) != "" || textReason(s) != ""
}

// startsWithOtherAddress reports whether line l begins with an address
// other than addr followed by a colon ("<b@example.org>: 550 ...", as
// Postfix, OpenSMTPD and GMX list failed recipients), so the paragraph
// of the recipient before it ends there.
func startsWithOtherAddress(l, addr string) bool {
	l = strings.TrimLeft(l, "<\"'* ")
	end := strings.IndexAny(l, " \t>\":,;")
	if end < 0 {
		end = len(l)
	}
	w := l[:end]
	at := strings.IndexByte(w, '@')
	if at <= 0 || at == len(w)-1 || strings.EqualFold(w, addr) {
		return false
	}
	rest := strings.TrimLeft(l[end:], ">\"")
	return strings.HasPrefix(rest, ":")
}
