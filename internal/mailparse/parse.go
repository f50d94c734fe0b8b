package mailparse

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/quotedprintable"
	"strings"

	"github.com/emersion/go-message/textproto"
)

// Part is one leaf of a parsed message, its body transfer-decoded and
// (for text/*) converted to UTF-8.
type Part struct {
	Type   string // lower-cased media type, "text/plain" when absent
	Params map[string]string
	Header textproto.Header
	Body   []byte
}

// Message is the bounded view of a message that the classifier and the
// report readers work on. It is read-only once Parse returns.
type Message struct {
	Header textproto.Header
	Parts  []Part // leaves in document order, outside returned originals
	// Originals are the headers of returned messages (message/rfc822,
	// message/global, text/rfc822-headers parts).
	Originals []textproto.Header
	// RawBody is the top-level body as read (bounded), for scanners that
	// look for text an MTA pasted without MIME structure.
	RawBody []byte
}

// walker parses under the limits of one Parse call.
type walker struct {
	cfg   *Config
	msg   *Message
	parts int
}

// Parse reads raw (already cut to the caller's maximum) into a Message
// under cfg's limits. It never fails on malformed structure: what cannot
// be parsed as MIME is kept as text.
func Parse(raw []byte, cfg *Config) *Message {
	h, body := splitHeader(raw)
	msg := &Message{Header: h, RawBody: body}
	w := &walker{cfg: cfg, msg: msg}
	w.walk(h, body, 0)
	return msg
}

// splitHeader parses the header block at the start of raw leniently and
// returns it with the body that follows the blank line.
func splitHeader(raw []byte) (textproto.Header, []byte) {
	end, next := headerEnd(raw)
	return parseHeaderBlock(raw[:end]), raw[next:]
}

// headerEnd finds the blank line that ends a header block: the block is
// raw[:end] and the body starts at raw[next:]. Without a blank line the
// whole input is header.
func headerEnd(raw []byte) (end, next int) {
	if len(raw) > 0 && (raw[0] == '\n' || (raw[0] == '\r' && len(raw) > 1 && raw[1] == '\n')) {
		if raw[0] == '\n' {
			return 0, 1
		}
		return 0, 2
	}
	for i := 0; i < len(raw); {
		j := bytes.IndexByte(raw[i:], '\n')
		if j < 0 {
			return len(raw), len(raw)
		}
		i += j + 1
		if i < len(raw) && raw[i] == '\n' {
			return i, i + 1
		}
		if i+1 < len(raw) && raw[i] == '\r' && raw[i+1] == '\n' {
			return i, i + 2
		}
	}
	return len(raw), len(raw)
}

// parseHeaderBlock parses "Key: value" lines with continuation lines,
// skipping anything that is not a header field (8-bit bytes are kept as
// they are).
func parseHeaderBlock(b []byte) textproto.Header {
	var h textproto.Header
	var key string
	var val strings.Builder
	flush := func() {
		if key != "" {
			h.Add(key, strings.TrimSpace(val.String()))
		}
		key = ""
		val.Reset()
	}
	for len(b) > 0 {
		var line []byte
		line, b, _ = bytes.Cut(b, []byte{'\n'})
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			if key != "" && val.Len() < MaxHeaderValue {
				val.WriteByte(' ')
				val.Write(bytes.TrimSpace(line))
			}
			continue
		}
		flush()
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || !ValidFieldName(line[:colon]) {
			continue
		}
		if h.Len() >= maxHeaderFields {
			break
		}
		key = string(line[:colon])
		v := line[colon+1:]
		if len(v) > MaxHeaderValue {
			v = v[:MaxHeaderValue]
		}
		val.Write(v)
	}
	flush()
	return h
}

// ValidFieldName reports whether b can be a header field name (RFC 5322
// §2.2: printable ASCII without spaces).
func ValidFieldName(b []byte) bool {
	for _, c := range b {
		if c <= ' ' || c >= 127 {
			return false
		}
	}
	return true
}

