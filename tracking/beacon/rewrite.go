package beacon

import (
	"net/url"
	"strings"

	xhtml "golang.org/x/net/html"
)

// UnsubscribePlaceholder, as the href of a link in the HTML part (or
// anywhere in the text part) of a message tracked with Plan.Unsubscribe,
// is replaced by the unsubscribe confirmation URL. Such a link is never
// click-tracked.
const UnsubscribePlaceholder = "{{inboxkit_unsubscribe}}"

// rewriter holds what one message's HTML rewrite needs.
type rewriter struct {
	pixel       string                             // the <img> to insert; "" for none
	link        func(target string) (string, bool) // the click URL for target; nil: no click tracking
	unsubscribe string                             // URL replacing UnsubscribePlaceholder; "" for none
	skip        string                             // links starting with this (our own endpoints) stay
	maxLinks    int
	links       int
	seen        map[string]string
	attrs       [][2][]byte // scratch for linkTag
}

// rewrite returns src with links rewritten and the pixel inserted before
// </body> (else before </html>, else at the end). Every byte it does not
// rewrite is copied unchanged, so broken markup stays as broken as it was
// and non-UTF-8 text is preserved.
func (rw *rewriter) rewrite(src string) string {
	if !strings.Contains(src, UnsubscribePlaceholder) {
		rw.unsubscribe = ""
	}
	z := xhtml.NewTokenizer(strings.NewReader(src))
	out := make([]byte, 0, len(src)+len(src)/4+len(rw.pixel)+64)
	pixelDone := rw.pixel == ""
	consumed := 0 // raw tokens partition the input up to the final ErrorToken
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken { // io.EOF: the only error a strings.Reader gives
			break
		}
		raw := z.Raw()
		consumed += len(raw)
		switch tt {
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			if name := tagName(raw); name == "a" || name == "area" {
				if rw.link != nil || rw.unsubscribe != "" {
					var ok bool
					if out, ok = rw.linkTag(out, z, name, tt == xhtml.SelfClosingTagToken); ok {
						continue
					}
				}
			}
		case xhtml.EndTagToken:
			if name := tagName(raw); !pixelDone && (name == "body" || name == "html") {
				out = append(out, rw.pixel...)
				pixelDone = true
			}
		}
		out = append(out, raw...)
	}
	// An unterminated last tag or comment is not a token: keep its bytes.
	out = append(out, src[min(consumed, len(src)):]...)
	if !pixelDone {
		out = append(out, rw.pixel...)
	}
	return string(out)
}

// tagName returns the lower-cased name of the tag whose raw text is raw,
// for the few names the rewriter cares about ("" for anything else).
func tagName(raw []byte) string {
	i := 1
	if i < len(raw) && raw[i] == '/' {
		i++
	}
	j := i
	for j < len(raw) && (raw[j]|0x20 >= 'a' && raw[j]|0x20 <= 'z') {
		j++
	}
	if j < len(raw) && raw[j] >= '0' && raw[j] <= '9' {
		return ""
	}
	switch n := raw[i:j]; {
	case len(n) == 1 && n[0]|0x20 == 'a':
		return "a"
	case equalFoldASCII(string(n), "area"):
		return "area"
	case equalFoldASCII(string(n), "body"):
		return "body"
	case equalFoldASCII(string(n), "html"):
		return "html"
	}
	return ""
}

// linkTag appends an <a> or <area> start tag with its href replaced to
// out, or reports false (out unchanged) to keep the tag as it was.
func (rw *rewriter) linkTag(out []byte, z *xhtml.Tokenizer, name string, selfClosing bool) ([]byte, bool) {
	// TagAttr returns fresh copies, so they can be kept until the rebuild.
	attrs := rw.attrs[:0]
	href := -1
	for more := true; more; {
		var k, v []byte
		k, v, more = z.TagAttr()
		if k == nil {
			break
		}
		switch {
		case string(k) == "href" && href < 0:
			href = len(attrs)
		case string(k) == "data-inboxkit-notrack", string(k) == "clicktracking" && equalFoldASCII(string(v), "off"):
			return out, false
		}
		attrs = append(attrs, [2][]byte{k, v})
	}
	rw.attrs = attrs
	if href < 0 {
		return out, false
	}
	u := strings.Trim(string(attrs[href][1]), " \t\n\f\r")
	var repl string
	switch {
	case u == UnsubscribePlaceholder && rw.unsubscribe != "":
		repl = rw.unsubscribe
	case rw.link != nil && rw.links < rw.maxLinks && trackable(u, rw.skip):
		target := escapeURLBytes(u)
		click, ok := rw.seen[target]
		if !ok {
			if click, ok = rw.link(target); !ok {
				return out, false
			}
			rw.seen[target] = click
		}
		rw.links++
		repl = click
	default:
		return out, false
	}
	out = append(out, '<')
	out = append(out, name...)
	for i, a := range attrs {
		out = append(out, ' ')
		out = append(out, a[0]...)
		out = append(out, '=', '"')
		if i == href {
			out = appendEscaped(out, repl)
		} else {
			out = appendEscaped(out, string(a[1]))
		}
		out = append(out, '"')
	}
	if selfClosing {
		out = append(out, ' ', '/')
	}
	return append(out, '>'), true
}

// appendEscaped appends s escaped for a double-quoted attribute value
// (the characters html.EscapeString escapes).
func appendEscaped(out []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			out = append(out, "&amp;"...)
		case '<':
			out = append(out, "&lt;"...)
		case '>':
			out = append(out, "&gt;"...)
		case '"':
			out = append(out, "&#34;"...)
		case '\'':
			out = append(out, "&#39;"...)
		default:
			out = append(out, c)
		}
	}
	return out
}

// trackable reports whether u is an absolute http(s) link that may be
// rewritten: not an unsubscribe link, not one of our own URLs.
func trackable(u, skip string) bool {
	lower := len(u) >= 8 && equalFoldASCII(u[:7], "http://") || len(u) >= 9 && equalFoldASCII(u[:8], "https://")
	if !lower || len(u) > MaxTargetLen || containsFold(u, "unsubscribe") {
		return false
	}
	if skip != "" && strings.HasPrefix(u, skip) {
		return false
	}
	for i := 0; i < len(u); i++ {
		if u[i] < 0x20 || u[i] == 0x7f {
			return false
		}
	}
	p, err := url.Parse(escapeURLBytes(u))
	return err == nil && p.Host != "" && (p.Scheme == "http" || p.Scheme == "https") // Parse lower-cases Scheme
}

// escapeURLBytes percent-encodes spaces and bytes outside ASCII (as a
// browser does for a UTF-8 page), so a signed target is plain ASCII and
// safe in a Location header.
func escapeURLBytes(u string) string {
	n := 0
	for i := 0; i < len(u); i++ {
		if u[i] >= 0x80 || u[i] == ' ' {
			n++
		}
	}
	if n == 0 {
		return u
	}
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, len(u)+2*n)
	for i := 0; i < len(u); i++ {
		if c := u[i]; c >= 0x80 || c == ' ' {
			b = append(b, '%', hex[c>>4], hex[c&15])
		} else {
			b = append(b, c)
		}
	}
	return string(b)
}
