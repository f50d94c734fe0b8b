package fakegmail

import (
	"fmt"
	"slices"
	"time"
)

// relabel adds and removes labels on m. Like Gmail, every change is a
// history record (labelAdded or labelRemoved) and moves the message's
// historyId past it, so a client can tell a message changed since a
// historyId but not whether it arrived since. It reports whether
// anything changed. Caller holds s.mu.
func (s *Server) relabel(m *message, add, remove []string) bool {
	changed := false
	for _, l := range add {
		if !slices.Contains(m.labels, l) {
			m.labels = append(m.labels, l)
			s.historyID++
			s.history = append(s.history, historyRecord{id: s.historyID, msgID: m.id, kind: "labelAdded", labels: []string{l}})
			changed = true
		}
	}
	for _, l := range remove {
		if i := slices.Index(m.labels, l); i >= 0 {
			m.labels = slices.Delete(m.labels, i, i+1)
			s.historyID++
			s.history = append(s.history, historyRecord{id: s.historyID, msgID: m.id, kind: "labelRemoved", labels: []string{l}})
			changed = true
		}
	}
	if changed {
		m.historyID = s.historyID
	}
	return changed
}

// Modify changes a message's labels as the user's mail client does:
// reading it removes UNREAD, archiving removes INBOX, starring adds
// STARRED. Each change moves the message's historyId, as on Gmail.
func (s *Server) Modify(id string, add, remove []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.byID[id]
	if m == nil {
		return fmt.Errorf("fakegmail: modify: no message %q", id)
	}
	s.relabel(m, add, remove)
	return nil
}

// SetInternalDate sets a message's internalDate, as for mail that Google
// accepted some time before it was filed in the mailbox.
func (s *Server) SetInternalDate(id string, ms int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.byID[id]
	if m == nil {
		return fmt.Errorf("fakegmail: no message %q", id)
	}
	m.date = time.UnixMilli(ms)
	return nil
}

// FailMessage makes the next n messages.get of the message with this id
// answer 400 failedPrecondition, as Gmail does for a message it cannot
// render; other messages are served.
func (s *Server) FailMessage(id string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failing == nil {
		s.failing = map[string]int{}
	}
	s.failing[id] += n
}

// failingMessage reports whether a messages.get of id must fail, and
// counts it. Caller holds s.mu.
func (s *Server) failingMessage(id string) bool {
	if s.failing[id] <= 0 {
		return false
	}
	s.failing[id]--
	return true
}
