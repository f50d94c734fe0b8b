package replytext

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// HTMLText turns an HTML body into plain text: block elements become
// line breaks, list items get "- ", scripts, styles and the head are
// dropped, text inside <blockquote> is prefixed with "> ", and the text
// ends where a mail client's quote container starts (Gmail's
// gmail_quote, Outlook's divRplyFwdMsg and appendonsend, Thunderbird's
// moz-cite-prefix, Yahoo's yahoo_quoted, Apple Mail's
// blockquote type="cite"). Signature containers (gmail_signature, Apple
// Mail's AppleMailSignature, Outlook's Signature) are skipped. At most
// 1 MiB of HTML is read and 32 KiB of text written.
func HTMLText(b []byte) string {
	if len(b) > maxInputHTML {
		b = b[:maxInputHTML]
	}
	z := html.NewTokenizer(bytes.NewReader(b))
	z.SetMaxBuf(maxInputHTML)
	var w textWriter
	var skipAtom atom.Atom // element whose content is being dropped
	skipName := ""
	skip := 0 // nesting of skipAtom inside the dropped element
	quote, pre := 0, 0
	for w.b.Len() < maxText {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return w.String()
		case html.TextToken:
			if skip == 0 {
				w.text(string(z.Text()), quote, pre > 0)
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			selfClosing := tt == html.SelfClosingTagToken || voidElement(a)
			if skip > 0 {
				if a == atom.Body && skipAtom == atom.Head {
					skip = 0 // a head never closed
				} else {
					if !selfClosing && a == skipAtom && string(name) == skipName {
						skip++
					}
					continue
				}
			}
			var attrs tagAttrs
			if hasAttr {
				attrs = readAttrs(z)
			}
			if endsText(a, attrs) {
				return w.String()
			}
			if a == atom.Script || a == atom.Style || a == atom.Head || a == atom.Title || a == atom.Template ||
				a == atom.Noscript || isSignature(attrs) {
				if !selfClosing {
					skip, skipAtom, skipName = 1, a, string(name)
				}
				continue
			}
			switch a {
			case atom.Br:
				w.lineBreak()
			case atom.Blockquote:
				w.newline()
				quote++
			case atom.Pre:
				pre++
				w.newline()
			case atom.Li:
				w.newline()
				w.text("- ", quote, true)
			case atom.Img:
				if alt := strings.TrimSpace(attrs.alt); alt != "" && len(alt) < 100 {
					w.text(alt, quote, false)
				}
			case atom.Td, atom.Th:
				w.space = true
			default:
				if isBlock(a) {
					w.newline()
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skip > 0 {
				if a == skipAtom && string(name) == skipName {
					skip--
				}
				continue
			}
			switch {
			case a == atom.Blockquote && quote > 0:
				quote--
				w.newline()
			case a == atom.Pre && pre > 0:
				pre--
				w.newline()
			case isBlock(a):
				w.newline()
			}
		}
	}
	return w.String()
}

// tagAttrs are the attributes HTMLText looks at.
type tagAttrs struct{ id, class, typ, alt string }

// readAttrs reads the attributes HTMLText needs, converting only their
// values to strings.
func readAttrs(z *html.Tokenizer) tagAttrs {
	var a tagAttrs
	for n := 0; n < 64; n++ {
		k, v, more := z.TagAttr()
		if len(v) < 512 {
			switch string(k) {
			case "id":
				a.id = string(v)
			case "class":
				a.class = string(v)
			case "type":
				a.typ = string(v)
			case "alt":
				a.alt = string(v)
			}
		}
		if !more {
			break
		}
	}
	return a
}

// quoteClasses and quoteIDs mark the containers mail clients put the
// quoted message in.
var (
	quoteClasses = [...]string{"gmail_quote", "yahoo_quoted", "moz-cite-prefix", "protonmail_quote", "zmail_extra",
		"gmail_extra", "ms-outlook-mobile-reference-message", "outlook_quote", "x_gmail_quote", "mailbox_quoted_message"}
	quoteIDs = [...]string{"divrplyfwdmsg", "appendonsend", "olk_src_body_section", "x_divrplyfwdmsg",
		"mail-editor-reference-message-container", "ydpquoted", "reply-intro", "isforwardcontent"}
	signatureMarks = [...]string{"gmail_signature", "applemailsignature", "signature", "ms-outlook-mobile-signature",
		"x_signature", "moz-signature"}
)

// endsText reports whether an element starts the quoted history.
func endsText(a atom.Atom, attrs tagAttrs) bool {
	if a == atom.Blockquote && strings.EqualFold(attrs.typ, "cite") {
		return true
	}
	id := strings.ToLower(attrs.id)
	for _, q := range quoteIDs {
		if id == q || strings.HasPrefix(id, q) {
			return true
		}
	}
	if cls := strings.ToLower(attrs.class); cls != "" {
		for _, c := range strings.Fields(cls) {
			for _, q := range quoteClasses {
				if c == q {
					return true
				}
			}
		}
	}
	return false
}

// isSignature reports whether an element is a client's signature block.
func isSignature(attrs tagAttrs) bool {
	if attrs.id == "" && attrs.class == "" {
		return false
	}
	id := strings.ToLower(attrs.id)
	cls := strings.Fields(strings.ToLower(attrs.class))
	for _, s := range signatureMarks {
		if id == s {
			return true
		}
		for _, c := range cls {
			if c == s {
				return true
			}
		}
	}
	return false
}

func voidElement(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img, atom.Input, atom.Link, atom.Meta,
		atom.Source, atom.Track, atom.Wbr:
		return true
	}
	return false
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Tr, atom.Table, atom.Ul, atom.Ol, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5,
		atom.H6, atom.Hr, atom.Section, atom.Article, atom.Header, atom.Footer, atom.Address, atom.Center, atom.Dl,
		atom.Dt, atom.Dd, atom.Form, atom.Fieldset, atom.Body, atom.Html, atom.Main, atom.Aside, atom.Nav, atom.Figure,
		atom.Figcaption, atom.Tbody, atom.Thead, atom.Tfoot, atom.Caption:
		return true
	}
	return false
}

