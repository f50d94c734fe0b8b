package provider

import (
	"time"
)

// Address is a mailbox with an optional display name.
type Address struct {
	Name  string
	Email string
}

// String formats the address for a header, quoting the name as needed.
func (a Address) String() string {
	return formatAddress(a)
}

// Header is one extra header field of an outgoing message.
type Header struct {
	Name, Value string
}

// Attachment is a file sent with a message. With Inline set and a
// ContentID, HTML can show it as <img src="cid:ContentID">.
type Attachment struct {
	Filename    string
	ContentType string // empty: guessed from Filename, else application/octet-stream
	Data        []byte
	Inline      bool
	ContentID   string
}

// Message is an outgoing message.
type Message struct {
	// From is the account, one of its aliases, or (through delegation) a
	// colleague's account. Empty Email means the account's own address.
	From    Address
	To      []Address
	Cc      []Address
	Bcc     []Address
	ReplyTo []Address
	Subject string
	// Text and HTML are the bodies; at least one is required. Both make a
	// multipart/alternative message.
	Text string
	HTML string
	// Attachments are added as a multipart/mixed part (multipart/related
	// for inline ones).
	Attachments []Attachment
	// Headers are extra header fields. Names that inboxkit sets itself
	// (see ReservedHeader) are refused.
	Headers []Header
	// InReplyTo, References and ThreadID make a follow-up in the same
	// thread. Message-IDs are given without angle brackets; ThreadID is the
	// provider's (Sent.ThreadID of the earlier message).
	InReplyTo  string
	References []string
	ThreadID   string
	// MessageID is the RFC 5322 Message-ID without angle brackets;
	// generated when empty (from IdempotencyKey when one is given).
	MessageID string
	// IdempotencyKey, when set, makes Send deliver at most once for this
	// key, even when retried after a timeout.
	IdempotencyKey string
	// Date is the Date header; zero means the time of sending.
	Date time.Time
}

// Recipients returns every envelope recipient: To, Cc and Bcc, in order.
func (m *Message) Recipients() []Address {
	all := make([]Address, 0, len(m.To)+len(m.Cc)+len(m.Bcc))
	all = append(all, m.To...)
	all = append(all, m.Cc...)
	return append(all, m.Bcc...)
}

// Sent says where a delivered message is.
type Sent struct {
	// MessageID is the RFC 5322 Message-ID, without angle brackets.
	MessageID string
	// ProviderID is the Gmail message id, the Graph message id, or the
	// IMAP UID of the copy in the Sent folder ("" when none was saved).
	ProviderID string
	// ThreadID is the Gmail threadId, the Graph conversationId, or for SMTP
	// the Message-ID of the thread's root message.
	ThreadID string
	SentAt   time.Time
	// Duplicate is true when Send found this message already delivered
	// under the same IdempotencyKey and did not send it again.
	Duplicate bool
	// SentCopyErr is set when the message was delivered but the copy to
	// the Sent folder could not be saved (smtpimap's IMAP APPEND failed):
	// the send succeeded, so Send returns no error, and a host that wants
	// to tell the user reads it here. Nil otherwise.
	SentCopyErr error
}

// Incoming is a fetched message that relates to mail we sent.
type Incoming struct {
	// Raw is the whole RFC 5322 message as the server stored it.
	Raw []byte
	// ProviderID is the provider's id (Gmail id, Graph id, IMAP
	// "UIDVALIDITY/UID").
	ProviderID string
	// ThreadID is the provider's thread (Gmail threadId, Graph
	// conversationId); empty for IMAP.
	ThreadID string
	// Folder is where the message was found ("INBOX", "Junk" …).
	Folder     string
	ReceivedAt time.Time
	// Record is the SentRecord this message was matched to while
	// fetching. Fetch returns only messages with a Record.
	Record *SentRecord
	// MatchedBy says how Record was found: "in-reply-to", "references",
	// "thread", "dsn-original" (the returned original inside a bounce or
	// complaint named it), or "" when Record is nil.
	MatchedBy string
}

// Batch is the result of one Fetch.
type Batch struct {
	Messages []Incoming
	// Skipped lists messages that could not be read for a reason that will
	// not go away (too large, malformed, refused by the server for that one
	// item). The cursor has moved past them, so one bad message never
	// stalls an account; the host sees each one here once.
	Skipped []Skipped
	// Cursor is where the next Fetch resumes; save it once the messages
	// are processed.
	Cursor string
	// More reports that Fetch stopped at its work bound with mail left to
	// read: call Fetch again from Cursor now rather than at the next poll.
	More bool
}

// Skipped is a message Fetch moved past without returning it.
type Skipped struct {
	// ProviderID is the provider's id of the message, as in Incoming.
	ProviderID string
	// Folder is where it was found, when the provider has folders.
	Folder string
	// Reason says why, in words a host can show ("larger than the 25 MB
	// cap", "malformed header block" …).
	Reason string
}
