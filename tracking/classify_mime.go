package tracking

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/quotedprintable"
	"strings"

	"github.com/emersion/go-message/textproto"
)

// mimePart is one leaf of a parsed message, its body transfer-decoded and
// (for text/*) converted to UTF-8.
type mimePart struct {
	ctype  string // lower-cased media type, "text/plain" when absent
	params map[string]string
	header textproto.Header
	body   []byte
}

// parsedMessage is the bounded view of a message that the classifier
// works on.
type parsedMessage struct {
	header textproto.Header
	parts  []mimePart // leaves in document order, outside returned originals
	// originals are the headers of returned messages (message/rfc822,
	// message/global, text/rfc822-headers parts).
	originals []textproto.Header
	// rawBody is the top-level body as read (bounded), for scanners that
	// look for text an MTA pasted without MIME structure.
	rawBody []byte
	// human caches humanText; humanDone says it is set.
	human     string
	humanDone bool
}

// walker parses under the limits of one Classify call.
type walker struct {
	cfg   *config
	msg   *parsedMessage
	parts int
}

// parseMessage reads raw (already cut to the configured maximum) into a
// parsedMessage. It never fails on malformed structure: what cannot be
// parsed as MIME is kept as text.
func parseMessage(raw []byte, cfg *config) *parsedMessage {
	h, body := splitHeader(raw)
	msg := &parsedMessage{header: h, rawBody: body}
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
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			if key != "" && val.Len() < maxHeaderValue {
				val.WriteByte(' ')
				val.Write(bytes.TrimSpace(line))
			}
			continue
		}
		flush()
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || !validFieldName(line[:colon]) {
			continue
		}
		if h.Len() >= maxHeaderFields {
			break
		}
		key = string(line[:colon])
		v := line[colon+1:]
		if len(v) > maxHeaderValue {
			v = v[:maxHeaderValue]
		}
		val.Write(v)
	}
	flush()
	return h
}

func validFieldName(b []byte) bool {
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
	if w.parts >= w.cfg.maxParts {
		return
	}
	ctype, params := mediaType(h.Get("Content-Type"))
	switch {
	case strings.HasPrefix(ctype, "multipart/") && params["boundary"] != "" && depth < w.cfg.maxDepth:
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
		w.msg.originals = append(w.msg.originals, oh)
		w.parts++
		w.msg.parts = append(w.msg.parts, mimePart{ctype: ctype, params: params, header: h, body: inner})
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
	w.msg.parts = append(w.msg.parts, mimePart{ctype: ctype, params: params, header: h, body: b})
}

// walkMultipart reads the parts of a multipart body and reports whether
// it found any.
func (w *walker) walkMultipart(boundary string, body []byte, depth int) bool {
	mr := textproto.NewMultipartReader(bytes.NewReader(body), boundary)
	found := false
	for w.parts < w.cfg.maxParts {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		found = true
		pb, err := io.ReadAll(io.LimitReader(p, int64(w.cfg.maxPartBytes)))
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
	if len(body) > w.cfg.maxPartBytes {
		body = body[:w.cfg.maxPartBytes]
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
