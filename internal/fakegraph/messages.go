package fakegraph

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

const graphTime = "2006-01-02T15:04:05Z"

func recipientJSON(a *mail.Address) map[string]any {
	name := a.Name
	if name == "" {
		name = a.Address
	}
	return map[string]any{"emailAddress": map[string]any{"name": name, "address": a.Address}}
}

func recipientsJSON(l []*mail.Address) []any {
	out := []any{}
	for _, a := range l {
		out = append(out, recipientJSON(a))
	}
	return out
}

// render returns the JSON of m with the selected properties. A token
// with only Mail.ReadBasic never sees body, bodyPreview, uniqueBody or
// internetMessageHeaders, and asking for them is ErrorAccessDenied.
// internetMessageHeaders is returned only when selected and, as on
// Graph, not for messages in Sent Items or Drafts. The id is the
// immutable one when the request prefers it. Caller holds s.mu.
func (s *Server) render(q *req, m *message, sel selection) (map[string]any, *apiError) {
	u := q.target
	basic := !q.p.has("Mail.Read", "Mail.ReadWrite")
	if basic && !sel.all {
		for _, d := range basicDenied {
			if sel.has(d) {
				return nil, newError(http.StatusForbidden, "ErrorAccessDenied", msgAccessDenied)
			}
		}
	}
	changeKey := fmt.Sprintf("CQAAABYAAAD%s%04d", strings.TrimRight(m.id[len(m.id)-12:], "="), m.version)
	v := map[string]any{"@odata.etag": `W/"` + changeKey + `"`, "id": q.idOf(m)}
	want := func(p string) bool { return sel.all || sel.has(p) }
	for _, prop := range messageDefault {
		if !want(prop) || basic && slices.Contains(basicDenied, prop) {
			continue
		}
		switch prop {
		case "createdDateTime":
			v[prop] = m.created.UTC().Format(graphTime)
		case "lastModifiedDateTime":
			v[prop] = m.modified.UTC().Format(graphTime)
		case "changeKey":
			v[prop] = changeKey
		case "categories":
			v[prop] = []string{}
		case "receivedDateTime":
			v[prop] = m.receivedAt().UTC().Format(graphTime)
		case "sentDateTime":
			v[prop] = m.sentAt().UTC().Format(graphTime)
		case "hasAttachments":
			v[prop] = bytes.Contains(bytes.ToLower(m.raw), []byte("content-disposition: attachment"))
		case "internetMessageId":
			v[prop] = m.internetMessageID
		case "subject":
			v[prop] = m.subject
		case "bodyPreview":
			v[prop] = preview(m)
		case "importance":
			v[prop] = m.importance
		case "parentFolderId":
			v[prop] = u.folderID[m.folder]
		case "conversationId":
			v[prop] = m.conversationID
		case "conversationIndex":
			// Edm.Binary: base64 of a 22-byte Thread-Index header, as
			// Exchange returns it (clients decode it).
			idx := sha256.Sum256([]byte(m.conversationID))
			v[prop] = base64.StdEncoding.EncodeToString(append([]byte{0x01}, idx[:21]...))
		case "isDeliveryReceiptRequested", "isReadReceiptRequested":
			v[prop] = false
		case "isRead":
			v[prop] = m.isRead
		case "isDraft":
			v[prop] = m.isDraft
		case "webLink":
			v[prop] = "https://outlook.office365.com/owa/?ItemID=" + url.QueryEscape(m.id) + "&exvsurl=1&viewmodel=ReadMessageItem"
		case "inferenceClassification":
			v[prop] = "focused"
		case "body":
			v[prop] = map[string]any{"contentType": m.bodyType, "content": m.body}
		case "sender", "from":
			a := m.sender
			if prop == "from" || a == nil {
				a = m.from
			}
			if a == nil {
				v[prop] = nil
			} else {
				v[prop] = recipientJSON(a)
			}
		case "toRecipients":
			v[prop] = recipientsJSON(m.to)
		case "ccRecipients":
			v[prop] = recipientsJSON(m.cc)
		case "bccRecipients":
			v[prop] = recipientsJSON(m.bcc)
		case "replyTo":
			v[prop] = recipientsJSON(m.replyTo)
		case "flag":
			v[prop] = map[string]any{"flagStatus": "notFlagged"}
		}
	}
	if sel.has("uniqueBody") {
		v["uniqueBody"] = map[string]any{"contentType": m.bodyType, "content": m.body}
	}
	if sel.has("internetMessageHeaders") && m.folder != "sentitems" && m.folder != "drafts" {
		hs := []any{}
		for _, kv := range headerFields(m.raw) {
			hs = append(hs, map[string]any{"name": kv[0], "value": kv[1]})
		}
		v["internetMessageHeaders"] = hs
	}
	return v, nil
}

