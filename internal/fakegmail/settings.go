package fakegmail

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	gmailapi "google.golang.org/api/gmail/v1"
)

func (s *Server) getProfile(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	threads := map[string]bool{}
	for _, m := range s.msgs {
		threads[m.threadID] = true
	}
	writeJSON(w, &gmailapi.Profile{
		EmailAddress: s.email, HistoryId: s.historyID,
		MessagesTotal: int64(len(s.msgs)), ThreadsTotal: int64(len(threads)),
	})
}

func (s *Server) listSendAs(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*gmailapi.SendAs, len(s.sendAs))
	for i, sa := range s.sendAs {
		cp := *sa
		out[i] = &cp
	}
	writeJSON(w, &gmailapi.ListSendAsResponse{SendAs: out})
}

func (s *Server) listLabels(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*gmailapi.Label, len(s.labels))
	for i, l := range s.labels {
		cp := *l
		out[i] = &cp
	}
	writeJSON(w, &gmailapi.ListLabelsResponse{Labels: out})
}

// createLabel serves users.labels.create; a name in use (compared
// case-insensitively, as Gmail does) is 409.
func (s *Server) createLabel(w http.ResponseWriter, r *http.Request) {
	var in gmailapi.Label
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || strings.TrimSpace(in.Name) == "" {
		writeError(w, http.StatusBadRequest, "invalidArgument", "Invalid label name", "")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.labels {
		if strings.EqualFold(l.Name, in.Name) {
			writeError(w, http.StatusConflict, "aborted", "Label name exists or conflicts", "")
			return
		}
	}
	s.seq++
	l := &gmailapi.Label{
		Id: fmt.Sprintf("Label_%d", len(s.labels)), Name: in.Name, Type: "user",
		LabelListVisibility: in.LabelListVisibility, MessageListVisibility: in.MessageListVisibility,
	}
	s.labels = append(s.labels, l)
	cp := *l
	writeJSON(w, &cp)
}

// watch serves users.watch: a topic is required; the watch lasts 7 days.
func (s *Server) watch(w http.ResponseWriter, r *http.Request) {
	var in gmailapi.WatchRequest
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || !strings.HasPrefix(in.TopicName, "projects/") {
		writeError(w, http.StatusBadRequest, "invalidArgument", "Invalid topicName does not match projects/*/topics/*", "")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.watching = &in
	writeJSON(w, &gmailapi.WatchResponse{
		HistoryId:  s.historyID,
		Expiration: s.now().Add(7 * 24 * 60 * 60 * 1e9).UnixMilli(),
	})
}

func (s *Server) stop(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.watching = nil
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}
