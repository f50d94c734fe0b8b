package pgstore

import (
	"context"
	"errors"
	"strings"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/jackc/pgx/v5"
)

var _ provider.SentIndex = (*Store)(nil)

// maxByRecipient caps what one ByRecipient returns: the newest records.
// Relating a reply by sender and subject only ever needs recent mail.
const maxByRecipient = 200

// Add records a message we sent, so that replies to it are found. A record
// with the same Message-ID replaces the earlier one. The Message-ID is
// required (angle brackets are removed); recipients are matched
// case-insensitively.
func (s *Store) Add(ctx context.Context, rec provider.SentRecord) error {
	rec.MessageID = providerkit.TrimMessageID(rec.MessageID)
	if rec.MessageID == "" {
		return providerkit.Invalid("MessageID", "required")
	}
	if rec.SentAt.IsZero() {
		return providerkit.Invalid("SentAt", "required")
	}
	rcpts := make([]string, 0, len(rec.Recipients))
	for _, a := range rec.Recipients {
		if a = normalizeAddress(a); a != "" {
			rcpts = append(rcpts, a)
		}
	}
	given := rec.Recipients
	if given == nil {
		given = []string{}
	}
	meta := rec.Meta
	if meta == nil {
		meta = map[string]string{}
	}
	return wrap("add sent record", s.inTx(ctx, "add sent record", pgx.TxOptions{}, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(s.q("sent_upsert"), rec.MessageID, rec.Account, rec.ThreadID, rec.Subject, rec.SentAt, given, meta)
		b.Queue(s.q("sent_recipients_clear"), rec.MessageID)
		b.Queue(s.q("sent_recipients_add"), rcpts, rec.SentAt, rec.MessageID)
		return tx.SendBatch(ctx, b).Close()
	}))
}

// ByMessageID implements provider.SentIndex.
func (s *Store) ByMessageID(ctx context.Context, messageID string) (*provider.SentRecord, error) {
	id := providerkit.TrimMessageID(messageID)
	if id == "" {
		return nil, provider.ErrNotFound
	}
	return s.oneRecord(ctx, "by message id", s.q("sent_by_message_id"), id)
}

// ByThread implements provider.SentIndex: the newest message account sent
// in the thread. The account compares case-insensitively; an empty account
// or thread matches none.
func (s *Store) ByThread(ctx context.Context, account, threadID string) (*provider.SentRecord, error) {
	if account == "" || threadID == "" {
		return nil, provider.ErrNotFound
	}
	return s.oneRecord(ctx, "by thread", s.q("sent_by_thread"), account, threadID)
}

// ByRecipient returns the messages sent to address (compared
// case-insensitively), newest first, at most the newest 200, or
// provider.ErrNotFound when there are none.
func (s *Store) ByRecipient(ctx context.Context, address string) ([]*provider.SentRecord, error) {
	a := normalizeAddress(address)
	if a == "" {
		return nil, provider.ErrNotFound
	}
	rows, err := s.pool.Query(ctx, s.q("sent_by_recipient"), a, maxByRecipient)
	if err != nil {
		return nil, wrap("by recipient", err)
	}
	recs, err := pgx.CollectRows(rows, scanRecord)
	if err != nil {
		return nil, wrap("by recipient", err)
	}
	if len(recs) == 0 {
		return nil, provider.ErrNotFound
	}
	return recs, nil
}

func (s *Store) oneRecord(ctx context.Context, op, query string, args ...any) (*provider.SentRecord, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, wrap(op, err)
	}
	rec, err := pgx.CollectExactlyOneRow(rows, scanRecord)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, provider.ErrNotFound
	}
	if err != nil {
		return nil, wrap(op, err)
	}
	return rec, nil
}

func scanRecord(row pgx.CollectableRow) (*provider.SentRecord, error) {
	r := &provider.SentRecord{}
	err := row.Scan(&r.MessageID, &r.Account, &r.ThreadID, &r.Subject, &r.SentAt, &r.Recipients, &r.Meta)
	if len(r.Meta) == 0 {
		r.Meta = nil
	}
	r.SentAt = r.SentAt.UTC()
	return r, err
}

func normalizeAddress(a string) string { return strings.ToLower(strings.TrimSpace(a)) }
