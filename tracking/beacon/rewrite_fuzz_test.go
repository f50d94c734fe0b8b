package beacon_test

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking/beacon"
)

var pixelTagRE = regexp.MustCompile(`<img src="https://t\.example\.com/t/o/[A-Za-z0-9_-]+" width="1" height="1" alt="" style="[^"]*">`)

// FuzzRewrite instruments arbitrary HTML. It must never panic, must add
// exactly one pixel, and every rewritten link must redirect through the
// handler to an absolute http(s) URL: never an open redirect.
func FuzzRewrite(f *testing.F) {
	for _, s := range []string{
		"", "<html><body><a href=\"https://example.org/\">x</a></body></html>",
		"<a href='HTTP://example.org/a b?c=\xff'>", "<p><a href=\"https://example.org/c",
		"<!--[if mso]><a href=\"https://x.example/\"><![endif]--><area href=https://example.org/>",
		"<a href=\"https://example.org/\" href=\"javascript:x\" clicktracking=off>",
		"<script><a href=\"https://example.org/\"></script></body></html></body>",
		"<a href=\"" + beacon.UnsubscribePlaceholder + "\">u</a>",
	} {
		f.Add(s)
	}
	r := newTrackRig(f, nil)
	f.Fuzz(func(t *testing.T, body string) {
		m := &provider.Message{To: []provider.Address{{Email: "ann@example.org"}}, HTML: body, MessageID: "m1@example.com"}
		if err := beacon.Track(m, beacon.All("c")); err != nil {
			t.Fatal(err)
		}
		out, err := r.p.Instrument(m)
		if err != nil {
			t.Fatal(err)
		}
		if body == "" {
			if out.HTML != "" {
				t.Fatalf("empty HTML became %q", out.HTML)
			}
			return
		}
		if n := strings.Count(out.HTML, trackBase+"/o/"); n != strings.Count(body, trackBase+"/o/")+1 {
			t.Fatalf("%d pixels in %q", n, out.HTML)
		}
		clicks := clickRE.FindAllStringSubmatch(out.HTML, -1)
		if len(clicks) == 0 && !strings.Contains(body, beacon.UnsubscribePlaceholder) && !strings.Contains(body, trackBase) {
			// Nothing rewritten: the output is the input plus the pixel, byte for byte.
			px := pixelTagRE.FindString(out.HTML)
			if px == "" || strings.Replace(out.HTML, px, "", 1) != body {
				t.Fatalf("input not preserved:\n in %q\nout %q", body, out.HTML)
			}
		}
		for _, mm := range clicks {
			w := r.do("GET", html.UnescapeString(mm[1]), humanUA, "")
			if w.Code == 400 && !strings.Contains(body, mm[1]) {
				t.Fatalf("a link the rewriter made is refused: %q", mm[1])
			}
			if w.Code != 302 {
				continue
			}
			u, err := url.Parse(w.Header().Get("Location"))
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				t.Fatalf("redirect to %q", w.Header().Get("Location"))
			}
		}
	})
}
