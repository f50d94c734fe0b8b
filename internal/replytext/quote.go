package replytext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// StripQuoteLines removes the quoted history from the lines of a reply:
// everything from the first attribution line, quoted header block,
// dashed marker or forward marker on, and every line quoted with ">"
// (with the attribution line just above a quoted block, when the answer
// is written between quoted lines).
func StripQuoteLines(lines []string) []string {
	if cut := quoteStart(lines); cut >= 0 {
		if firstContent(lines) == cut && cut+1 < len(lines) && isQuotedBlockAfter(lines, cut) {
			// Bottom-posting: the attribution opens the message and the
			// answer follows the quoted lines. Drop the attribution; the
			// quoted lines go below.
			n := 1
			if !isAttribution(strings.ToLower(strings.Trim(strings.TrimSpace(lines[cut]), "*_ "))) {
				n = 2 // wrapped over two lines
			}
			lines = append(lines[:cut:cut], lines[min(len(lines), cut+n):]...)
		} else {
			lines = lines[:cut]
		}
	}
	out := lines[:0:0]
	for _, l := range lines {
		if isQuoted(l) {
			continue
		}
		out = append(out, l)
	}
	return out
}

// isQuoted reports whether a line is quoted with '>' (after optional
// spaces), as every client quotes in plain text.
func isQuoted(l string) bool {
	t := strings.TrimLeft(l, " \t")
	return strings.HasPrefix(t, ">") || strings.HasPrefix(t, "&gt;")
}

// quoteStart returns the index of the first line of the quoted history,
// or -1.
func quoteStart(lines []string) int {
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if l == "" || !mayStartQuote(l, lines, i) {
			continue
		}
		low := strings.ToLower(strings.Trim(l, "*_ "))
		switch {
		case isDashedMarker(low), isForwardMarker(low):
			return backOverSeparators(lines, i)
		case isHeaderBlock(lines, i):
			return backOverSeparators(lines, i)
		}
		if isAttribution(low) {
			return i
		}
		// An attribution wrapped over two lines (Gmail wraps long names
		// and addresses).
		if i+1 < len(lines) && len(l) < 200 && !endsAttribution(low) {
			next := strings.ToLower(strings.TrimSpace(lines[i+1]))
			if next != "" && endsAttribution(next) && isAttribution(low+" "+next) {
				return i
			}
		}
		// A ">" block right below a line ending in ':' is that line's
		// quote: the attribution of a client this list does not know.
		if i+1 < len(lines) && isQuoted(lines[i+1]) && (endsAttribution(low) ||
			(strings.HasSuffix(l, ":") && looksLikeAttribution(low))) {
			return i
		}
	}
	return -1
}

// backOverSeparators moves a cut up over the separator lines (____ or
// ----) and blank lines Outlook writes above a quoted header block.
func backOverSeparators(lines []string, i int) int {
	for i > 0 {
		p := strings.TrimSpace(lines[i-1])
		if p != "" && strings.Trim(p, "_-=*") != "" {
			break
		}
		i--
	}
	return i
}

