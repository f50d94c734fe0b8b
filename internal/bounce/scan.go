package bounce

import (
	"strings"
)

// findStatus returns the first RFC 3463 enhanced status code in s
// ("5.1.1", "4.7.26"): class 2, 4 or 5, subject 0-999, detail 0-999,
// not part of a longer dotted number such as an IP address or version.
func findStatus(s string) string {
	for i := 0; i+4 < len(s); i++ {
		c := s[i]
		if c != '2' && c != '4' && c != '5' {
			continue
		}
		if i > 0 && (isDigit(s[i-1]) || s[i-1] == '.') {
			continue
		}
		if s[i+1] != '.' {
			continue
		}
		j := i + 2
		n := digits(s, j, 3)
		if n == 0 || j+n >= len(s) || s[j+n] != '.' {
			continue
		}
		k := j + n + 1
		m := digits(s, k, 3)
		if m == 0 {
			continue
		}
		end := k + m
		if end < len(s) && (isDigit(s[end]) || (s[end] == '.' && end+1 < len(s) && isDigit(s[end+1]))) {
			continue
		}
		return s[i:end]
	}
	return ""
}

// findReplyCode returns the first SMTP reply code (4xx or 5xx) in s that
// stands alone as a word, or "".
func findReplyCode(s string) string {
	for i := 0; i+2 < len(s); i++ {
		c := s[i]
		if c != '4' && c != '5' {
			continue
		}
		if i > 0 && (isAlnum(s[i-1]) || s[i-1] == '.' || s[i-1] == ':' || s[i-1] == '-' || s[i-1] == '/' || s[i-1] == '#') {
			continue
		}
		if !isDigit(s[i+1]) || !isDigit(s[i+2]) || s[i+1] > '5' {
			continue
		}
		if i+3 < len(s) && (isAlnum(s[i+3]) || s[i+3] == '.' || s[i+3] == ':' || s[i+3] == '/' || s[i+3] == '@') {
			continue
		}
		return s[i : i+3]
	}
	return ""
}

func digits(s string, i, max int) int {
	n := 0
	for i+n < len(s) && n < max && isDigit(s[i+n]) {
		n++
	}
	if i+n < len(s) && isDigit(s[i+n]) {
		return 0
	}
	return n
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlnum(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// cleanAddress lower-cases an address and strips brackets, quotes,
// "mailto:" and trailing punctuation; it returns "" when no plausible
// address remains.
func cleanAddress(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '<'); i >= 0 {
		if j := strings.IndexByte(s[i:], '>'); j > 0 {
			s = s[i+1 : i+j]
		}
	}
	s = strings.Trim(s, " \t<>\"'()[]{},;:.")
	s = strings.TrimPrefix(strings.ToLower(s), "mailto:")
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.ContainsAny(s, " \t") {
		return ""
	}
	return s
}

// FindAddresses returns the e-mail addresses in s, in order, cleaned
// and without duplicates.
func FindAddresses(s string) []string {
	var out []string
	for i := 0; i < len(s); i++ {
		if s[i] != '@' {
			continue
		}
		start := i
		for start > 0 && isAddrByte(s[start-1]) {
			start--
		}
		end := i + 1
		for end < len(s) && isDomainByte(s[end]) {
			end++
		}
		if start == i || end == i+1 {
			continue
		}
		a := cleanAddress(s[start:end])
		if a != "" && strings.Contains(a[strings.LastIndexByte(a, '@'):], ".") && !contains(out, a) {
			out = append(out, a)
		}
		i = end - 1
	}
	return out
}

func isAddrByte(c byte) bool {
	return isAlnum(c) || strings.IndexByte("!#$%&'*+-/=?^_`{|}~.", c) >= 0
}

func isDomainByte(c byte) bool {
	return isAlnum(c) || c == '-' || c == '.' || c == '_'
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// oneLine collapses whitespace runs (including line breaks) to single
// spaces, bounded to max bytes.
func oneLine(s string, max int) string {
	var b strings.Builder
	space := false
	for i := 0; i < len(s) && b.Len() < max; i++ {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteByte(c)
	}
	return b.String()
}

// asciiLower lower-cases ASCII letters only, so byte offsets in the
// result are offsets in s (strings.ToLower may change the length of
// invalid or special UTF-8).
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// indexFold returns the offset of the first occurrence of sub in s,
// ignoring ASCII case, or -1; sub must be lower-case.
func indexFold(s, sub string) int {
	n := len(sub)
	if n == 0 {
		return 0
	}
	c0 := sub[0]
	u0 := c0
	if c0 >= 'a' && c0 <= 'z' {
		u0 = c0 - ('a' - 'A')
	}
	for i := 0; i+n <= len(s); i++ {
		if c := s[i]; c != c0 && c != u0 {
			continue
		}
		j := 1
		for ; j < n; j++ {
			if lowerByte(s[i+j]) != sub[j] {
				break
			}
		}
		if j == n {
			return i
		}
	}
	return -1
}
