package fakegraph

import "fmt"

// Move moves a message to another folder as the user's mail client does
// (Outlook's "Move to", "Not junk"): Exchange gives it a new regular id,
// keeps its immutable id and receivedDateTime, and sets its
// lastModifiedDateTime; a delta round of the old folder reports it
// @removed and one of the new folder reports it created. id is its
// regular or immutable id; the new regular id is returned.
func (s *Server) Move(mailbox, id, folder string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.lookupUser(mailbox)
	if u == nil {
		return "", fmt.Errorf("fakegraph: move: no mailbox %q", mailbox)
	}
	if _, ok := u.folderID[folder]; !ok {
		return "", fmt.Errorf("fakegraph: move: no folder %q", folder)
	}
	m := u.byID[id]
	if m == nil {
		m = u.byImm[id]
	}
	if m == nil {
		return "", fmt.Errorf("fakegraph: move: no message %q", id)
	}
	return s.move(u, m, folder).id, nil
}

// MarkRead marks a message read as the user's mail client does; like any
// change, it sets the message's lastModifiedDateTime.
func (s *Server) MarkRead(mailbox, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.lookupUser(mailbox)
	if u == nil {
		return fmt.Errorf("fakegraph: mark read: no mailbox %q", mailbox)
	}
	m := u.byID[id]
	if m == nil {
		m = u.byImm[id]
	}
	if m == nil {
		return fmt.Errorf("fakegraph: mark read: no message %q", id)
	}
	m.isRead = true
	m.modified = s.now().UTC()
	m.version++
	s.record(u, m, "updated")
	return nil
}