// textWriter collects text, collapsing whitespace outside <pre> and
// prefixing the lines of blockquotes with "> ".
type textWriter struct {
	b       strings.Builder
	atStart bool // at the start of a line
	space   bool // a space is pending
}

func (w *textWriter) newline() {
	if w.b.Len() > 0 && !w.atStart {
		w.b.WriteByte('\n')
	}
	w.atStart, w.space = w.b.Len() > 0, false
}

// lineBreak ends the line even when it is empty: two <br> make a
// blank line.
func (w *textWriter) lineBreak() {
	if w.b.Len() > 0 {
		w.b.WriteByte('\n')
		w.atStart, w.space = true, false
	}
}

func (w *textWriter) lineStart(quote int) {
	if w.atStart || w.b.Len() == 0 {
		for i := 0; i < quote; i++ {
			w.b.WriteString("> ")
		}
		w.atStart, w.space = false, false
	}
}

func (w *textWriter) text(s string, quote int, pre bool) {
	if pre {
		for i, l := range strings.Split(s, "\n") {
			if i > 0 {
				w.b.WriteByte('\n')
				w.atStart = true
			}
			if l != "" {
				w.lineStart(quote)
				w.b.WriteString(l)
			}
		}
		return
	}
	if s == "" {
		return
	}
	leading := isHTMLSpace(rune(s[0]))
	fields := strings.FieldsFunc(s, isHTMLSpace)
	for i, f := range fields {
		if w.atStart || w.b.Len() == 0 {
			w.lineStart(quote)
		} else if i > 0 || leading || w.space {
			w.b.WriteByte(' ')
		}
		w.b.WriteString(f)
		w.space = false
	}
	if isHTMLSpace(rune(s[len(s)-1])) {
		w.space = true
	}
}

func isHTMLSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\u00a0'
}

func (w *textWriter) String() string { return w.b.String() }