// mediaType returns the lower-cased media type and parameters of a
// Content-Type value, falling back to a lenient split when the value is
// malformed.
func mediaType(v string) (string, map[string]string) {
	if v == "" {
		return "text/plain", nil
	}
	t, params, err := mime.ParseMediaType(v)
	if err == nil {
		return t, params
	}
	t, rest, _ := strings.Cut(v, ";")
	t = strings.ToLower(strings.TrimSpace(t))
	if i := strings.IndexAny(t, " \t"); i > 0 {
		// "text/plain charset=x" without the semicolon.
		rest = t[i:] + ";" + rest
		t = t[:i]
	}
	params = map[string]string{}
	for _, kv := range strings.Split(rest, ";") {
		k, val, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		params[strings.ToLower(strings.TrimSpace(k))] = strings.Trim(strings.TrimSpace(val), `"`)
	}
	if !strings.Contains(t, "/") {
		t = "text/plain"
	}
	return t, params
}

func (w *walker) walk(h textproto.Header, body []byte, depth int) {
	if w.parts >= w.cfg.MaxParts {
		return
	}
	ctype, params := mediaType(h.Get("Content-Type"))
	switch {
	case strings.HasPrefix(ctype, "multipart/") && params["boundary"] != "" && depth < w.cfg.MaxDepth:
		if w.walkMultipart(params["boundary"], body, depth) {
			return
		}
		// No part could be read (missing or wrong boundary): keep the
		// body as text so its words still count.
		ctype = "text/plain"
	case ctype == "message/rfc822" || ctype == "message/global" || ctype == "text/rfc822-headers" ||
		ctype == "message/rfc822-headers" || ctype == "message/global-headers":
		inner := w.decode(h, body)
		oh, _ := splitHeader(inner)
		w.msg.Originals = append(w.msg.Originals, oh)
		w.parts++
		w.msg.Parts = append(w.msg.Parts, Part{Type: ctype, Params: params, Header: h, Body: inner})
		return
	}
	if strings.HasPrefix(ctype, "multipart/") {
		// Beyond the depth limit, or without a boundary: keep the
		// body's words as text.
		ctype = "text/plain"
	}
	w.parts++
	b := w.decode(h, body)
	if strings.HasPrefix(ctype, "text/") || ctype == "message/delivery-status" || ctype == "message/global-delivery-status" {
		b = w.toUTF8(params["charset"], b)
	}
	w.msg.Parts = append(w.msg.Parts, Part{Type: ctype, Params: params, Header: h, Body: b})
}

// walkMultipart reads the parts of a multipart body and reports whether
// it found any.
func (w *walker) walkMultipart(boundary string, body []byte, depth int) bool {
	mr := textproto.NewMultipartReader(bytes.NewReader(body), boundary)
	found := false
	for w.parts < w.cfg.MaxParts {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		found = true
		pb, err := io.ReadAll(io.LimitReader(p, int64(w.cfg.MaxPartBytes)))
		w.walk(p.Header, pb, depth+1)
		if err != nil {
			break // truncated: keep what was read
		}
	}
	return found
}

// decode undoes the Content-Transfer-Encoding leniently: bad base64 or
// quoted-printable yields what could be decoded before the damage.
func (w *walker) decode(h textproto.Header, body []byte) []byte {
	if len(body) > w.cfg.MaxPartBytes {
		body = body[:w.cfg.MaxPartBytes]
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))) {
	case "base64":
		clean := make([]byte, 0, len(body))
		for _, c := range body {
			if c == '+' || c == '/' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') {
				clean = append(clean, c)
			}
		}
		clean = clean[:len(clean)/4*4+min(len(clean)%4, 3)]
		if len(clean)%4 == 1 {
			clean = clean[:len(clean)-1]
		}
		out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
		n, _ := base64.RawStdEncoding.Decode(out, clean)
		return out[:n]
	case "quoted-printable":
		out, _ := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body)))
		return out
	}
	return body
}
