package pgstore

import (
	"context"

	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/jackc/pgx/v5"
)

var _ provider.HandoverLog = (*Store)(nil)

// The send_log.state values; they equal provider.SendState's.
const (
	stateInFlight = int16(provider.SendInFlight)
	stateUnknown  = int16(provider.SendUnknown)
	stateDone     = int16(provider.SendDone)
)

// Begin implements provider.SendLog. A new key is claimed by one INSERT.
// An existing one is claimed in one transaction that locks its row and
// takes it over when it is unknown or its in-flight lease ran out; a
// concurrent Begin waits on the row lock and then sees the entry fresh and
// in flight.
func (s *Store) Begin(ctx context.Context, account, key, messageID string, now time.Time, lease time.Duration) (*provider.SendEntry, error) {
	k := []byte(key)
	// A new key, the common case, is one statement in one round trip.
	n, err := s.exec(ctx, "send log begin", s.q("sendlog_insert"), account, k, messageID, now)
	if err != nil {
		return nil, wrap("send log begin", err)
	}
	if n == 1 {
		return nil, nil
	}
	var prev *provider.SendEntry
	err = s.inTx(ctx, "send log begin", pgx.TxOptions{}, func(tx pgx.Tx) error {
		prev = nil
		// The entry may have gone (pruned) since: insert again.
		tag, err := tx.Exec(ctx, s.q("sendlog_insert"), account, k, messageID, now)
		if err != nil || tag.RowsAffected() == 1 {
			return err
		}
		var (
			state                int16
			e                    provider.SendEntry
			providerID, threadID *string
			sentAt               *time.Time
		)
		err = tx.QueryRow(ctx, s.q("sendlog_lock"), account, k).
			Scan(&state, &e.MessageID, &providerID, &threadID, &sentAt, &e.Updated, &e.HandedOver)
		if err != nil {
			return err
		}
		e.State = provider.SendState(state)
		e.Updated = e.Updated.UTC()
		if state == stateDone {
			e.Sent = &provider.Sent{MessageID: e.MessageID, ProviderID: deref(providerID), ThreadID: deref(threadID)}
			if sentAt != nil {
				e.Sent.SentAt = sentAt.UTC()
			}
		}
		prev = &e
		if state == stateUnknown || (state == stateInFlight && e.Updated.Add(lease).Before(now)) {
			if _, err := tx.Exec(ctx, s.q("sendlog_claim"), account, k, now); err != nil {
				return err
			}
			prev.State = provider.SendUnknown
		}
		return nil
	})
	if err != nil {
		return nil, wrap("send log begin", err)
	}
	return prev, nil
}

// Finish implements provider.SendLog.
func (s *Store) Finish(ctx context.Context, account, key string, state provider.SendState, sent *provider.Sent) error {
	if state != provider.SendDone && state != provider.SendUnknown {
		return providerkit.Invalid("state", "Finish takes SendDone or SendUnknown")
	}
	var providerID, threadID, messageID *string
	var sentAt *time.Time
	if sent != nil {
		providerID, threadID, sentAt = &sent.ProviderID, &sent.ThreadID, &sent.SentAt
		if sent.MessageID != "" {
			messageID = &sent.MessageID
		}
	}
	var found bool
	err := s.retry(ctx, "send log finish", func() error {
		return s.pool.QueryRow(ctx, s.q("sendlog_finish"), account, []byte(key), int16(state),
			providerID, threadID, sentAt, messageID, s.clock()).Scan(&found)
	})
	if err != nil {
		return wrap("send log finish", err)
	}
	if !found {
		return provider.ErrNotFound
	}
	return nil
}

// HandOver implements provider.HandoverLog: it sets or clears the mark
// that an attempt handed the whole message to the server, so that a retry
// after a crash past that point is refused rather than sent again.
func (s *Store) HandOver(ctx context.Context, account, key string, handed bool) error {
	n, err := s.exec(ctx, "send log hand-over", s.q("sendlog_handover"), account, []byte(key), handed)
	if err != nil {
		return wrap("send log hand-over", err)
	}
	if n == 0 {
		return provider.ErrNotFound
	}
	return nil
}

// PruneSendLog deletes the send log's entries last updated before
// olderThan: keys whose retries have long stopped. Run it from time to
// time (daily, with a cut-off of a week or more).
func (s *Store) PruneSendLog(ctx context.Context, olderThan time.Time) (int64, error) {
	n, err := s.exec(ctx, "prune send log", s.q("sendlog_prune"), olderThan)
	return n, wrap("prune send log", err)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
