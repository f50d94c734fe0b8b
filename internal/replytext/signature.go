package replytext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// stripSignatureLines removes the signature from the (quote-free) lines
// of a reply, never everything: a reply that is only a sign-off keeps
// it.
func stripSignatureLines(lines []string) []string {
	lines = trimBlank(lines)
	for i, l := range lines {
		t := strings.TrimSpace(l)
		// RFC 3676 §4.3: "-- " alone on a line starts the signature
		// (many clients trim it to "--").
		if (l == "-- " || t == "--") && i > 0 {
			lines = lines[:i]
			break
		}
		if isMobileFooter(t) {
			if i == 0 {
				return nil // nothing but a footer: no text of its own
			}
			lines = lines[:i]
			break
		}
	}
	lines = trimBlank(lines)
	if i := signOffAt(lines); i >= 0 {
		if !hasTextBefore(lines, i) {
			return lines[:i+1]
		}
		lines = lines[:i]
	}
	return trimBlank(trailingCard(trailingName(trimBlank(lines))))
}

// trailingCard drops a signature written straight below the text, with
// no delimiter, sign-off or blank line: a name line followed by lines
// that are all signature-like, at least one of them a phone number, a
// link or an address ("Jan Novak\nCTO, Acme\n+420 601 123 456").
func trailingCard(lines []string) []string {
	i := len(lines)
	contact := false
	for i > 1 && signatureLike(lines[i-1]) && strings.TrimSpace(lines[i-1]) != "" && len(lines)-i < 6 {
		t := strings.ToLower(lines[i-1])
		if isPhoneLine(lines[i-1]) || strings.Contains(t, "@") || strings.Contains(t, "http") || strings.Contains(t, "www.") {
			contact = true
		}
		i--
	}
	// lines[i:] are signature-like; the card starts at the name among
	// them that comes first.
	for j := i; j < len(lines); j++ {
		if isNameLike(lines[j]) && !strings.ContainsAny(lines[j], ".,!?") {
			if contact && j > 0 && hasTextBefore(lines, j) && j < len(lines)-1 {
				return lines[:j]
			}
			break
		}
	}
	return lines
}

func trimBlank(lines []string) []string {
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	return lines
}

func hasTextBefore(lines []string, i int) bool {
	for _, l := range lines[:i] {
		if strings.TrimSpace(l) != "" {
			return true
		}
	}
	return false
}

func isMobileFooter(t string) bool {
	if t == "" || utf8.RuneCountInString(t) > 80 {
		return false
	}
	low := strings.ToLower(t)
	for _, f := range mobileFooters {
		if strings.HasPrefix(low, f) {
			return true
		}
	}
	return false
}

// signOffAt returns the index of the last sign-off line after which
// only signature-like lines follow, or -1. The first line is never a
// sign-off (a one-line "Thanks" is the whole reply).
func signOffAt(lines []string) int {
	for i := len(lines) - 1; i >= 0 && i >= len(lines)-16; i-- {
		if isSignOff(lines[i]) {
			for _, l := range lines[i+1:] {
				if !signatureLike(l) {
					return -1
				}
			}
			return i
		}
		if !signatureLike(lines[i]) {
			return -1
		}
	}
	return -1
}

// isSignOff reports whether a line is only a closing formula, with an
// optional name after it ("Thanks, Tom").
func isSignOff(l string) bool {
	t := strings.ToLower(strings.TrimSpace(l))
	t = strings.TrimRight(t, ",.!;:-–— ")
	if t == "" || utf8.RuneCountInString(t) > 60 {
		return false
	}
	for _, s := range signOffs {
		if t == s {
			return true
		}
		// "Thanks, Tom" / "Best - Anna"
		if strings.HasPrefix(t, s) && len(t) > len(s) && strings.ContainsRune(" ,-–—", rune(t[len(s)])) {
			rest := strings.Fields(strings.TrimLeft(t[len(s):], " ,-–—"))
			orig := strings.Fields(strings.TrimRight(strings.TrimSpace(l), ",.!;:-–— "))
			if n := len(rest); n > 0 && n < len(orig) && isNameLike(strings.Join(orig[len(orig)-n:], " ")) {
				return true
			}
		}
	}
	return false
}

// signatureLike reports whether a line may belong to a signature: blank,
// short (a name, a title, a company), a phone number, an address line, a
// link, or a disclaimer.
func signatureLike(l string) bool {
	t := strings.TrimSpace(l)
	if t == "" {
		return true
	}
	low := strings.ToLower(t)
	for _, w := range disclaimerWords {
		if strings.Contains(low, w) {
			return true
		}
	}
	if strings.Contains(low, "http://") || strings.Contains(low, "https://") || strings.Contains(low, "www.") ||
		strings.Contains(low, "@") || isPhoneLine(t) {
		return true
	}
	if strings.ContainsAny(t, "?!") || utf8.RuneCountInString(t) > 60 {
		return false
	}
	words, inWord, letter := 0, false, false
	for _, r := range t + " " {
		if unicode.IsSpace(r) {
			if inWord && letter {
				words++
			}
			inWord, letter = false, false
			continue
		}
		inWord = true
		letter = letter || unicode.IsLetter(r)
	}
	// A title or company may end in "Inc." or "Ltd."; a sentence of
	// more words ending in a full stop is the sender's text.
	return words <= 6 && (!strings.HasSuffix(t, ".") || words <= 5)
}

// isPhoneLine reports whether a line is mostly a phone number ("M: +49
// 170 1234567", "Tel. (555) 013-4567").
func isPhoneLine(t string) bool {
	digits := 0
	for _, r := range t {
		if unicode.IsDigit(r) {
			digits++
		}
	}
	return digits >= 7 && digits*2 >= len(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, t))-8
}

// isNameLike reports whether s looks like a person's name: one to four
// words, each starting with an upper-case letter (or a single letter).
func isNameLike(s string) bool {
	f := strings.Fields(strings.TrimSpace(s))
	if len(f) == 0 || len(f) > 4 {
		return false
	}
	for _, w := range f {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) && !(unicode.IsLetter(r) && !unicode.IsLower(r)) {
			return false
		}
		for _, c := range w {
			if unicode.IsDigit(c) {
				return false
			}
		}
	}
	return true
}

// trailingName drops a last paragraph that is only a name (with an
// optional title line or two) after a blank line: "Sounds good.\n\nTom".
func trailingName(lines []string) []string {
	end := len(lines)
	start := end
	for start > 0 && strings.TrimSpace(lines[start-1]) != "" {
		start--
	}
	if start == 0 || end-start > 3 || !hasTextBefore(lines, start) {
		return lines
	}
	if !isNameLike(lines[start]) || strings.ContainsAny(lines[start], ".?!,") {
		return lines
	}
	for _, l := range lines[start+1 : end] {
		if !signatureLike(l) {
			return lines
		}
	}
	return lines[:start]
}
