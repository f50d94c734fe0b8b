package fakegraph

import (
	"bytes"
	"encoding/base64"
	"math"
	"mime"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"time"
)

// bodyFormat tells a JSON body from base64 MIME by Content-Type, as Graph
// does for sendMail and message creation.
func bodyFormat(r *http.Request) (string, *apiError) {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return "json", nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	switch {
	case err != nil:
		return "", newError(http.StatusUnsupportedMediaType, "BadRequest", "Unsupported Content-Type: "+ct)
	case mt == "application/json":
		return "json", nil
	case mt == "text/plain":
		return "mime", nil
	}
	return "", newError(http.StatusUnsupportedMediaType, "BadRequest", "Unsupported Content-Type: "+ct)
}

// decodeMIMEBody decodes a base64 MIME request body; line breaks are
// allowed, the URL-safe alphabet and missing padding are not (.NET's
// Convert.FromBase64String).
func (s *Server) decodeMIMEBody(body []byte) (*message, *apiError) {
	clean := strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, string(body))
	raw, err := base64.StdEncoding.DecodeString(clean)
	if err != nil || len(raw) == 0 {
		return nil, newError(400, "ErrorMimeContentInvalidBase64String", msgBadBase64)
	}
	return s.parseMIME(raw)
}

// fromInput makes a message from its JSON form, as Exchange stores it.
func (s *Server) fromInput(in *msgInput) *message {
	now := s.now().UTC()
	m := &message{
		subject: in.subject, bodyType: in.bodyType, body: in.body,
		to: in.to, cc: in.cc, bcc: in.bcc, replyTo: in.replyTo, from: in.from,
		customHeaders: in.headers, importance: in.importance, isRead: in.isRead,
		internetMessageID: in.internetMessageID, fromJSON: true,
		created: now, modified: now,
	}
	if m.from != nil && m.from.Address == "" {
		m.from = nil
	}
	if m.internetMessageID == "" {
		m.internetMessageID = newInternetMessageID()
	}
	m.raw = buildRaw(m)
	return m
}

// sendMail serves POST /me/sendMail: a JSON body {message,
// saveToSentItems} or, with Content-Type text/plain, base64 MIME.
func (s *Server) sendMail(w http.ResponseWriter, q *req) *apiError {
	body, e := readBody(q.r)
	if e != nil {
		return e
	}
	format, e := bodyFormat(q.r)
	if e != nil {
		return e
	}
	save := true
	var m *message
	via := "sendMail-mime"
	if format == "mime" {
		if m, e = s.decodeMIMEBody(body); e != nil {
			return e
		}
	} else {
		via = "sendMail-json"
		if len(bytes.TrimSpace(body)) == 0 {
			return newError(400, "BadRequest", msgEmptyPayload)
		}
		o, e := decodeParams(body, "sendMail", "message", "saveToSentItems")
		if e != nil {
			return e
		}
		if save, e = o.boolean("saveToSentItems", true); e != nil {
			return e
		}
		if isNull(o["message"]) {
			return newError(400, "ErrorInvalidParameter", "The value of the parameter 'Message' is empty.")
		}
		in, e := parseMessage(o["message"])
		if e != nil {
			return e
		}
		m = s.fromInput(in)
	}
	s.mu.Lock()
	retryAfter, e := s.submit(q, m, via)
	if e == nil && save {
		m.isRead = true
		q.pending = append(q.pending, s.fileSent(q.p.mailbox, m)...)
	}
	s.mu.Unlock()
	if e != nil {
		return e
	}
	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}

// submit checks a message the signed-in user sends (recipients, the
// right to send as its from, Exchange's sending limits) and records it as
// sent. retryAfter is set when the message was accepted over the
// per-minute rate. Caller holds s.mu.
func (s *Server) submit(q *req, m *message, via string) (retryAfter string, e *apiError) {
	me := q.p.mailbox
	rcpts := append(append(append([]*mail.Address(nil), m.to...), m.cc...), m.bcc...)
	if len(rcpts) == 0 {
		return "", newError(400, "ErrorInvalidRecipients", msgNoRecipients)
	}
	var addrs []string
	for _, a := range rcpts {
		if !validAddress(a.Address) {
			return "", newError(400, "ErrorInvalidRecipients", "At least one recipient isn't valid., Recipient '"+a.Address+
				"' is not resolved. All recipients must be resolved before a message can be submitted.")
		}
		addrs = append(addrs, a.Address)
	}
	self := &mail.Address{Name: me.name, Address: me.email}
	onBehalf := false
	if m.from == nil || m.from.Address == "" {
		m.from = self
	} else if !strings.EqualFold(m.from.Address, me.email) {
		if !s.grants[strings.ToLower(m.from.Address)+" "+strings.ToLower(me.email)] || !q.p.has("Mail.Send.Shared") {
			return "", newError(http.StatusForbidden, "ErrorSendAsDenied", msgSendAsDenied)
		}
		onBehalf = true
	}
	m.sender = self
	if !onBehalf {
		m.sender = m.from
	}

	now := s.now()
	me.sendLog = pruneTimes(me.sendLog, now.Add(-time.Minute))
	day := 0
	keep := me.rcptLog[:0]
	for _, r := range me.rcptLog {
		if r.at.After(now.Add(-24 * time.Hour)) {
			keep = append(keep, r)
			day += r.n
		}
	}
	me.rcptLog = keep
	if s.perDay > 0 && day+len(addrs) > s.perDay {
		return "", newError(http.StatusForbidden, "ErrorSubmissionQuotaExceeded", msgSubmissionQuota)
	}
	deferred := s.perMinute > 0 && len(me.sendLog) >= s.perMinute
	if deferred {
		free := me.sendLog[len(me.sendLog)-s.perMinute].Add(time.Minute).Sub(now)
		retryAfter = strconv.Itoa(max(1, int(math.Ceil(free.Seconds()))))
	}
	me.sendLog = append(me.sendLog, now)
	me.rcptLog = append(me.rcptLog, rcptEntry{at: now, n: len(addrs)})

	m.sent, m.received, m.modified = now.UTC(), now.UTC(), now.UTC()
	m.isDraft = false
	if m.fromJSON {
		m.raw = buildRaw(m)
	}
	m.raw = transmitted(m, onBehalf)
	s.sends = append(s.sends, Sent{
		Mailbox: me.email, MessageID: trimID(m.internetMessageID), From: m.from.Address, Sender: m.sender.Address,
		Recipients: addrs, Raw: append([]byte(nil), m.raw...), Via: via, Deferred: deferred,
	})
	return retryAfter, nil
}

func pruneTimes(ts []time.Time, after time.Time) []time.Time {
	keep := ts[:0]
	for _, t := range ts {
		if t.After(after) {
			keep = append(keep, t)
		}
	}
	return keep
}

// validAddress reports whether addr is an addr-spec Exchange can resolve.
func validAddress(addr string) bool {
	if addr == "" || strings.ContainsAny(addr, " <>,;") {
		return false
	}
	a, err := mail.ParseAddress(addr)
	return err == nil && a.Address == addr && strings.Contains(addr, "@")
}
