package intent

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxTextBytes bounds how much of a reply's text is read: what a person
// asks for sits at the start, and a bound keeps the cost fixed.
const maxTextBytes = 16 << 10

// foldSpecial are letters NFKD does not decompose into a base letter and
// a mark.
var foldSpecial = strings.NewReplacer(
	"ł", "l", "ø", "o", "ß", "ss", "æ", "ae", "œ", "oe", "đ", "d", "ı", "i", "ð", "d", "þ", "th",
	"\u2019", "'", "\u2018", "'", "\u02bc", "'", "`", "'", "´", "'",
)

// normalize lower-cases s, decomposes it (NFKD: full-width forms become
// ASCII) and drops the accents of Latin letters (but the ring of å), so
// "Intéressé", "interesse" and "INTERESSE" meet. Marks on other scripts (the
// Japanese voicing marks) are kept.
func normalize(s string) string {
	if len(s) > maxTextBytes {
		s = s[:maxTextBytes]
	}
	s = strings.ToValidUTF8(s, " ")
	s = norm.NFKD.String(strings.ToLower(s))
	var b strings.Builder
	b.Grow(len(s))
	prevLatin := false
	for _, r := range s {
		if unicode.Is(unicode.Mn, r) {
			// The ring of å stays: Swedish "låter" (sounds) is not
			// English "later".
			if prevLatin && r != '\u030a' {
				continue
			}
			b.WriteRune(r)
			continue
		}
		prevLatin = r < utf8.RuneSelf || unicode.Is(unicode.Latin, r)
		b.WriteRune(r)
	}
	return foldSpecial.Replace(b.String())
}
