package fakegraph

import (
	"bytes"
	"net/http"
)

// createMessage serves POST /me/messages (and /me/mailFolders/{f}/messages):
// a draft from JSON or base64 MIME, answered 201 with the message.
func (s *Server) createMessage(w http.ResponseWriter, q *req) *apiError {
	body, e := readBody(q.r)
	if e != nil {
		return e
	}
	format, e := bodyFormat(q.r)
	if e != nil {
		return e
	}
	var m *message
	if format == "mime" {
		if m, e = s.decodeMIMEBody(body); e != nil {
			return e
		}
	} else {
		if len(bytes.TrimSpace(body)) == 0 {
			return newError(400, "BadRequest", msgEmptyPayload)
		}
		in, e := parseMessage(body)
		if e != nil {
			return e
		}
		m = s.fromInput(in)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	folder := "drafts"
	if q.folder != "" {
		f, ok := q.target.resolveFolder(q.folder)
		if !ok {
			return newError(400, "ErrorInvalidIdMalformed", msgIDMalformed)
		}
		folder = f
	}
	now := s.now().UTC()
	m.isDraft, m.isRead = true, true
	m.created, m.modified = now, now
	s.insert(q.target, m, folder)
	q.pending = append(q.pending, s.notificationsFor(q.target, m)...)
	v, _ := s.render(q, m, selection{all: true})
	v["@odata.context"] = s.URL() + "/$metadata#users('" + q.target.id + "')/messages/$entity"
	writeJSONStatus(w, http.StatusCreated, v)
	return nil
}

// findMessage looks up the message a path names. Caller holds s.mu.
func (s *Server) findMessage(q *req) (*message, *apiError) {
	if !wellFormedID(q.msgID) {
		return nil, newError(400, "ErrorInvalidIdMalformed", msgIDMalformed)
	}
	m := q.target.byID[q.msgID]
	if m == nil {
		m = q.target.byImm[q.msgID]
	}
	if q.folder != "" {
		f, ok := q.target.resolveFolder(q.folder)
		if !ok {
			return nil, newError(400, "ErrorInvalidIdMalformed", msgIDMalformed)
		}
		if m != nil && m.folder != f {
			m = nil
		}
	}
	if m == nil {
		return nil, newError(404, "ErrorItemNotFound", msgItemNotFound)
	}
	return m, nil
}

// updateMessage serves PATCH /me/messages/{id}. A draft takes any
// writable property; a sent or received message only flags such as
// isRead, as in Exchange.
func (s *Server) updateMessage(w http.ResponseWriter, q *req) *apiError {
	body, e := readBody(q.r)
	if e != nil {
		return e
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return newError(400, "BadRequest", msgEmptyPayload)
	}
	in, e := parseMessage(body)
	if e != nil {
		return e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, e := s.findMessage(q)
	if e != nil {
		return e
	}
	for k := range in.has {
		switch k {
		case "isRead", "categories", "flag", "importance", "inferenceClassification":
		default:
			if !m.isDraft {
				return newError(400, "ErrorInvalidPropertyUpdateSentMessage", "Update of the sent message is not allowed.")
			}
		}
	}
	rebuild := false
	for k := range in.has {
		switch k {
		case "subject":
			m.subject = in.subject
		case "toRecipients":
			m.to = in.to
		case "ccRecipients":
			m.cc = in.cc
		case "bccRecipients":
			m.bcc = in.bcc
		case "replyTo":
			m.replyTo = in.replyTo
		case "from":
			m.from = in.from
			if m.from != nil && m.from.Address == "" {
				m.from = nil
			}
		case "isRead":
			m.isRead = in.isRead
		case "importance":
			m.importance = in.importance
		case "body":
			m.bodyType, m.body, rebuild = in.bodyType, in.body, true
		case "internetMessageHeaders":
			m.customHeaders, rebuild = in.headers, true
		}
	}
	if m.isDraft {
		if m.fromJSON || rebuild {
			m.fromJSON = true
			m.raw = buildRaw(m)
		} else {
			rewriteHeaders(m)
		}
	}
	m.modified = s.now().UTC()
	m.version++
	s.record(q.target, m, "updated")
	v, _ := s.render(q, m, selection{all: true})
	v["@odata.context"] = s.URL() + "/$metadata#users('" + q.target.id + "')/messages/$entity"
	writeJSONStatus(w, http.StatusOK, v)
	return nil
}

// deleteMessage serves DELETE /me/messages/{id}: the message moves to
// Deleted Items (a delta of its old folder reports it @removed).
func (s *Server) deleteMessage(w http.ResponseWriter, q *req) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, e := s.findMessage(q)
	if e != nil {
		return e
	}
	if m.folder == "deleteditems" {
		s.remove(q.target, m)
	} else {
		s.move(q.target, m, "deleteditems")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// sendDraft serves POST /me/messages/{id}/send: the draft is submitted
// and moves to Sent Items under a new id (its old id is then 404).
func (s *Server) sendDraft(w http.ResponseWriter, q *req) *apiError {
	if _, e := readBody(q.r); e != nil {
		return e
	}
	s.mu.Lock()
	m, e := s.findMessage(q)
	if e == nil && !m.isDraft {
		e = newError(400, "ErrorInvalidOperation", "Only draft items can be sent.")
	}
	var retryAfter string
	if e == nil {
		sent := *m
		if retryAfter, e = s.submit(q, &sent, "draft"); e == nil {
			s.remove(q.target, m)
			sent.id, sent.folder = "", "" // a new regular id; the immutable id stays
			q.pending = append(q.pending, s.fileSent(q.target, &sent)...)
		}
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
