package fakegraph

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// wellKnown are the mail folders every mailbox has, by well-known name.
var wellKnown = []struct{ name, display string }{
	{"inbox", "Inbox"}, {"drafts", "Drafts"}, {"sentitems", "Sent Items"},
	{"deleteditems", "Deleted Items"}, {"junkemail", "Junk Email"}, {"archive", "Archive"},
}

// user is one mailbox and its directory entry.
type user struct {
	index    int
	id       string // GUID
	email    string
	name     string
	mailNull bool
	folderID map[string]string // well-known name -> folder id
	msgs     []*message
	byID     map[string]*message // by regular id
	byImm    map[string]*message // by immutable id
	filing   []filing            // sent messages not yet in Sent Items
	changes  []change
	sendLog  []time.Time
	rcptLog  []rcptEntry
}

// change is one entry of a mailbox's change log, read by delta queries.
type change struct {
	seq    uint64
	msgID  string // the regular id it had in that folder
	imm    string // its immutable id
	folder string
	kind   string // "created" (entered the folder), "updated", "deleted" (left it)
}

type rcptEntry struct {
	at time.Time
	n  int
}

// message is one item in a mailbox.
type message struct {
	id                string // regular REST id: changes when the message changes folder
	immutableID       string // Prefer: IdType="ImmutableId": kept for the message's life
	folder            string // well-known name
	enteredSeq        uint64 // seq of the change that put it in its folder
	internetMessageID string // with angle brackets
	conversationID    string
	subject           string
	from, sender      *mail.Address
	to, cc, bcc       []*mail.Address
	replyTo           []*mail.Address
	customHeaders     [][2]string // x- headers given in JSON
	bodyType          string      // "text" or "html"
	body              string
	importance        string
	isDraft, isRead   bool
	fromJSON          bool // raw is generated from the fields
	raw               []byte
	created, modified time.Time
	received, sent    time.Time
	version           int
}

