package fakegmail

import (
	"net/http"
	"slices"
	"strconv"

	gmailapi "google.golang.org/api/gmail/v1"
)

// listHistory serves users.history.list: the records after
// startHistoryId, oldest first, filtered by historyTypes and labelId; 404
// when startHistoryId is older than the retained history.
func (s *Server) listHistory(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	start, err := strconv.ParseUint(q.Get("startHistoryId"), 10, 64)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalidArgument", "Invalid startHistoryId", "")
		return
	}
	offset, size, ok := pageBounds(r, 100, 500)
	if !ok {
		writeError(w, http.StatusBadRequest, "invalid", "Invalid pageToken or maxResults", "")
		return
	}
	types := q["historyTypes"]
	label := q.Get("labelId")
	s.mu.Lock()
	defer s.mu.Unlock()
	if start < s.minHistory {
		writeError(w, http.StatusNotFound, "notFound", "Requested entity was not found.", "")
		return
	}
	var recs []*gmailapi.History
	for _, h := range s.history {
		if h.id <= start || (len(types) > 0 && !slices.Contains(types, h.kind)) {
			continue
		}
		m := s.byID[h.msgID]
		if label != "" && !m.hasLabel(label) {
			continue
		}
		ref := &gmailapi.Message{Id: m.id, ThreadId: m.threadID, LabelIds: append([]string(nil), m.labels...)}
		rec := &gmailapi.History{Id: h.id, Messages: []*gmailapi.Message{{Id: m.id, ThreadId: m.threadID}}}
		switch h.kind {
		case "messageAdded":
			rec.MessagesAdded = []*gmailapi.HistoryMessageAdded{{Message: ref}}
		case "labelAdded":
			rec.LabelsAdded = []*gmailapi.HistoryLabelAdded{{Message: ref, LabelIds: h.labels}}
		case "labelRemoved":
			rec.LabelsRemoved = []*gmailapi.HistoryLabelRemoved{{Message: ref, LabelIds: h.labels}}
		}
		recs = append(recs, rec)
	}
	resp := &gmailapi.ListHistoryResponse{HistoryId: s.historyID}
	if offset < len(recs) {
		end := min(offset+size, len(recs))
		resp.History = recs[offset:end]
		if end < len(recs) {
			resp.NextPageToken = strconv.Itoa(end)
		}
	}
	writeJSON(w, resp)
}
