package fakegraph

// filing is a sent message on its way to Sent Items.
type filing struct {
	m    *message
	left int // requests to the mailbox before it is filed
}

// SetSentItemsDelay makes each sent message reach Sent Items only after n
// further requests to its mailbox (0, the default: at once). Until then
// it is transmitted (Sends lists it) but no GET, list, $filter, delta or
// Messages finds it, and its draft's immutable id answers 404, as the
// immutable-id guide warns ("The copy of the message is not created until
// the message successfully sends, which may take time").
func (s *Server) SetSentItemsDelay(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sentDelay = n
}

// FileSentItems files every sent message still on its way to Sent Items,
// notifying subscribers before it returns.
func (s *Server) FileSentItems() {
	s.mu.Lock()
	var jobs []notifyJob
	for _, u := range s.users {
		for _, f := range u.filing {
			s.insert(u, f.m, "sentitems")
			jobs = append(jobs, s.notificationsFor(u, f.m)...)
		}
		u.filing = nil
	}
	s.mu.Unlock()
	s.deliverNotifications(jobs)
}

// fileSent puts a sent message into Sent Items, now or after the delay,
// and returns the notifications it raises. Caller holds s.mu.
func (s *Server) fileSent(u *user, m *message) []notifyJob {
	if s.sentDelay > 0 {
		u.filing = append(u.filing, filing{m: m, left: s.sentDelay})
		return nil
	}
	s.insert(u, m, "sentitems")
	return s.notificationsFor(u, m)
}

// tick counts a request to u against its pending filings and files those
// that are due. Caller holds s.mu.
func (s *Server) tick(u *user) []notifyJob {
	var jobs []notifyJob
	keep := u.filing[:0]
	for _, f := range u.filing {
		if f.left--; f.left > 0 {
			keep = append(keep, f)
			continue
		}
		s.insert(u, f.m, "sentitems")
		jobs = append(jobs, s.notificationsFor(u, f.m)...)
	}
	u.filing = keep
	return jobs
}
