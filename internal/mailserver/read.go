package mailserver

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Mailbox returns the raw messages in one of a local user's mailboxes, in
// UID order. It reads over IMAP through an internal connection that the
// counters do not see.
func (s *Server) Mailbox(email, mailbox string) ([][]byte, error) {
	u := s.lookup(email)
	if u == nil {
		return nil, fmt.Errorf("mailserver: no local user %q", email)
	}
	conn, err := s.intPipe.dial(s.imapLn.Addr(), s.imapLn.Addr())
	if err != nil {
		return nil, fmt.Errorf("mailserver: %w", err)
	}
	c := imapclient.New(conn, nil)
	defer c.Close()
	if err := c.Login(u.email, u.password).Wait(); err != nil {
		return nil, fmt.Errorf("mailserver: login %s: %w", email, err)
	}
	sel, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil, fmt.Errorf("mailserver: select %s: %w", mailbox, err)
	}
	if sel.NumMessages == 0 {
		return nil, nil
	}
	var all imap.UIDSet
	all.AddRange(1, 0)
	msgs, err := c.Fetch(all, &imap.FetchOptions{
		UID:         true,
		BodySection: []*imap.FetchItemBodySection{{Peek: true}},
	}).Collect()
	if err != nil {
		return nil, fmt.Errorf("mailserver: fetch %s: %w", mailbox, err)
	}
	out := make([][]byte, 0, len(msgs))
	slices.SortFunc(msgs, func(a, b *imapclient.FetchMessageBuffer) int { return cmp.Compare(a.UID, b.UID) })
	for _, m := range msgs {
		if len(m.BodySection) == 0 {
			continue
		}
		out = append(out, m.BodySection[0].Bytes)
	}
	_ = c.Logout().Wait()
	return out, nil
}
