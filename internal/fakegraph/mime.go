package fakegraph

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"

	gomessage "github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"
)

// readHeader parses the header block of raw.
func readHeader(raw []byte) (textproto.Header, error) {
	return textproto.ReadHeader(bufio.NewReader(bytes.NewReader(raw)))
}

// splitMessage returns the header block and the body of raw.
func splitMessage(raw []byte) (textproto.Header, []byte, error) {
	br := bufio.NewReader(bytes.NewReader(raw))
	h, err := textproto.ReadHeader(br)
	if err != nil {
		return h, nil, err
	}
	body, err := io.ReadAll(br)
	return h, body, err
}

// joinMessage writes h and body back into one message.
func joinMessage(h textproto.Header, body []byte) []byte {
	var b bytes.Buffer
	_ = textproto.WriteHeader(&b, h)
	b.Write(body)
	return b.Bytes()
}

func trimID(id string) string {
	id = strings.TrimSpace(id)
	return strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
}

// msgIDs returns the ids in an In-Reply-To or References value, without
// angle brackets.
func msgIDs(v string) []string {
	var out []string
	for _, f := range strings.Fields(strings.ReplaceAll(v, "><", "> <")) {
		if id := trimID(f); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// newInternetMessageID makes a Message-ID in Exchange Online's style.
func newInternetMessageID() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	host := "PH0PR11MB" + strings.ToUpper(hex.EncodeToString(b[8:]))
	return "<" + host + strings.ToUpper(hex.EncodeToString(b[:8])) + "@" + host + ".namprd11.prod.outlook.com>"
}

var wordDecoder = &mime.WordDecoder{}

func decodeWords(s string) string {
	if d, err := wordDecoder.DecodeHeader(s); err == nil {
		return d
	}
	return s
}

// addressList parses an address header; ok is false when it is present
// but cannot be parsed.
func addressList(h textproto.Header, key string) ([]*mail.Address, bool) {
	v := strings.TrimSpace(h.Get(key))
	if v == "" {
		return nil, true
	}
	list, err := (&mail.AddressParser{WordDecoder: wordDecoder}).ParseList(v)
	return list, err == nil
}

// parseMIME reads Exchange's message properties from raw MIME. A message
// without any header field is ErrorMimeContentInvalid; a message with
// unparseable recipients keeps them out and is refused at send time.
func (s *Server) parseMIME(raw []byte) (*message, *apiError) {
	h, err := readHeader(raw)
	if err != nil || h.Len() == 0 {
		return nil, newError(400, "ErrorMimeContentInvalid", "The MIME content is invalid.")
	}
	m := &message{raw: append([]byte(nil), raw...), importance: "normal"}
	m.internetMessageID = strings.TrimSpace(h.Get("Message-Id"))
	if m.internetMessageID == "" {
		m.internetMessageID = newInternetMessageID()
		h.Set("Message-Id", m.internetMessageID)
		_, body, _ := splitMessage(raw)
		m.raw = joinMessage(h, body)
	}
	m.subject = decodeWords(h.Get("Subject"))
	ok := true
	var list []*mail.Address
	if list, ok = addressList(h, "From"); ok && len(list) > 0 {
		m.from = list[0]
	}
	if l, ok2 := addressList(h, "Sender"); ok2 && len(l) > 0 {
		m.sender = l[0]
	}
	var ok3, ok4, ok5 bool
	m.to, ok3 = addressList(h, "To")
	m.cc, ok4 = addressList(h, "Cc")
	m.bcc, ok5 = addressList(h, "Bcc")
	m.replyTo, _ = addressList(h, "Reply-To")
	if !ok || !ok3 || !ok4 || !ok5 {
		return nil, newError(400, "ErrorInvalidRecipients", "At least one recipient isn't valid., The address list cannot be parsed.")
	}
	if d, err := mail.ParseDate(h.Get("Date")); err == nil {
		m.sent = d.UTC()
	} else {
		m.sent = s.now().UTC()
	}
	switch strings.ToLower(h.Get("Importance")) {
	case "high", "low":
		m.importance = strings.ToLower(h.Get("Importance"))
	}
	m.bodyType, m.body = extractBody(m.raw)
	return m, nil
}

// extractBody returns the first text/html part (else text/plain) of raw.
func extractBody(raw []byte) (kind, content string) {
	e, err := gomessage.Read(bytes.NewReader(raw))
	if e == nil {
		return "text", ""
	}
	_ = err // an unknown charset still yields a readable entity
	var text, html string
	_ = e.Walk(func(_ []int, part *gomessage.Entity, _ error) error {
		t, params, _ := part.Header.ContentType()
		if disp, _, _ := part.Header.ContentDisposition(); disp == "attachment" {
			return nil
		}
		if t == "" && part == e {
			t = "text/plain"
		}
		if t != "text/plain" && t != "text/html" {
			return nil
		}
		b, _ := io.ReadAll(io.LimitReader(part.Body, 1<<20))
		_ = params
		if t == "text/html" && html == "" {
			html = string(b)
		} else if t == "text/plain" && text == "" {
			text = string(b)
		}
		return nil
	})
	if html != "" {
		return "html", html
	}
	return "text", text
}

// buildRaw writes the MIME Exchange makes of a message given as JSON.
func buildRaw(m *message) []byte {
	var b bytes.Buffer
	hdr := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	hdr("From", addrString(m.from))
	if m.sender != nil && m.from != nil && !strings.EqualFold(m.sender.Address, m.from.Address) {
		hdr("Sender", addrString(m.sender))
	}
	hdr("To", listString(m.to))
	hdr("Cc", listString(m.cc))
	hdr("Reply-To", listString(m.replyTo))
	hdr("Subject", mime.QEncoding.Encode("utf-8", m.subject))
	hdr("Thread-Topic", mime.QEncoding.Encode("utf-8", m.subject))
	date := m.sent
	if date.IsZero() {
		date = m.created
	}
	hdr("Date", date.Format(time.RFC1123Z))
	hdr("Message-ID", m.internetMessageID)
	if m.importance == "high" || m.importance == "low" {
		hdr("Importance", m.importance)
	}
	for _, kv := range m.customHeaders {
		hdr(kv[0], kv[1])
	}
	ct := "text/plain"
	if m.bodyType == "html" {
		ct = "text/html"
	}
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", ct+"; charset=\"utf-8\"")
	hdr("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	_, _ = qp.Write([]byte(m.body))
	_ = qp.Close()
	b.WriteString("\r\n")
	return b.Bytes()
}

// rewriteHeaders sets the address and subject fields of a MIME-based
// message's raw to its current properties (after a PATCH).
func rewriteHeaders(m *message) {
	h, body, err := splitMessage(m.raw)
	if err != nil {
		return
	}
	set := func(k, v string) {
		if v == "" {
			h.Del(k)
		} else {
			h.Set(k, v)
		}
	}
	set("From", addrString(m.from))
	set("To", listString(m.to))
	set("Cc", listString(m.cc))
	set("Bcc", listString(m.bcc))
	set("Reply-To", listString(m.replyTo))
	set("Subject", mime.QEncoding.Encode("utf-8", m.subject))
	m.raw = joinMessage(h, body)
}

// transmitted returns m's raw as it leaves Exchange: Bcc removed; From,
// Date and Message-ID ensured; Sender set when sent on behalf of From.
func transmitted(m *message, onBehalf bool) []byte {
	h, body, err := splitMessage(m.raw)
	if err != nil {
		return m.raw
	}
	h.Del("Bcc")
	if !h.Has("From") {
		h.Set("From", addrString(m.from))
	}
	if !h.Has("Date") {
		h.Set("Date", m.sent.Format(time.RFC1123Z))
	}
	if !h.Has("Message-Id") {
		h.Set("Message-Id", m.internetMessageID)
	}
	if onBehalf {
		h.Set("Sender", addrString(m.sender))
	}
	return joinMessage(h, body)
}

func addrString(a *mail.Address) string {
	if a == nil {
		return ""
	}
	return a.String()
}

func listString(l []*mail.Address) string {
	parts := make([]string, 0, len(l))
	for _, a := range l {
		parts = append(parts, a.String())
	}
	return strings.Join(parts, ", ")
}

// headerFields returns the header fields of raw in order, for
// internetMessageHeaders.
func headerFields(raw []byte) [][2]string {
	h, err := readHeader(raw)
	if err != nil {
		return nil
	}
	var out [][2]string
	for f := h.Fields(); f.Next(); {
		key := f.Key()
		if r, err := f.Raw(); err == nil {
			if i := bytes.IndexByte(r, ':'); i > 0 {
				key = strings.TrimSpace(string(r[:i])) // as written, not canonicalised
			}
		}
		out = append(out, [2]string{key, f.Value()})
	}
	return out
}
