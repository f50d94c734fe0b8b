package fakegmail

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"

	gmailapi "google.golang.org/api/gmail/v1"
)

// maxRaw is Gmail's limit on a sent message (35 MB through the upload
// endpoint; we apply it to both).
const maxRaw = 35 << 20

// decodeRaw decodes Gmail's base64url "raw" field, padded or not, and
// refuses the standard alphabet the way Gmail does.
func decodeRaw(s string) ([]byte, error) {
	if strings.ContainsAny(s, "+/") || strings.Contains(strings.TrimRight(s, "="), "=") {
		return nil, fmt.Errorf("Invalid value at 'message.raw' (TYPE_BYTES), Base64 decoding failed")
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, fmt.Errorf("Invalid value at 'message.raw' (TYPE_BYTES), Base64 decoding failed")
	}
	return b, nil
}

func (s *Server) sendJSON(w http.ResponseWriter, r *http.Request) {
	var in gmailapi.Message
	if err := json.NewDecoder(io.LimitReader(r.Body, maxRaw*2)).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "badRequest", "Invalid JSON payload received.", "")
		return
	}
	if in.Raw == "" {
		writeError(w, http.StatusBadRequest, "invalidArgument", "'raw' RFC822 payload message string or uploading message via /upload/* URL required", "")
		return
	}
	raw, err := decodeRaw(in.Raw)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalidArgument", err.Error(), "")
		return
	}
	s.send(w, raw, in.ThreadId, false)
}

// sendUpload serves the media upload: uploadType=multipart is a
// multipart/related body of the JSON metadata and the message/rfc822 media;
// uploadType=media is the message alone.
func (s *Server) sendUpload(w http.ResponseWriter, r *http.Request) {
	var meta gmailapi.Message
	var raw []byte
	switch r.URL.Query().Get("uploadType") {
	case "multipart":
		mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "multipart/related" {
			writeError(w, http.StatusBadRequest, "badContent", "Media type '"+mt+"' is not supported for multipart upload.", "")
			return
		}
		mr := multipart.NewReader(io.LimitReader(r.Body, maxRaw+1<<20), params["boundary"])
		for i := 0; i < 2; i++ {
			p, err := mr.NextPart()
			if err != nil {
				writeError(w, http.StatusBadRequest, "badRequest", "Bad multipart upload.", "")
				return
			}
			b, err := io.ReadAll(p)
			if err != nil {
				writeError(w, http.StatusBadRequest, "badRequest", "Bad multipart upload.", "")
				return
			}
			if i == 0 {
				if len(bytes.TrimSpace(b)) > 0 && json.Unmarshal(b, &meta) != nil {
					writeError(w, http.StatusBadRequest, "badRequest", "Invalid JSON payload received.", "")
					return
				}
			} else {
				raw = b
			}
		}
	case "media":
		b, err := io.ReadAll(io.LimitReader(r.Body, maxRaw+1))
		if err != nil {
			writeError(w, http.StatusBadRequest, "badRequest", "Bad upload.", "")
			return
		}
		raw = b
	default:
		writeError(w, http.StatusBadRequest, "invalid", "Invalid upload type.", "")
		return
	}
	if len(raw) > maxRaw {
		writeError(w, http.StatusRequestEntityTooLarge, "uploadTooLarge", "Request too large.", "")
		return
	}
	s.send(w, raw, meta.ThreadId, true)
}

func (s *Server) send(w http.ResponseWriter, raw []byte, threadID string, upload bool) {
	h, err := parseRaw(raw)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalidArgument", "Invalid RFC822 message.", "")
		return
	}
	if !hasRecipient(h) {
		writeError(w, http.StatusBadRequest, "invalidArgument", "Recipient address required", "")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if threadID != "" && !s.threadExists(threadID) {
		writeError(w, http.StatusNotFound, "notFound", "Requested entity was not found.", "")
		return
	}
	raw = s.fixFrom(raw, h)
	h, _ = parseRaw(raw)
	m := s.insert(raw, h, []string{"SENT"}, threadID)
	s.sends = append(s.sends, Sent{ID: m.id, ThreadID: m.threadID, Raw: raw, MessageID: m.messageID, Upload: upload})
	writeJSON(w, &gmailapi.Message{Id: m.id, ThreadId: m.threadID, LabelIds: m.labels})
}

func (s *Server) threadExists(id string) bool {
	for _, m := range s.msgs {
		if m.threadID == id {
			return true
		}
	}
	return false
}

