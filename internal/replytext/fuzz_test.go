package replytext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzExtract: any body, plain or HTML, gives valid, bounded UTF-8 and no
// panic; the text never contains a line quoted with '>'.
func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		"Yes.\n\nOn Mon, Jan 8, 2024 at 10:02 AM S <s@x.io> wrote:\n> q",
		"<div>Yes<div class=gmail_quote>q</div>",
		"Best,\nTom\n-- \nsig",
		"From: a\nSent: b\n",
		"-----Original Message-----",
		"\xff\xfe<b>\x00</b>",
		"> only quote",
		"<blockquote type=cite>x</blockquote>",
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, body []byte, html bool) {
		typ := "text/plain"
		if html {
			typ = "text/html"
		}
		r := Extract([]Part{{Type: typ, Body: body, Params: map[string]string{"format": "flowed"}}})
		if !utf8.ValidString(r.Text) {
			t.Fatalf("invalid UTF-8 %q", r.Text)
		}
		if len(r.Text) > maxText {
			t.Fatalf("text of %d bytes", len(r.Text))
		}
		for _, l := range strings.Split(r.Text, "\n") {
			if isQuoted(l) {
				t.Fatalf("quoted line %q kept in %q", l, r.Text)
			}
		}
	})
}
