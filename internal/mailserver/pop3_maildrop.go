package mailserver

import (
	"bytes"
	"fmt"
	"slices"
	"sync"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Maildrop is a POP3 maildrop a test fills and changes directly, served
// instead of a user's INBOX once given to SetMaildrop. Messages keep the
// order they were added in, as a POP3 server keeps arrival order. Its
// methods are safe for concurrent use, also while sessions read it: each
// POP3 session works on the snapshot taken at login, as RFC 1939 requires.
type Maildrop struct {
	mu   sync.Mutex
	msgs []dropMessage
}

type dropMessage struct {
	uidl     string
	raw      []byte // CRLF line endings
	listSize int64  // what STAT and LIST report
}

// NewMaildrop returns an empty maildrop.
func NewMaildrop() *Maildrop { return &Maildrop{} }

// Add appends a message with the given unique-id (UIDL). Line endings are
// made CRLF. Reusing a unique-id is allowed, to play servers that do.
func (d *Maildrop) Add(uidl string, raw []byte) {
	crlf := toCRLF(raw)
	d.mu.Lock()
	d.msgs = append(d.msgs, dropMessage{uidl: uidl, raw: crlf, listSize: int64(len(crlf))})
	d.mu.Unlock()
}

// Delete removes the message with this unique-id, as another client
// would; it reports whether there was one.
func (d *Maildrop) Delete(uidl string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	i := slices.IndexFunc(d.msgs, func(m dropMessage) bool { return m.uidl == uidl })
	if i < 0 {
		return false
	}
	d.msgs = slices.Delete(d.msgs, i, i+1)
	return true
}

// Clear removes every message.
func (d *Maildrop) Clear() {
	d.mu.Lock()
	d.msgs = nil
	d.mu.Unlock()
}

// SetListSize makes STAT and LIST report size for the message with this
// unique-id instead of its true size: a server that lies. It reports
// whether there was such a message.
func (d *Maildrop) SetListSize(uidl string, size int64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := range d.msgs {
		if d.msgs[i].uidl == uidl {
			d.msgs[i].listSize = size
			return true
		}
	}
	return false
}

// Len returns the number of messages.
func (d *Maildrop) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.msgs)
}

// UIDLs returns the unique-ids in order.
func (d *Maildrop) UIDLs() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]string, len(d.msgs))
	for i, m := range d.msgs {
		out[i] = m.uidl
	}
	return out
}

func (d *Maildrop) snapshot() []dropMessage {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.msgs)
}

// deleteAll removes the messages a session marked with DELE, at QUIT.
func (d *Maildrop) deleteAll(uidls map[string]bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.msgs = slices.DeleteFunc(d.msgs, func(m dropMessage) bool { return uidls[m.uidl] })
}

// SetMaildrop makes POP3 serve d for the local user email instead of the
// user's INBOX; nil goes back to the INBOX.
func (s *Server) SetMaildrop(email string, d *Maildrop) error {
	u := s.lookup(email)
	if u == nil {
		return fmt.Errorf("mailserver: no local user %q", email)
	}
	u.mu.Lock()
	u.drop = d
	u.mu.Unlock()
	return nil
}

func (u *user) maildrop() *Maildrop {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.drop
}

// inboxSnapshot reads a user's INBOX over the internal IMAP connection
// into POP3 messages whose unique-id is UIDVALIDITY and UID in hex, the
// way Dovecot forms its default UIDL.
func (s *Server) inboxSnapshot(u *user) ([]dropMessage, error) {
	conn, err := s.intPipe.dial(s.imapLn.Addr(), s.imapLn.Addr())
	if err != nil {
		return nil, err
	}
	c := imapclient.New(conn, nil)
	defer c.Close()
	if err := c.Login(u.email, u.password).Wait(); err != nil {
		return nil, err
	}
	sel, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil, err
	}
	if sel.NumMessages == 0 {
		return nil, nil
	}
	var all imap.UIDSet
	all.AddRange(1, 0)
	msgs, err := c.Fetch(all, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}}).Collect()
	if err != nil {
		return nil, err
	}
	slices.SortFunc(msgs, func(a, b *imapclient.FetchMessageBuffer) int { return int(a.UID) - int(b.UID) })
	out := make([]dropMessage, 0, len(msgs))
	for _, m := range msgs {
		if len(m.BodySection) == 0 {
			continue
		}
		raw := toCRLF(m.BodySection[0].Bytes)
		out = append(out, dropMessage{uidl: fmt.Sprintf("%08X%08X", uint32(m.UID), sel.UIDValidity), raw: raw, listSize: int64(len(raw))})
	}
	_ = c.Logout().Wait()
	return out, nil
}

// toCRLF makes every line ending CRLF and the message end with one.
func toCRLF(raw []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(raw) + len(raw)/40 + 2)
	for len(raw) > 0 {
		i := bytes.IndexByte(raw, '\n')
		if i < 0 {
			b.Write(raw)
			b.WriteString("\r\n")
			break
		}
		b.Write(bytes.TrimSuffix(raw[:i], []byte("\r")))
		b.WriteString("\r\n")
		raw = raw[i+1:]
	}
	return b.Bytes()
}