// isDashedMarker recognises "-----Original Message-----", "----------
// Forwarded message ---------" and their translations: words between
// runs of at least three dashes (or underscores), or a run of dashes
// followed by words and nothing else.
func isDashedMarker(l string) bool {
	if !strings.HasPrefix(l, "---") && !strings.HasPrefix(l, "___") && !strings.HasPrefix(l, "===") {
		return false
	}
	inner := strings.Trim(l, "-_= ")
	if inner == "" || len(inner) > 60 || strings.Contains(inner, "@") {
		return false
	}
	letters := 0
	for _, r := range inner {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 5 && (strings.HasSuffix(l, "---") || strings.HasSuffix(l, "___") ||
		strings.HasSuffix(l, "===") || strings.Contains(inner, "message") || strings.Contains(inner, "nachricht"))
}

func isForwardMarker(l string) bool {
	for _, m := range forwardMarkers {
		if strings.HasPrefix(l, m) && len(l) < len(m)+40 {
			return true
		}
	}
	return false
}

// isHeaderBlock reports whether line i starts a quoted header block: a
// "From:" label (in any of the languages) with another label
// (Sent:/Date:/To:/Subject: …) on one of the next lines.
func isHeaderBlock(lines []string, i int) bool {
	if !hasLabel(lines[i], fromLabels[:]) {
		return false
	}
	for j := i + 1; j < len(lines) && j <= i+6; j++ {
		l := strings.TrimSpace(lines[j])
		if l == "" {
			continue
		}
		if hasLabel(l, otherLabels[:]) {
			return true
		}
	}
	// Outlook on the web writes the block on one line.
	low := strings.ToLower(lines[i])
	n := 0
	for _, lab := range otherLabels {
		if strings.Contains(low, " "+lab) {
			n++
		}
	}
	return n >= 2
}

// hasLabel reports whether l starts with one of labels, ignoring case,
// surrounding bold markers and leading space.
func hasLabel(l string, labels []string) bool {
	t := strings.ToLower(strings.TrimLeft(l, " \t*_"))
	t = strings.Replace(t, "*", "", 2)
	for _, lab := range labels {
		if strings.HasPrefix(t, lab) {
			return true
		}
	}
	return false
}

// endsAttribution reports whether a lower-cased line ends like an
// attribution: one of attributionEnds or an address, then a colon.
func endsAttribution(l string) bool {
	t, ok := trimColon(l)
	if !ok {
		return false
	}
	for _, e := range attributionEnds {
		if strings.HasSuffix(t, e) {
			return true
		}
	}
	// Lotus Notes and others put the date last: "Anna <a@x.org> wrote on
	// 08/01/2024 10:02:".
	for _, m := range attributionInfixes {
		if strings.Contains(t, m) && hasClock(t) {
			return true
		}
	}
	// Gmail in some languages writes no verb: "…, Anna <a@x.org>:".
	return strings.HasSuffix(t, ">") && strings.Contains(t, "@")
}

func trimColon(l string) (string, bool) {
	l = strings.TrimSpace(l)
	switch {
	case strings.HasSuffix(l, ":"):
		return strings.TrimSpace(l[:len(l)-1]), true
	case strings.HasSuffix(l, "："):
		return strings.TrimSpace(l[:len(l)-len("：")]), true
	}
	return l, false
}

// isAttribution reports whether a lower-cased line is an attribution
// line: it ends like one, is not too long, and starts with a known
// opener or names a date or an address (so "Here is what Anna wrote:"
// in a sentence of one's own stays).
func isAttribution(l string) bool {
	if len(l) > 400 || !endsAttribution(l) {
		return false
	}
	return looksLikeAttribution(l)
}

// looksLikeAttribution: a known opener with a digit or an address, or a
// digit and an address.
func looksLikeAttribution(l string) bool {
	digit := strings.IndexFunc(l, unicode.IsDigit) >= 0
	addr := strings.Contains(l, "@")
	opener := false
	for _, s := range attributionStarts {
		if strings.HasPrefix(l, s) {
			opener = true
			break
		}
	}
	if opener && (digit || addr) {
		return true
	}
	if digit && (addr || hasClock(l)) {
		return true
	}
	// CJK forms carry a date in 年/月/日.
	return digit && (strings.Contains(l, "年") || strings.Contains(l, "月")) && utf8.RuneCountInString(l) < 150
}

// hasClock reports whether l holds a time of day such as 10:02 or 10.02.
func hasClock(l string) bool {
	for i := 1; i+2 < len(l); i++ {
		if (l[i] == ':' || l[i] == '.') && isDigit(l[i-1]) && isDigit(l[i+1]) && isDigit(l[i+2]) &&
			(i+3 == len(l) || !isDigit(l[i+3])) {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// firstContent returns the index of the first non-blank line, or -1.
func firstContent(lines []string) int {
	for i, l := range lines {
		if strings.TrimSpace(l) != "" {
			return i
		}
	}
	return -1
}

// isQuotedBlockAfter reports whether the attribution at line i (one or
// two lines) is followed by '>' lines and then by text of the sender's
// own.
func isQuotedBlockAfter(lines []string, i int) bool {
	j := i + 1
	if j < len(lines) && !isQuoted(lines[j]) && strings.TrimSpace(lines[j]) != "" {
		j++ // the second line of a wrapped attribution
	}
	quoted := false
	for ; j < len(lines); j++ {
		l := strings.TrimSpace(lines[j])
		switch {
		case isQuoted(l):
			quoted = true
		case l == "":
		default:
			return quoted
		}
	}
	return false
}

// mayStartQuote is a cheap filter before the lower-casing checks: every
// marker has a colon in its line or the next (attributions, header
// blocks, "Begin forwarded message:") or starts with a run of dashes,
// underscores or equals signs.
func mayStartQuote(l string, lines []string, i int) bool {
	if strings.ContainsAny(l, ":：") || strings.HasPrefix(l, "--") || strings.HasPrefix(l, "__") ||
		strings.HasPrefix(l, "==") || strings.HasPrefix(l, "*") {
		return true
	}
	return i+1 < len(lines) && strings.ContainsAny(lines[i+1], ":：")
}