func (s *Server) addUser(email, name string) *user {
	sum := sha1.Sum([]byte(strings.ToLower(email)))
	sum[6] = (sum[6] & 0x0f) | 0x50
	sum[8] = (sum[8] & 0x3f) | 0x80
	u := &user{
		index:    len(s.users) + 1,
		id:       fmt.Sprintf("%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16]),
		email:    email,
		name:     name,
		folderID: map[string]string{},
		byID:     map[string]*message{},
		byImm:    map[string]*message{},
	}
	for i, f := range wellKnown {
		u.folderID[f.name] = folderIDFor(u.index, i+1)
	}
	s.users = append(s.users, u)
	return u
}

// lookupUser finds a user by id, mail or userPrincipalName. Caller holds s.mu.
func (s *Server) lookupUser(key string) *user {
	for _, u := range s.users {
		if strings.EqualFold(u.id, key) || strings.EqualFold(u.email, key) {
			return u
		}
	}
	return nil
}

// folderIDFor makes an opaque folder id in Exchange's style.
func folderIDFor(userIndex, n int) string {
	var b [8]byte
	binary.BigEndian.PutUint32(b[0:4], uint32(userIndex))
	binary.BigEndian.PutUint32(b[4:8], uint32(n))
	return "AQMkAD" + base64.RawURLEncoding.EncodeToString(b[:]) + "AAAA"
}

// resolveFolder maps a folder path segment (a well-known name, compared
// case-insensitively, or a folder id) to a well-known name.
func (u *user) resolveFolder(seg string) (string, bool) {
	for name, id := range u.folderID {
		if strings.EqualFold(seg, name) || seg == id {
			return name, true
		}
	}
	return "", false
}

// newID makes an opaque message id in Exchange's style ("AAMk…AAA=").
// Caller holds s.mu.
func (s *Server) newID(prefix string) string {
	s.seq++
	var b [12]byte
	binary.BigEndian.PutUint32(b[0:4], uint32(s.seq>>32))
	binary.BigEndian.PutUint64(b[4:12], s.seq*0x9E3779B97F4A7C15)
	return prefix + base64.RawURLEncoding.EncodeToString(b[:]) + "AAA="
}

// immutablePrefix starts every immutable id, as Exchange's "AAkALgAA…".
const immutablePrefix = "AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A"

// wellFormedID reports whether id has the shape of an id this fake
// issues (regular "AAMk…" or immutable "AAkA…"); anything else is "Id is
// malformed." as on Graph.
func wellFormedID(id string) bool {
	if !strings.HasPrefix(id, "AAMk") && !strings.HasPrefix(id, "AAkA") || len(id) < 16 {
		return false
	}
	for _, c := range strings.TrimRight(id, "=") {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// record appends a change to u's log. Caller holds s.mu.
func (s *Server) record(u *user, m *message, kind string) uint64 {
	s.seq++
	u.changes = append(u.changes, change{seq: s.seq, msgID: m.id, imm: m.immutableID, folder: m.folder, kind: kind})
	return s.seq
}

// insert stores m in folder and logs its creation. Caller holds s.mu.
func (s *Server) insert(u *user, m *message, folder string) {
	m.folder = folder
	if m.id == "" {
		m.id = s.newID("AAMkAGI2")
	}
	if m.immutableID == "" {
		m.immutableID = s.newID(immutablePrefix)
	}
	if m.conversationID == "" {
		m.conversationID = s.conversationFor(u, m.raw)
	}
	u.msgs = append(u.msgs, m)
	u.byID[m.id] = m
	u.byImm[m.immutableID] = m
	m.enteredSeq = s.record(u, m, "created")
}

// move takes m out of its folder (logging the departure) and stores it in
// folder under a new regular id, as Exchange does when an item changes
// folder; its immutable id stays.
// Caller holds s.mu.
func (s *Server) move(u *user, m *message, folder string) *message {
	s.remove(u, m)
	moved := *m
	moved.id = ""
	moved.modified = s.now().UTC() // a move changes lastModifiedDateTime, not receivedDateTime
	s.insert(u, &moved, folder)
	return &moved
}

// remove deletes m from the mailbox, logging the departure. Caller holds s.mu.
func (s *Server) remove(u *user, m *message) {
	s.record(u, m, "deleted")
	delete(u.byID, m.id)
	delete(u.byImm, m.immutableID)
	for i, x := range u.msgs {
		if x == m {
			u.msgs = append(u.msgs[:i], u.msgs[i+1:]...)
			break
		}
	}
}

// conversationFor returns the conversationId of a message already in u
// that raw names in In-Reply-To or References, or a new one.
// Caller holds s.mu.
func (s *Server) conversationFor(u *user, raw []byte) string {
	if h, err := readHeader(raw); err == nil {
		refs := append(msgIDs(h.Get("In-Reply-To")), msgIDs(h.Get("References"))...)
		for i := len(refs) - 1; i >= 0; i-- {
			for _, m := range u.msgs {
				if strings.EqualFold(trimID(m.internetMessageID), refs[i]) {
					return m.conversationID
				}
			}
		}
	}
	return s.newID("AAQkAD")
}

// Deliver puts raw into a mailbox's folder ("inbox", "junkemail", or
// "archive" as a server-side rule files it) as if it had arrived from
// outside: Exchange's properties are parsed from the
// MIME (a missing Message-ID is generated), the message joins the
// conversation of a message it names in In-Reply-To or References, and
// matching subscriptions are notified before Deliver returns.
func (s *Server) Deliver(mailbox, folder string, raw []byte) (id string, err error) {
	if folder != "inbox" && folder != "junkemail" && folder != "archive" {
		return "", fmt.Errorf("fakegraph: deliver: folder %q is not inbox, junkemail or archive", folder)
	}
	s.mu.Lock()
	u := s.lookupUser(mailbox)
	if u == nil {
		s.mu.Unlock()
		return "", fmt.Errorf("fakegraph: deliver: no mailbox %q", mailbox)
	}
	m, perr := s.parseMIME(raw)
	if perr != nil {
		s.mu.Unlock()
		return "", fmt.Errorf("fakegraph: deliver: %s", perr.message)
	}
	now := s.now()
	m.received, m.created, m.modified = now, now, now
	s.insert(u, m, folder)
	jobs := s.notificationsFor(u, m)
	s.mu.Unlock()
	s.deliverNotifications(jobs)
	return m.id, nil
}

// Message is a snapshot of one stored message.
type Message struct {
	ID, Folder                        string
	ImmutableID                       string // the id under Prefer: IdType="ImmutableId"
	InternetMessageID, ConversationID string // InternetMessageID with angle brackets
	From, Sender                      string // addresses
	IsDraft                           bool
	Raw                               []byte
}

// Messages returns the messages in a mailbox's folder ("inbox",
// "junkemail", "sentitems", "drafts", "deleteditems"), oldest first.
func (s *Server) Messages(mailbox, folder string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.lookupUser(mailbox)
	if u == nil {
		return nil
	}
	var out []Message
	for _, m := range u.msgs {
		if m.folder != folder {
			continue
		}
		out = append(out, Message{
			ID: m.id, ImmutableID: m.immutableID, Folder: m.folder, InternetMessageID: m.internetMessageID, ConversationID: m.conversationID,
			From: addrOf(m.from), Sender: addrOf(m.sender), IsDraft: m.isDraft, Raw: append([]byte(nil), m.raw...),
		})
	}
	return out
}

func addrOf(a *mail.Address) string {
	if a == nil {
		return ""
	}
	return a.Address
}