func preview(m *message) string {
	t := m.body
	if m.bodyType == "html" {
		var b strings.Builder
		in := false
		for _, r := range t {
			switch {
			case r == '<':
				in = true
			case r == '>':
				in = false
			case !in:
				b.WriteRune(r)
			}
		}
		t = b.String()
	}
	t = strings.Join(strings.Fields(t), " ")
	if r := []rune(t); len(r) > 255 {
		t = string(r[:255])
	}
	return t
}

// getMessage serves GET /me/messages/{id} and
// /me/mailFolders/{f}/messages/{id} with $select.
func (s *Server) getMessage(w http.ResponseWriter, q *req) *apiError {
	sel, e := parseSelect(first(queryValue(q.r.URL.Query(), "$select")))
	if e != nil {
		return e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, e := s.findMessage(q)
	if e != nil {
		return e
	}
	v, e := s.render(q, m, sel)
	if e != nil {
		return e
	}
	v["@odata.context"] = s.URL() + "/$metadata#users('" + q.target.id + "')/messages/$entity"
	writeJSONStatus(w, http.StatusOK, v)
	return nil
}

// getMessageValue serves GET /me/messages/{id}/$value: the MIME, as
// text/plain like Graph.
func (s *Server) getMessageValue(w http.ResponseWriter, q *req) *apiError {
	s.mu.Lock()
	m, e := s.findMessage(q)
	var raw []byte
	if e == nil {
		raw = append([]byte(nil), m.raw...)
	}
	s.mu.Unlock()
	if e != nil {
		return e
	}
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(raw)
	return nil
}

func first(v string, _ bool) string { return v }

// listMessages serves GET /me/messages and /me/mailFolders/{f}/messages:
// $filter, $select, $top (1–1000, default 10), $skip, $orderby on
// receivedDateTime (default newest first), @odata.nextLink paging.
func (s *Server) listMessages(w http.ResponseWriter, q *req) *apiError {
	query := q.r.URL.Query()
	sel, e := parseSelect(first(queryValue(query, "$select")))
	if e != nil {
		return e
	}
	var terms []term
	if f, ok := queryValue(query, "$filter"); ok {
		if terms, e = parseFilter(f); e != nil {
			return e
		}
	}
	top, skip := 10, 0
	if v, ok := queryValue(query, "$top"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return newError(400, "ErrorInvalidUrlQuery", "The value of $top must be between 1 and 1000.")
		}
		top = n
	}
	if v, ok := queryValue(query, "$skip"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return newError(400, "ErrorInvalidUrlQuery", "The value of $skip is not valid.")
		}
		skip = n
	}
	asc := false
	if v, ok := queryValue(query, "$orderby"); ok {
		switch strings.ToLower(strings.Join(strings.Fields(v), " ")) {
		case "receiveddatetime desc":
		case "receiveddatetime", "receiveddatetime asc":
			asc = true
		default:
			return newError(400, "ErrorInvalidUrlQuery", "The $orderby expression is not supported.")
		}
	}
	if _, ok := queryValue(query, "$search"); ok {
		return newError(400, "ErrorInvalidUrlQuery", "The fake does not serve $search.")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	folder := ""
	if q.folder != "" {
		f, ok := q.target.resolveFolder(q.folder)
		if !ok {
			return newError(400, "ErrorInvalidIdMalformed", msgIDMalformed)
		}
		folder = f
	}
	var hits []*message
	for _, m := range q.target.msgs {
		if (folder == "" || m.folder == folder) && match(m, terms) {
			hits = append(hits, m)
		}
	}
	slices.SortStableFunc(hits, func(a, b *message) int {
		c := a.receivedAt().Compare(b.receivedAt())
		if !asc {
			c = -c
		}
		return c
	})
	resp := map[string]any{"@odata.context": s.URL() + "/$metadata#users('" + q.target.id + "')/messages"}
	vals := []any{}
	for i := skip; i < len(hits) && i < skip+top; i++ {
		v, e := s.render(q, hits[i], sel)
		if e != nil {
			return e
		}
		vals = append(vals, v)
	}
	resp["value"] = vals
	if skip+top < len(hits) {
		next := url.Values{}
		for k, vs := range query {
			if !strings.EqualFold(k, "$skip") {
				next[k] = vs
			}
		}
		next.Set("$skip", strconv.Itoa(skip+top))
		resp["@odata.nextLink"] = s.srv.URL + q.r.URL.EscapedPath() + "?" + next.Encode()
	}
	writeJSONStatus(w, http.StatusOK, resp)
	return nil
}
