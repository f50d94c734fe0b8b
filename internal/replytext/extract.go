package replytext

import (
	"strings"
	"unicode/utf8"
)

// Bounds of one extraction.
const (
	maxInputText = 256 << 10 // bytes of a plain-text body looked at
	maxInputHTML = 1 << 20   // bytes of an HTML body tokenised
	maxText      = 32 << 10  // bytes of text returned
	maxLines     = 4000      // lines of a body looked at
)

// Part is one leaf of a parsed message, as a MIME walker produces it.
type Part struct {
	// Type is the lower-cased media type ("text/plain").
	Type string
	// Params are the Content-Type parameters (charset, format, name).
	Params map[string]string
	// Disposition is the lower-cased disposition type ("attachment",
	// "inline" or ""); Filename its filename parameter, decoded.
	Disposition string
	Filename    string
	// ContentID is the Content-ID header, if any.
	ContentID string
	// Body is the transfer-decoded body, text converted to UTF-8.
	Body []byte
	// Size is the decoded size when known to be larger than len(Body)
	// (a walker that cut the body short); 0 means len(Body).
	Size int
}

// Attachment describes one attached file, without its bytes.
type Attachment struct {
	Name string // file name as given, "" when the part has none
	Type string // media type, lower-cased
	Size int    // decoded size in bytes
}

// Reply is what Extract found.
type Reply struct {
	Text        string // the new text: quoted history and signature removed
	Attachments []Attachment
}

// Extract returns the new text of a reply and its attachments. parts are
// the message's leaves in document order; parts inside a forwarded or
// returned message (message/rfc822) should not be given.
func Extract(parts []Part) Reply {
	var r Reply
	var plain, html *Part
	for i := range parts {
		p := &parts[i]
		if isAttachment(p) {
			r.Attachments = append(r.Attachments, attachmentOf(p))
			continue
		}
		switch p.Type {
		case "text/plain":
			if plain == nil {
				plain = p
			}
		case "text/html":
			if html == nil {
				html = p
			}
		}
	}
	switch {
	case plain != nil && len(strings.TrimSpace(string(plain.Body))) > 0:
		body := plain.Body
		if len(body) > maxInputText {
			body = body[:maxInputText]
		}
		s := validUTF8(string(body))
		if strings.EqualFold(plain.Params["format"], "flowed") {
			s = unflow(s, strings.EqualFold(plain.Params["delsp"], "yes"))
		}
		r.Text = NewText(s)
	case html != nil:
		r.Text = NewText(HTMLText(html.Body))
	}
	return r
}

// NewText removes the quoted history and the signature from a reply's
// plain text and tidies the whitespace.
func NewText(s string) string {
	lines := splitLines(s)
	lines = StripQuoteLines(lines)
	lines = stripSignatureLines(lines)
	return joinLines(lines)
}

// validUTF8 replaces invalid bytes (a charset the walker could not
// convert) so the text is always valid UTF-8.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// splitLines splits s into at most maxLines lines, without line ends,
// with non-breaking and zero-width spaces normalised and trailing
// blanks removed.
func splitLines(s string) []string {
	s = validUTF8(s)
	if needsSpaceFix(s) {
		s = spaceFixer.Replace(s)
	}
	var out []string
	for len(s) > 0 && len(out) < maxLines {
		line := s
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			line, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		out = append(out, strings.TrimRight(line, " \t\r"))
	}
	return out
}

// needsSpaceFix reports whether s holds a bare CR line end or one of the
// spaces spaceFixer replaces (CRLF alone needs nothing: lines are
// trimmed of their CR).
func needsSpaceFix(s string) bool {
	if strings.ContainsAny(s, "\u00a0\u200b\u200c\u200d\ufeff\u2028\u2029") {
		return true
	}
	for i := strings.IndexByte(s, '\r'); i >= 0; {
		if i+1 >= len(s) || s[i+1] != '\n' {
			return true
		}
		j := strings.IndexByte(s[i+1:], '\r')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

var spaceFixer = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u00a0", " ", "\u200b", "", "\u200c", "", "\u200d", "",
	"\ufeff", "", "\u2028", "\n", "\u2029", "\n")

// joinLines joins lines, trimming blank lines at both ends, collapsing
// runs of blank lines to one, and bounding the result to maxText bytes
// (cut at a rune boundary).
func joinLines(lines []string) string {
	var b strings.Builder
	blank := false
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			blank = b.Len() > 0
			continue
		}
		if blank {
			b.WriteString("\n\n")
		} else if b.Len() > 0 {
			b.WriteByte('\n')
		}
		blank = false
		b.WriteString(l)
		if b.Len() >= maxText {
			break
		}
	}
	s := b.String()
	if len(s) > maxText {
		s = s[:maxText]
		for len(s) > 0 && !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return s
}

// unflow joins the soft line breaks of RFC 3676 format=flowed text: a
// line ending in a space continues on the next (the signature delimiter
// "-- " excepted); with delsp the space is removed. Quoted lines keep
// their breaks.
func unflow(s string, delsp bool) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	var b strings.Builder
	for i, l := range lines {
		if strings.HasPrefix(l, " ") {
			l = l[1:] // space-stuffing
		}
		soft := strings.HasSuffix(l, " ") && l != "-- " && !strings.HasPrefix(l, ">") && i < len(lines)-1
		if soft && delsp {
			l = l[:len(l)-1]
		}
		b.WriteString(l)
		if !soft {
			b.WriteByte('\n')
		}
	}
	return b.String()
}
