package beacon_test

import (
	"html"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking/beacon"
)

// instrumentHTML runs body through the decorator with every kind of
// tracking on and returns the HTML the provider would get.
func instrumentHTML(t *testing.T, r *trackRig, body string) string {
	t.Helper()
	m := &provider.Message{To: []provider.Address{{Email: "ann@example.org"}}, HTML: body, MessageID: "m1@example.com"}
	if err := beacon.Track(m, beacon.All("c")); err != nil {
		t.Fatal(err)
	}
	out, err := r.p.Instrument(m)
	if err != nil {
		t.Fatal(err)
	}
	return out.HTML
}

// stripTracking undoes the rewrite: the pixel is removed and every click
// link is replaced by the target the handler redirects it to (escaped as
// the rewriter escapes attribute values), so what remains can be compared
// with the input.
func stripTracking(t *testing.T, r *trackRig, got string) (rest string, targets []string) {
	t.Helper()
	got = pixelRE.ReplaceAllStringFunc(got, func(string) string { return "<img src=\"PIXEL\"" })
	got = strings.Replace(got, `<img src="PIXEL" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0;margin:0;padding:0">`, "", 1)
	rest = clickRE.ReplaceAllStringFunc(got, func(s string) string {
		link := html.UnescapeString(clickRE.FindStringSubmatch(s)[1])
		target := clickTargetOf(t, r, link)
		targets = append(targets, target)
		return `href="` + html.EscapeString(target) + `"`
	})
	return rest, targets
}

func TestRewrite_cases(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      string
		targets []string // where the rewritten links redirect, in order
		pixelAt string   // the pixel sits right before this, "" = at the end
		keep    []string // substrings that must survive unchanged
	}{
		{
			name:    "no body",
			in:      `<p>Hi <a href="https://example.org/x">x</a></p>`,
			targets: []string{"https://example.org/x"},
		},
		{
			name:    "html without body end",
			in:      `<html><p><a href=https://example.org/y>y</a></html>`,
			targets: []string{"https://example.org/y"},
			pixelAt: "</html>",
		},
		{
			name:    "upper case and odd quoting",
			in:      `<BODY><A HREF='https://Example.org/Z?q=1&amp;r=2' TARGET=_blank>z</A></BODY>`,
			targets: []string{"https://Example.org/Z?q=1&r=2"},
			pixelAt: "</BODY>",
		},
		{
			name:    "white space around the URL",
			in:      "<a href=\"\n  https://example.org/ws \t\">ws</a>",
			targets: []string{"https://example.org/ws"},
		},
		{
			name:    "area, repeated link, HTTP scheme",
			in:      `<map><area href="https://example.org/m" shape=rect></map><a href="https://example.org/m">again</a><a href="HTTP://example.org/up">up</a>`,
			targets: []string{"https://example.org/m", "https://example.org/m", "HTTP://example.org/up"},
		},
		{
			name: "links in odd attributes stay",
			in: `<img src="https://example.org/i.png"><link href="https://example.org/s.css">` +
				`<form action="https://example.org/f"></form><a data-href="https://example.org/d">d</a>` +
				`<svg><a xlink:href="https://example.org/x">x</a></svg><base href="https://example.org/">` +
				`<div style="background:url(https://example.org/bg.png)"></div>`,
			keep: []string{`src="https://example.org/i.png"`, `<link href="https://example.org/s.css">`, `action="https://example.org/f"`,
				`data-href="https://example.org/d"`, `xlink:href="https://example.org/x"`, `<base href="https://example.org/">`, `url(https://example.org/bg.png)`},
		},
		{
			name: "links that must not be tracked",
			in: `<a href="mailto:a@example.org">m</a><a href="tel:1">t</a><a href="#s">s</a><a href="/rel">r</a>` +
				`<a href="javascript:alert(1)">j</a><a href="https://example.org/Unsubscribe">u</a>` +
				`<a clicktracking="off" href="https://example.org/off">o</a><a data-inboxkit-notrack href="https://example.org/n">n</a>` +
				`<a href="https://">empty host</a><a href="https://t.example.com/t/u/abc">ours</a><a>no href</a>`,
			keep: []string{`href="mailto:a@example.org"`, `href="tel:1"`, `href="#s"`, `href="/rel"`, `href="javascript:alert(1)"`,
				`href="https://example.org/Unsubscribe"`, `href="https://example.org/off"`, `href="https://example.org/n"`, `href="https://"`,
				`href="https://t.example.com/t/u/abc"`, `<a>no href</a>`},
		},
		{
			name: "conditional comment and script stay",
			in: `<!--[if mso]><v:roundrect href="https://example.org/vml"></v:roundrect><![endif]-->` +
				`<script>var a = '<a href="https://example.org/js">';</script><body><a href="https://example.org/ok">ok</a></body>`,
			targets: []string{"https://example.org/ok"},
			pixelAt: "</body>",
			keep:    []string{`<v:roundrect href="https://example.org/vml">`, `'<a href="https://example.org/js">'`},
		},
		{
			name:    "broken markup",
			in:      `<p><b>unclosed <a href="https://example.org/b">b<td></table></div><a href="https://example.org/c`,
			targets: []string{"https://example.org/b"},
			keep:    []string{`<a href="https://example.org/c`},
		},
		{
			// x/net/html drops a repeated attribute, as browsers ignore it
			name:    "duplicate href: the first one counts",
			in:      `<a href="https://example.org/1" href="https://example.org/2">d</a>`,
			targets: []string{"https://example.org/1"},
		},
		{
			name:    "non-UTF-8 bytes",
			in:      "<body>caf\xe9 <a href=\"https://example.org/caf\xe9 x\">\xff\xfe</a></body>",
			targets: []string{"https://example.org/caf%E9%20x"},
			pixelAt: "</body>",
			keep:    []string{"caf\xe9 ", ">\xff\xfe</a>"},
		},
		{
			name: "tags that only start like body or a",
			in:   "000<BodYA><bodyx></bodyx></abbr><a1 href=\"https://example.org/\"></htmlx>",
			keep: []string{"000<BodYA><bodyx></bodyx></abbr><a1 href=\"https://example.org/\"></htmlx>"},
		},
		{
			name: "nothing but text",
			in:   "just text, no markup & no links",
			keep: []string{"just text, no markup & no links"},
		},
		{
			name:    "empty tags and NUL",
			in:      "<a href=\"https://example.org/\x00\">\x00</a><>< / ></",
			targets: []string{"https://example.org/%EF%BF%BD"}, // the tokenizer reads NUL in a value as U+FFFD
			keep:    []string{"\x00</a><>< / ></"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newTrackRig(t, nil)
			got := instrumentHTML(t, r, tc.in)
			if strings.Count(got, `/t/o/`) != 1 {
				t.Fatalf("want exactly one pixel:\n%q", got)
			}
			px := pixelRE.FindStringIndex(got)
			if tc.pixelAt == "" {
				if !strings.HasSuffix(got, `padding:0">`) {
					t.Errorf("pixel not at the end:\n%q", got)
				}
			} else if !strings.HasPrefix(got[px[0]:][strings.Index(got[px[0]:], ">")+1:], tc.pixelAt) {
				t.Errorf("pixel not right before %s:\n%q", tc.pixelAt, got)
			}
			rest, targets := stripTracking(t, r, got)
			if strings.Join(targets, " ") != strings.Join(tc.targets, " ") {
				t.Errorf("links redirect to %q; want %q", targets, tc.targets)
			}
			for _, k := range tc.keep {
				if !strings.Contains(rest, k) {
					t.Errorf("lost %q:\n%q", k, rest)
				}
			}
		})
	}
}

