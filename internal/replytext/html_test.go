package replytext

import (
	"strings"
	"testing"
)

func TestHTMLText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"gmail", `<div dir="ltr">Yes, <b>Tuesday</b> works.<br><br>Tom</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, Jan 8, 2024 at 10:02 AM Sarah &lt;<a href="mailto:sarah@recruit.io">sarah@recruit.io</a>&gt; wrote:<br></div><blockquote class="gmail_quote">Interested?</blockquote></div>`,
			"Yes, Tuesday works."},
		{"outlook", `<html><head><style>p{margin:0}</style></head><body><div>Please contact <a href="mailto:hr@acme.com">hr@acme.com</a>.</div><div id="appendonsend"></div><hr><div id="divRplyFwdMsg"><b>From:</b> Sarah<br><b>Sent:</b> Monday</div><div>Interested?</div></body></html>`,
			"Please contact hr@acme.com."},
		{"outlook text block", `<p>Not interested.</p><p>&nbsp;</p><div style="border-top:solid #E1E1E1 1.0pt"><p><b>From:</b> Sarah Lee &lt;sarah@recruit.io&gt;<br><b>Sent:</b> Monday, January 8, 2024 10:02 AM<br><b>To:</b> Tom<br><b>Subject:</b> Role</p></div><p>Interested?</p>`,
			"Not interested."},
		{"apple cite", `<html><body dir="auto">Sure<br><br><div dir="ltr">Sent from my iPhone</div><div dir="ltr"><br><blockquote type="cite">On Jan 8, 2024, at 10:02, Sarah &lt;sarah@recruit.io&gt; wrote:<br><br></blockquote></div><blockquote type="cite"><div dir="ltr">Interested?</div></blockquote></body></html>`,
			"Sure"},
		{"thunderbird", `<p>Ja, gerne.</p><div class="moz-cite-prefix">Am 08.01.2024 um 10:02 schrieb Sarah:<br></div><blockquote type="cite">Interesse?</blockquote>`,
			"Ja, gerne."},
		{"gmail signature skipped", `<div>Happy to chat.</div><div><br></div>-- <br><div dir="ltr" class="gmail_signature"><div>Tom Baker</div><div>CTO</div></div>`,
			"Happy to chat."},
		{"script and entities", `<script>alert("x")</script><p>R&amp;D &gt; sales &eacute;t&eacute;</p>`, "R&D > sales été"},
		{"list", `<p>Two questions:</p><ul><li>salary?</li><li>remote?</li></ul>`, "Two questions:\n- salary?\n- remote?"},
		{"plain blockquote quoted", `<p>Answer</p><blockquote><p>question</p></blockquote>`, "Answer"},
		{"unclosed head", `<head><title>x</title><body>Yes please`, "Yes please"},
		{"broken", `<div><p>Yes<span>, sure</p></div`, "Yes, sure"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := NewText(HTMLText([]byte(tc.in)))
			if got != tc.want {
				t.Errorf("NewText(HTMLText(%q)) = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestHTMLText_large feeds 2 MB of HTML (the most Classify reads): the
// text is bounded and the call returns.
func TestHTMLText_large(t *testing.T) {
	var b strings.Builder
	b.WriteString("<div>Yes, let's talk.</div>")
	for b.Len() < 2<<20 {
		b.WriteString(`<div class="x"><span style="color:red">quoted &amp; padded text</span><br></div>`)
	}
	got := HTMLText([]byte(b.String()))
	if len(got) > maxText+256 {
		t.Errorf("HTMLText of 2 MB: %d bytes of text; want at most %d", len(got), maxText)
	}
	if !strings.HasPrefix(got, "Yes, let's talk.") {
		t.Errorf("HTMLText of 2 MB starts %q; want the new text first", got[:min(len(got), 40)])
	}
	// Deeply nested elements: no recursion, no blow-up.
	deep := strings.Repeat("<div>", 80000) + "deep" + strings.Repeat("</div>", 80000)
	if got := strings.TrimSpace(HTMLText([]byte(deep))); got != "deep" {
		t.Errorf("HTMLText(deeply nested) = %q; want %q", got, "deep")
	}
}

func BenchmarkHTMLText_2MB(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("<div>Yes, let's talk.</div>")
	for sb.Len() < 2<<20 {
		sb.WriteString(`<div class="x"><span style="color:red">quoted &amp; padded text</span><br></div>`)
	}
	in := []byte(sb.String())
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		HTMLText(in)
	}
}
