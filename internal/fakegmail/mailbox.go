package fakegmail

import (
	"bytes"
	"fmt"
	"net/mail"
	"net/textproto"
	"slices"
	"strings"
	"time"
)

type message struct {
	id, threadID string
	labels       []string
	raw          []byte
	header       mail.Header
	messageID    string // without brackets
	historyID    uint64
	date         time.Time
}

func (m *message) hasLabel(l string) bool { return l == "" || slices.Contains(m.labels, l) }

// parseRaw reads the header of a raw message; a message Gmail cannot parse
// is refused.
func parseRaw(raw []byte) (mail.Header, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	return msg.Header, nil
}

func trimID(id string) string {
	id = strings.TrimSpace(id)
	return strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
}

// msgIDs returns the ids in an In-Reply-To or References value.
func msgIDs(v string) []string {
	var out []string
	for _, f := range strings.Fields(strings.ReplaceAll(v, "><", "> <")) {
		if id := trimID(f); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// normSubject strips reply and forward prefixes and folds case, as Gmail
// does when it decides whether a message continues a thread.
func normSubject(s string) string {
	s = strings.TrimSpace(s)
	for {
		l := strings.ToLower(s)
		cut := false
		for _, p := range []string{"re:", "fwd:", "fw:", "aw:", "sv:", "vs:", "antw:", "tr:"} {
			if strings.HasPrefix(l, p) {
				s = strings.TrimSpace(s[len(p):])
				cut = true
				break
			}
		}
		if !cut {
			return strings.ToLower(s)
		}
	}
}

// threadFor returns the thread a new message joins: the thread of a
// message it names in In-Reply-To or References whose subject matches,
// else "" (a new thread). want, when set, is the threadId the sender asked
// for; it is honoured only under the same conditions, as Gmail does.
func (s *Server) threadFor(h mail.Header, want string) string {
	refs := append(msgIDs(h.Get("In-Reply-To")), msgIDs(h.Get("References"))...)
	subj := normSubject(h.Get("Subject"))
	for _, ref := range refs {
		for _, m := range s.msgs {
			if m.messageID != ref || (want != "" && m.threadID != want) {
				continue
			}
			if normSubject(m.header.Get("Subject")) == subj {
				return m.threadID
			}
		}
	}
	return ""
}

// insert adds raw to the mailbox with labels and records a messageAdded
// history entry. Caller holds s.mu.
func (s *Server) insert(raw []byte, h mail.Header, labels []string, wantThread string) *message {
	s.seq++
	id := fmt.Sprintf("%016x", s.seq)
	s.historyID++
	m := &message{
		id:        id,
		labels:    labels,
		raw:       raw,
		header:    h,
		messageID: trimID(h.Get("Message-Id")),
		historyID: s.historyID,
		date:      s.now(),
	}
	m.threadID = s.threadFor(h, wantThread)
	if m.threadID == "" {
		m.threadID = id
	}
	s.msgs = append(s.msgs, m)
	s.byID[id] = m
	s.history = append(s.history, historyRecord{id: s.historyID, msgID: id, kind: "messageAdded"})
	return m
}

// Deliver puts raw into the INBOX as if it had arrived from outside, and
// returns its Gmail id and threadId.
func (s *Server) Deliver(raw []byte) (id, threadID string, err error) {
	h, err := parseRaw(raw)
	if err != nil {
		return "", "", fmt.Errorf("fakegmail: deliver: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.insert(bytes.Clone(raw), h, []string{"INBOX", "UNREAD", "CATEGORY_PERSONAL"}, "")
	return m.id, m.threadID, nil
}

// hasRecipient reports whether the header names anyone to deliver to.
func hasRecipient(h mail.Header) bool {
	for _, f := range []string{"To", "Cc", "Bcc"} {
		if list, err := h.AddressList(f); err == nil && len(list) > 0 {
			return true
		}
	}
	return false
}

// headerValues returns the named fields of m in message order, for
// format=metadata (names compared case-insensitively; empty: all).
func headerValues(raw []byte, names []string) [][2]string {
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if end < 0 {
		end = len(raw)
	}
	r := textproto.NewReader(bufioReader(raw[:end]))
	var out [][2]string
	for {
		line, err := r.ReadContinuedLine()
		if line != "" {
			if k, v, ok := strings.Cut(line, ":"); ok {
				k = strings.TrimSpace(k)
				if len(names) == 0 || slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, k) }) {
					out = append(out, [2]string{k, strings.TrimSpace(v)})
				}
			}
		}
		if err != nil {
			return out
		}
	}
}
