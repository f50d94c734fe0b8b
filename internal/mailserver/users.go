package mailserver

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// user is one local mailbox owner: an imapmemserver user plus what
// imapmemserver does not keep (credentials we check ourselves, the
// SPECIAL-USE attributes and subscriptions that LIST reports).
type user struct {
	email    string
	password string
	mem      *imapmemserver.User

	mu    sync.Mutex
	token string
	boxes map[string]*boxMeta
	drop  *Maildrop // served over POP3 instead of INBOX when set
}

type boxMeta struct {
	specialUse []imap.MailboxAttr
	subscribed bool
}

// defaultBoxes are created for every user: INBOX, Sent (\Sent) and Junk
// (\Junk), all subscribed.
func defaultBoxes() []defaultBox {
	return []defaultBox{
		{"INBOX", ""},
		{"Sent", imap.MailboxAttrSent},
		{"Junk", imap.MailboxAttrJunk},
	}
}

type defaultBox struct {
	name string
	attr imap.MailboxAttr
}

// AddUser creates a local user whose address is also its SMTP and IMAP
// username. The user gets an INBOX, a "Sent" mailbox with the \Sent
// SPECIAL-USE attribute and a "Junk" mailbox with \Junk. SMTP AUTH PLAIN and
// LOGIN and IMAP LOGIN and AUTHENTICATE PLAIN accept the password; XOAUTH2
// accepts the token set with SetOAuthToken.
func (s *Server) AddUser(email, password string) error {
	if email == "" || strings.ContainsAny(email, " \r\n\t") || !strings.Contains(email, "@") {
		return fmt.Errorf("mailserver: invalid address %q", email)
	}
	key := strings.ToLower(email)
	u := &user{
		email:    email,
		password: password,
		mem:      imapmemserver.NewUser(email, password),
		boxes:    make(map[string]*boxMeta),
	}
	for _, b := range defaultBoxes() {
		if err := u.mem.Create(b.name, nil); err != nil {
			return fmt.Errorf("mailserver: create %s: %w", b.name, err)
		}
		if err := u.mem.Subscribe(b.name); err != nil {
			return fmt.Errorf("mailserver: subscribe %s: %w", b.name, err)
		}
		m := &boxMeta{subscribed: true}
		if b.attr != "" {
			m.specialUse = []imap.MailboxAttr{b.attr}
		}
		u.boxes[b.name] = m
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[key]; ok {
		return fmt.Errorf("mailserver: user %s already exists", email)
	}
	s.users[key] = u
	return nil
}

// SetOAuthToken sets the bearer token that XOAUTH2 accepts for email (an
// existing user). An empty token disables XOAUTH2 for the user.
func (s *Server) SetOAuthToken(email, token string) {
	if u := s.lookup(email); u != nil {
		u.mu.Lock()
		u.token = token
		u.mu.Unlock()
	}
}

func (s *Server) lookup(email string) *user {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.users[strings.ToLower(strings.TrimSpace(email))]
}

func (s *Server) checkPassword(username, password string) bool {
	u := s.lookup(username)
	if u == nil {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(password), []byte(u.password)) == 1
}

func (s *Server) checkToken(username, token string) bool {
	u := s.lookup(username)
	if u == nil {
		return false
	}
	u.mu.Lock()
	want := u.token
	u.mu.Unlock()
	return want != "" && subtle.ConstantTimeCompare([]byte(token), []byte(want)) == 1
}

// Deliver appends raw to the INBOX of the local user to, as if it had
// arrived from outside. IDLE sessions see it at once.
func (s *Server) Deliver(to string, raw []byte) error {
	u := s.lookup(to)
	if u == nil {
		return fmt.Errorf("mailserver: no local user %q", to)
	}
	_, err := u.mem.Append("INBOX", literal{bytes.NewReader(raw)}, &imap.AppendOptions{})
	if err != nil {
		return fmt.Errorf("mailserver: deliver to %s: %w", to, err)
	}
	return nil
}

// literal adapts a bytes.Reader to imap.LiteralReader.
type literal struct{ *bytes.Reader }

// names returns the user's mailbox names, sorted.
func (u *user) names() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := make([]string, 0, len(u.boxes))
	for n := range u.boxes {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func (u *user) meta(name string) (boxMeta, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	m, ok := u.boxes[name]
	if !ok {
		return boxMeta{}, false
	}
	return boxMeta{specialUse: append([]imap.MailboxAttr(nil), m.specialUse...), subscribed: m.subscribed}, true
}