func TestRewrite_limits(t *testing.T) {
	t.Run("huge HTML is sent untouched", func(t *testing.T) {
		r := newTrackRig(t, &beacon.Options{MaxHTML: 1 << 20})
		huge := "<body>" + strings.Repeat(`<p><a href="https://example.org/">x</a></p>`, (1<<20)/40) + "</body>"
		if got := instrumentHTML(t, r, huge); got != huge {
			t.Errorf("HTML over MaxHTML was rewritten (len %d → %d)", len(huge), len(got))
		}
	})
	t.Run("max links", func(t *testing.T) {
		r := newTrackRig(t, &beacon.Options{MaxLinks: 3})
		var b strings.Builder
		for i := range 5 {
			b.WriteString(`<a href="https://example.org/` + string(rune('a'+i)) + `">l</a>`)
		}
		got := instrumentHTML(t, r, b.String())
		if n := len(clickRE.FindAllString(got, -1)); n != 3 {
			t.Errorf("%d links rewritten; want 3", n)
		}
		if !strings.Contains(got, `href="https://example.org/e"`) {
			t.Error("links past MaxLinks were changed")
		}
	})
	t.Run("a link too long to sign stays", func(t *testing.T) {
		r := newTrackRig(t, nil)
		long := "https://example.org/" + strings.Repeat("a", beacon.MaxTargetLen)
		if got := instrumentHTML(t, r, `<a href="`+long+`">l</a>`); !strings.Contains(got, `href="`+long+`"`) {
			t.Error("an over-long link was rewritten")
		}
	})
	t.Run("large HTML under the limit", func(t *testing.T) {
		r := newTrackRig(t, nil)
		big := "<body>" + strings.Repeat("<p>caf\xc3\xa9 text</p>", 200_000) + `<a href="https://example.org/end">e</a></body>`
		got := instrumentHTML(t, r, big)
		if !utf8.ValidString(got) || len(clickRE.FindAllString(got, -1)) != 1 || !pixelRE.MatchString(got) {
			t.Error("a large message was not instrumented")
		}
	})
}
