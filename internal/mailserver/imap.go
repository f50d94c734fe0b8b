package mailserver

import (
	"io"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
)

const mailboxDelim = '/'

// imapCaps is what the IMAP server advertises beyond what imapserver adds
// on its own (SASL-IR, LITERAL-, IDLE, UNSELECT, ENABLE, UTF8=ACCEPT).
func imapCaps() imap.CapSet {
	return imap.CapSet{
		imap.CapIMAP4rev1:   {},
		imap.CapNamespace:   {},
		imap.CapUIDPlus:     {},
		imap.CapMove:        {},
		imap.CapSpecialUse:  {},
		imap.CapLiteralPlus: {},
	}
}

// imapSession wraps imapmemserver's session: it logs users in against our
// user table, adds AUTHENTICATE XOAUTH2, injects APPEND faults and reports
// SPECIAL-USE attributes on LIST. internal sessions serve Mailbox and skip
// the fault injection.
type imapSession struct {
	*imapmemserver.UserSession // nil until logged in

	s        *Server
	u        *user
	internal bool
	conn     *imapserver.Conn
}

var (
	_ imapserver.SessionIMAP4rev2 = (*imapSession)(nil)
	_ imapserver.SessionSASL      = (*imapSession)(nil)
)

func (s *Server) newIMAPSession(internal bool) func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
	return func(c *imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
		return &imapSession{s: s, internal: internal, conn: c}, nil, nil
	}
}

// Close implements imapserver.Session.
func (is *imapSession) Close() error {
	if is.UserSession == nil {
		return nil
	}
	return is.UserSession.Close()
}

// Login implements imapserver.Session.
func (is *imapSession) Login(username, password string) error {
	if !is.s.checkPassword(username, password) {
		return imapserver.ErrAuthFailed
	}
	is.start(username)
	return nil
}

func (is *imapSession) start(username string) {
	is.u = is.s.lookup(username)
	is.UserSession = imapmemserver.NewUserSession(is.u.mem)
}

// AuthenticateMechanisms implements imapserver.SessionSASL.
func (is *imapSession) AuthenticateMechanisms() []string {
	return []string{sasl.Plain, mechXOAuth2}
}

// Authenticate implements imapserver.SessionSASL.
func (is *imapSession) Authenticate(mech string) (sasl.Server, error) {
	switch strings.ToUpper(mech) {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, username, password string) error {
			if identity != "" && identity != username {
				return &imap.Error{
					Type: imap.StatusResponseTypeNo,
					Code: imap.ResponseCodeAuthorizationFailed,
					Text: "SASL identity not supported",
				}
			}
			return is.Login(username, password)
		}), nil
	case mechXOAuth2:
		return newXOAuth2Server(func(username, token string) error {
			if !is.s.checkToken(username, token) {
				return imapserver.ErrAuthFailed
			}
			is.start(username)
			return nil
		}), nil
	}
	return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Text: "SASL mechanism not supported"}
}

// Append implements imapserver.Session; FailAppend makes it fail.
func (is *imapSession) Append(mailbox string, r imap.LiteralReader, options *imap.AppendOptions) (*imap.AppendData, error) {
	if !is.internal && is.s.take(&is.s.failApp) {
		if _, err := io.Copy(io.Discard, r); err != nil {
			return nil, err
		}
		return nil, &imap.Error{
			Type: imap.StatusResponseTypeNo,
			Code: imap.ResponseCodeUnavailable,
			Text: "APPEND failed (injected fault)",
		}
	}
	data, err := is.UserSession.Append(mailbox, r, options)
	if err == nil && !is.internal && is.s.take(&is.s.dropApp) {
		// Stored, but the client never hears so: its APPEND is ambiguous.
		_ = is.conn.NetConn().Close()
	}
	return data, err
}

// Create implements imapserver.Session and remembers SPECIAL-USE
// attributes (RFC 6154 CREATE-SPECIAL-USE syntax).
func (is *imapSession) Create(name string, options *imap.CreateOptions) error {
	if err := is.UserSession.Create(name, options); err != nil {
		return err
	}
	name = strings.TrimRight(name, string(mailboxDelim))
	m := &boxMeta{}
	if options != nil {
		m.specialUse = append(m.specialUse, options.SpecialUse...)
	}
	is.u.mu.Lock()
	is.u.boxes[name] = m
	is.u.mu.Unlock()
	return nil
}

// Delete implements imapserver.Session.
func (is *imapSession) Delete(name string) error {
	if err := is.UserSession.Delete(name); err != nil {
		return err
	}
	is.u.mu.Lock()
	delete(is.u.boxes, name)
	is.u.mu.Unlock()
	return nil
}

// Rename implements imapserver.Session.
func (is *imapSession) Rename(oldName, newName string, options *imap.RenameOptions) error {
	if err := is.UserSession.Rename(oldName, newName, options); err != nil {
		return err
	}
	newName = strings.TrimRight(newName, string(mailboxDelim))
	is.u.mu.Lock()
	is.u.boxes[newName] = is.u.boxes[oldName]
	delete(is.u.boxes, oldName)
	is.u.mu.Unlock()
	return nil
}

// Subscribe implements imapserver.Session.
func (is *imapSession) Subscribe(name string) error {
	return is.setSubscribed(name, true)
}

// Unsubscribe implements imapserver.Session.
func (is *imapSession) Unsubscribe(name string) error {
	return is.setSubscribed(name, false)
}

func (is *imapSession) setSubscribed(name string, on bool) error {
	var err error
	if on {
		err = is.UserSession.Subscribe(name)
	} else {
		err = is.UserSession.Unsubscribe(name)
	}
	if err != nil {
		return err
	}
	is.u.mu.Lock()
	if m := is.u.boxes[name]; m != nil {
		m.subscribed = on
	}
	is.u.mu.Unlock()
	return nil
}

// List implements imapserver.Session like imapmemserver does, but reports
// each mailbox's SPECIAL-USE attributes (as Dovecot does, on every LIST).
func (is *imapSession) List(w *imapserver.ListWriter, ref string, patterns []string, options *imap.ListOptions) error {
	if len(patterns) == 0 || (len(patterns) == 1 && patterns[0] == "") {
		return w.WriteList(&imap.ListData{
			Attrs: []imap.MailboxAttr{imap.MailboxAttrNoSelect},
			Delim: mailboxDelim,
		})
	}
	for _, name := range is.u.names() {
		if !matchAny(name, ref, patterns) {
			continue
		}
		m, ok := is.u.meta(name)
		if !ok {
			continue
		}
		if options.SelectSubscribed && !m.subscribed {
			continue
		}
		if options.SelectSpecialUse && len(m.specialUse) == 0 {
			continue
		}
		data := imap.ListData{Mailbox: name, Delim: mailboxDelim}
		if m.subscribed && options.SelectSubscribed {
			data.Attrs = append(data.Attrs, imap.MailboxAttrSubscribed)
		}
		data.Attrs = append(data.Attrs, m.specialUse...)
		if options.ReturnStatus != nil {
			st, err := is.UserSession.Status(name, options.ReturnStatus)
			if err != nil {
				return err
			}
			data.Status = st
		}
		if err := w.WriteList(&data); err != nil {
			return err
		}
	}
	return nil
}

func matchAny(name, ref string, patterns []string) bool {
	for _, p := range patterns {
		if imapserver.MatchList(name, mailboxDelim, ref, p) {
			return true
		}
	}
	return false
}
