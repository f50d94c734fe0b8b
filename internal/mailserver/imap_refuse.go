package mailserver

import (
	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
)

// RefuseFetch makes every FETCH whose UID set names uid (in any mailbox)
// fail with NO, as servers answer for a message they cannot read or
// convert (Exchange's "The specified message set is invalid", Dovecot's
// broken-mail errors). With bodiesOnly, only FETCHes of a whole message
// or its text fail; header-field FETCHes still answer. A FETCH by message
// sequence number, or with a range ending in "*", is never refused.
func (s *Server) RefuseFetch(uid imap.UID, bodiesOnly bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refused == nil {
		s.refused = make(map[uint32]bool)
	}
	s.refused[uint32(uid)] = bodiesOnly
}

// Fetch implements imapserver.Session; RefuseFetch makes it fail.
func (is *imapSession) Fetch(w *imapserver.FetchWriter, numSet imap.NumSet, options *imap.FetchOptions) error {
	if !is.internal && is.s.refuses(numSet, options) {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Text: "The message could not be read (injected fault)"}
	}
	return is.UserSession.Fetch(w, numSet, options)
}

func (s *Server) refuses(numSet imap.NumSet, options *imap.FetchOptions) bool {
	set, ok := numSet.(imap.UIDSet)
	if !ok {
		return false
	}
	uids, ok := set.Nums()
	if !ok {
		return false
	}
	body := false
	for _, sec := range options.BodySection {
		if len(sec.HeaderFields) == 0 && len(sec.HeaderFieldsNot) == 0 && sec.Specifier != imap.PartSpecifierHeader {
			body = true
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, uid := range uids {
		if bodiesOnly, ok := s.refused[uint32(uid)]; ok && (body || !bodiesOnly) {
			return true
		}
	}
	return false
}