// fixFrom rewrites a From that is neither the account nor an accepted
// send-as alias to the account, as Gmail silently does.
func (s *Server) fixFrom(raw []byte, h mail.Header) []byte {
	if a, err := mail.ParseAddress(h.Get("From")); err == nil {
		for _, sa := range s.sendAs {
			if strings.EqualFold(sa.SendAsEmail, a.Address) && (sa.IsPrimary || sa.VerificationStatus == "accepted") {
				return raw
			}
		}
	}
	lines := bytes.SplitAfter(raw, []byte("\n"))
	var out bytes.Buffer
	inHeader, skipping := true, false
	for _, l := range lines {
		if inHeader && len(bytes.TrimRight(l, "\r\n")) == 0 {
			inHeader = false
		}
		if inHeader && skipping && (l[0] == ' ' || l[0] == '\t') {
			continue
		}
		skipping = false
		if inHeader && len(l) > 5 && strings.EqualFold(string(l[:5]), "from:") {
			out.WriteString("From: " + s.email + "\r\n")
			skipping = true
			continue
		}
		out.Write(l)
	}
	return out.Bytes()
}

func (s *Server) getMessage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if f := q.Get("format"); f != "" && f != "raw" && f != "minimal" && f != "metadata" && f != "full" {
		writeError(w, http.StatusBadRequest, "invalidParameter", "Invalid value for format: "+f, "")
		return
	}
	s.mu.Lock()
	m := s.byID[r.PathValue("id")]
	failing := s.failingMessage(r.PathValue("id"))
	s.mu.Unlock()
	if failing {
		writeError(w, http.StatusBadRequest, "failedPrecondition", "Precondition check failed.", "")
		return
	}
	if m == nil {
		writeError(w, http.StatusNotFound, "notFound", "Requested entity was not found.", "")
		return
	}
	out := &gmailapi.Message{
		Id: m.id, ThreadId: m.threadID, LabelIds: append([]string(nil), m.labels...),
		HistoryId: m.historyID, InternalDate: m.date.UnixMilli(), SizeEstimate: int64(len(m.raw)),
	}
	ct := m.header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	if mt == "" {
		mt = "text/plain"
	}
	switch format := q.Get("format"); format {
	case "raw":
		out.Raw = base64.URLEncoding.EncodeToString(m.raw)
	case "minimal":
	case "metadata":
		out.Payload = &gmailapi.MessagePart{MimeType: mt, Headers: headers(m.raw, q["metadataHeaders"])}
	case "", "full":
		body := m.raw
		if i := bytes.Index(body, []byte("\r\n\r\n")); i >= 0 {
			body = body[i+4:]
		}
		out.Payload = &gmailapi.MessagePart{
			MimeType: mt, Headers: headers(m.raw, nil),
			Body: &gmailapi.MessagePartBody{Size: int64(len(body)), Data: base64.URLEncoding.EncodeToString(body)},
		}
	default:
		writeError(w, http.StatusBadRequest, "invalidParameter", "Invalid value for format: "+format, "")
		return
	}
	writeJSON(w, out)
}

func headers(raw []byte, names []string) []*gmailapi.MessagePartHeader {
	var out []*gmailapi.MessagePartHeader
	for _, kv := range headerValues(raw, names) {
		out = append(out, &gmailapi.MessagePartHeader{Name: kv[0], Value: kv[1]})
	}
	return out
}

// pageBounds reads maxResults (default def, at most max) and the
// pageToken, an offset the fake issued.
func pageBounds(r *http.Request, def, limit int) (offset, size int, ok bool) {
	q := r.URL.Query()
	size = def
	if v := q.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, false
		}
		size = min(max(n, 1), limit)
	}
	if t := q.Get("pageToken"); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 0 {
			return 0, 0, false
		}
		offset = n
	}
	return offset, size, true
}

func (s *Server) listMessages(w http.ResponseWriter, r *http.Request) {
	offset, size, ok := pageBounds(r, 100, 500)
	if !ok {
		writeError(w, http.StatusBadRequest, "invalid", "Invalid pageToken or maxResults", "")
		return
	}
	q := r.URL.Query()
	match, err := parseQuery(q.Get("q"), s.now())
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalidArgument", "Invalid query: "+err.Error(), "")
		return
	}
	labelIDs := q["labelIds"]
	spamTrash := q.Get("includeSpamTrash") == "true"
	s.mu.Lock()
	var hits []*gmailapi.Message
	var dates []time.Time
	for i := len(s.msgs) - 1; i >= 0; i-- {
		m := s.msgs[i]
		if q.Get("q") != "" && i >= len(s.msgs)-s.searchLag {
			continue // not indexed yet
		}
		if !spamTrash && (m.hasLabel("SPAM") || m.hasLabel("TRASH")) {
			continue
		}
		if slices.ContainsFunc(labelIDs, func(l string) bool { return !m.hasLabel(l) }) || !match(m) {
			continue
		}
		hits = append(hits, &gmailapi.Message{Id: m.id, ThreadId: m.threadID})
		dates = append(dates, m.date)
	}
	s.mu.Unlock()
	sortByDateDesc(hits, dates)
	resp := &gmailapi.ListMessagesResponse{ResultSizeEstimate: int64(len(hits))}
	if offset < len(hits) {
		end := min(offset+size, len(hits))
		resp.Messages = hits[offset:end]
		if end < len(hits) {
			resp.NextPageToken = strconv.Itoa(end)
		}
	}
	writeJSON(w, resp)
}

