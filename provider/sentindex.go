package provider

import (
	"context"
	"time"
)

// SentIndex answers "is this ours?" for fetched mail. Hosts implement it
// over their own store of sent messages; the tracking package ships an
// in-memory one. Implementations must be safe for concurrent use.
type SentIndex interface {
	// ByMessageID returns the record of the message we sent with this
	// Message-ID (without angle brackets), or ErrNotFound.
	ByMessageID(ctx context.Context, messageID string) (*SentRecord, error)
	// ByThread returns a record of a message we sent from account in the
	// provider thread threadID, or ErrNotFound.
	ByThread(ctx context.Context, account, threadID string) (*SentRecord, error)
}

// SentRecord is what the host keeps about a message it sent.
type SentRecord struct {
	// Account is the address of the mailbox that sent it.
	Account string
	// MessageID is the RFC 5322 Message-ID without angle brackets.
	MessageID string
	// ThreadID is Sent.ThreadID.
	ThreadID   string
	Recipients []string
	Subject    string
	SentAt     time.Time
	// Meta holds host-owned IDs: campaign, sequence step, contact …
	Meta map[string]string
}

// RecordOf builds the SentRecord for a message just sent, ready for the
// host to store in its SentIndex.
func RecordOf(account string, m *Message, s *Sent) *SentRecord {
	rcpts := m.Recipients()
	r := &SentRecord{
		Account:    account,
		MessageID:  s.MessageID,
		ThreadID:   s.ThreadID,
		Recipients: make([]string, len(rcpts)),
		Subject:    m.Subject,
		SentAt:     s.SentAt,
	}
	for i, a := range rcpts {
		r.Recipients[i] = a.Email
	}
	return r
}
