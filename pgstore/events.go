package pgstore

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/jackc/pgx/v5"
)

// Event is one thing that happened to a mailbox, as the event table keeps
// it. Key identifies it stably (the same reply fetched twice has the same
// key), so it is stored once however often it is recorded.
type Event struct {
	Key     string
	Account string
	Kind    string
	At      time.Time
	// Data is the event's details as a JSON object; nil means {}.
	Data json.RawMessage
	// Seq is the arrival order, set by the store.
	Seq int64
}

// Events is the event table: an event sink unique by key, and a log hosts
// can follow by sequence number. It is safe for concurrent use.
type Events struct{ s *Store }

// Events returns the Store's event table.
func (s *Store) Events() *Events { return &Events{s: s} }

// Record stores events in one statement, skipping any whose key is stored
// already (by an earlier call or a concurrent replica), and returns the
// keys it stored now.
func (e *Events) Record(ctx context.Context, events []Event) ([]string, error) {
	if len(events) == 0 {
		return nil, nil
	}
	// Insert in key order, so replicas recording overlapping batches wait
	// on each other instead of deadlocking.
	events = slices.Clone(events)
	slices.SortFunc(events, func(a, b Event) int { return strings.Compare(a.Key, b.Key) })
	keys := make([]string, len(events))
	accounts := make([]string, len(events))
	kinds := make([]string, len(events))
	ats := make([]time.Time, len(events))
	data := make([]string, len(events))
	for i, ev := range events {
		if ev.Key == "" {
			return nil, providerkit.Invalid("Key", "required")
		}
		keys[i], accounts[i], kinds[i], ats[i] = ev.Key, ev.Account, ev.Kind, ev.At
		data[i] = "{}"
		if len(ev.Data) > 0 {
			if !json.Valid(ev.Data) {
				return nil, providerkit.Invalid("Data", "not JSON")
			}
			data[i] = string(ev.Data)
		}
	}
	var stored []string
	err := e.s.retry(ctx, "event record", func() error {
		rows, err := e.s.pool.Query(ctx, e.s.q("event_record"), keys, accounts, kinds, ats, data)
		if err != nil {
			return err
		}
		stored, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	return stored, wrap("event record", err)
}

// After returns up to limit events stored after sequence number seq, in
// arrival order (0: from the start).
func (e *Events) After(ctx context.Context, seq int64, limit int) ([]Event, error) {
	rows, err := e.s.pool.Query(ctx, e.s.q("event_after"), seq, limit)
	if err != nil {
		return nil, wrap("event list", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Event, error) {
		var ev Event
		var data []byte
		err := row.Scan(&ev.Seq, &ev.Key, &ev.Account, &ev.Kind, &ev.At, &data)
		ev.At, ev.Data = ev.At.UTC(), data
		return ev, err
	})
	return out, wrap("event list", err)
}