// parseQuery understands the Gmail search operators the provider uses:
// rfc822msgid:, newer_than:, older_than:, after:, before:, in:, label:,
// from:, and bare words (searched in the raw message).
func parseQuery(q string, now time.Time) (func(*message) bool, error) {
	var tests []func(*message) bool
	for _, term := range strings.Fields(q) {
		neg := strings.HasPrefix(term, "-")
		term = strings.TrimPrefix(term, "-")
		op, arg, hasOp := strings.Cut(term, ":")
		var t func(*message) bool
		switch op = strings.ToLower(op); {
		case !hasOp:
			word := strings.ToLower(term)
			t = func(m *message) bool { return bytes.Contains(bytes.ToLower(m.raw), []byte(word)) }
		case op == "rfc822msgid":
			id := trimID(arg)
			t = func(m *message) bool { return m.messageID == id }
		case op == "newer_than" || op == "older_than":
			d, err := relDuration(arg)
			if err != nil {
				return nil, err
			}
			cut, newer := now.Add(-d), op == "newer_than"
			t = func(m *message) bool { return m.date.After(cut) == newer }
		case op == "after" || op == "before":
			at, err := absTime(arg)
			if err != nil {
				return nil, err
			}
			after := op == "after"
			t = func(m *message) bool { return m.date.After(at) == after }
		case op == "in" || op == "label":
			l := strings.ToUpper(arg)
			t = func(m *message) bool { return l == "ANYWHERE" || m.hasLabel(l) || m.hasLabel(arg) }
		case op == "from":
			who := strings.ToLower(arg)
			t = func(m *message) bool { return strings.Contains(strings.ToLower(m.header.Get("From")), who) }
		default:
			return nil, fmt.Errorf("unsupported operator %q", op)
		}
		if neg {
			inner := t
			t = func(m *message) bool { return !inner(m) }
		}
		tests = append(tests, t)
	}
	return func(m *message) bool {
		for _, t := range tests {
			if !t(m) {
				return false
			}
		}
		return true
	}, nil
}

func relDuration(s string) (time.Duration, error) {
	if len(s) < 2 {
		return 0, fmt.Errorf("bad period %q", s)
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n < 0 {
		return 0, fmt.Errorf("bad period %q", s)
	}
	unit := map[byte]time.Duration{'h': time.Hour, 'd': 24 * time.Hour, 'm': 30 * 24 * time.Hour, 'y': 365 * 24 * time.Hour}[s[len(s)-1]]
	if unit == 0 {
		return 0, fmt.Errorf("bad period %q", s)
	}
	return time.Duration(n) * unit, nil
}

func absTime(s string) (time.Time, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0), nil
	}
	t, err := time.ParseInLocation("2006/01/02", s, time.UTC)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad date %q", s)
	}
	return t, nil
}

func (s *Server) modifyMessage(w http.ResponseWriter, r *http.Request) {
	var req gmailapi.ModifyMessageRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "badRequest", "Invalid JSON payload received.", "")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.byID[r.PathValue("id")]
	if m == nil {
		writeError(w, http.StatusNotFound, "notFound", "Requested entity was not found.", "")
		return
	}
	for _, l := range append(req.AddLabelIds, req.RemoveLabelIds...) {
		if !slices.ContainsFunc(s.labels, func(x *gmailapi.Label) bool { return x.Id == l }) {
			writeError(w, http.StatusBadRequest, "invalidArgument", "Invalid label: "+l, "")
			return
		}
	}
	s.relabel(m, req.AddLabelIds, req.RemoveLabelIds)
	writeJSON(w, &gmailapi.Message{Id: m.id, ThreadId: m.threadID, LabelIds: append([]string(nil), m.labels...)})
}

// sortByDateDesc orders hits newest internalDate first, as Gmail lists
// messages (hits come newest filed first; ties keep that order).
func sortByDateDesc(hits []*gmailapi.Message, dates []time.Time) {
	idx := make([]int, len(hits))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return dates[b].Compare(dates[a]) })
	sorted := make([]*gmailapi.Message, len(hits))
	for i, j := range idx {
		sorted[i] = hits[j]
	}
	copy(hits, sorted)
}
