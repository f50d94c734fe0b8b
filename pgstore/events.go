package pgstore

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking"
	"github.com/jackc/pgx/v5"
)

// Events is the event table: the engine's Sink, unique by event key, and a
// log hosts can follow by sequence number. It is safe for concurrent use.
//
// Deliver keeps events whatever their Event.Fence: an event found by a
// replica that has since lost the mailbox is still a real reply, and the
// new holder finding the same message again stores nothing new. The fence
// is kept with the event for hosts that want to see it.
type Events struct{ s *Store }

var _ engine.Sink = (*Events)(nil)

// Events returns the Store's event table.
func (s *Store) Events() *Events { return &Events{s: s} }

// StoredEvent is an event as the table keeps it, with its place in the log.
type StoredEvent struct {
	// Seq is the arrival order, set by the store.
	Seq int64
	engine.Event
}

// eventData is what an event keeps in its data column: the classifier's
// answer and the record of our message, which have no columns of their own.
type eventData struct {
	Record *provider.SentRecord `json:"record,omitempty"`
	Result *tracking.Result     `json:"result,omitempty"`
}

// Deliver implements engine.Sink: it stores events in one statement,
// skipping any whose key is stored already (by an earlier call or a
// concurrent replica). A nil error means every event is stored.
func (e *Events) Deliver(ctx context.Context, events []engine.Event) error {
	if len(events) == 0 {
		return nil
	}
	// Insert in key order, so replicas delivering overlapping batches wait
	// on each other instead of deadlocking.
	events = slices.Clone(events)
	slices.SortFunc(events, func(a, b engine.Event) int { return strings.Compare(a.Key, b.Key) })
	n := len(events)
	keys, accounts, kinds := make([]string, n), make([]string, n), make([]string, n)
	ats := make([]time.Time, n)
	mids, pids, threads, folders, reasons := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	fences := make([]int64, n)
	data := make([]string, n)
	for i, ev := range events {
		if ev.Key == "" {
			return providerkit.Invalid("Key", "required")
		}
		keys[i], accounts[i], kinds[i], ats[i] = ev.Key, ev.Account, string(ev.Kind), ev.At
		mids[i], pids[i], threads[i], folders[i], reasons[i] = ev.MessageID, ev.ProviderID, ev.ThreadID, ev.Folder, ev.Reason
		fences[i] = int64(ev.Fence)
		d := eventData{Record: ev.Record}
		if ev.Result.Class != "" || ev.Result.MessageID != "" {
			res := ev.Result
			res.Record = nil // kept once, in Record
			d.Result = &res
		}
		b, err := json.Marshal(d)
		if err != nil {
			return providerkit.Invalid("Result", "cannot be stored as JSON")
		}
		data[i] = string(b)
	}
	err := e.s.retry(ctx, "event deliver", func() error {
		_, err := e.s.pool.Exec(ctx, e.s.q("event_record"), keys, accounts, kinds, ats, mids, pids, threads, folders, reasons, fences, data)
		return err
	})
	return wrap("event deliver", err)
}

// After returns up to limit events stored after sequence number seq, in
// arrival order (0: from the start).
func (e *Events) After(ctx context.Context, seq int64, limit int) ([]StoredEvent, error) {
	rows, err := e.s.pool.Query(ctx, e.s.q("event_after"), seq, limit)
	if err != nil {
		return nil, wrap("event list", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (StoredEvent, error) {
		var ev StoredEvent
		var kind string
		var fence int64
		var data []byte
		err := row.Scan(&ev.Seq, &ev.Key, &ev.Account, &kind, &ev.At, &ev.MessageID, &ev.ProviderID, &ev.ThreadID,
			&ev.Folder, &ev.Reason, &fence, &data)
		if err != nil {
			return ev, err
		}
		ev.Kind, ev.Fence, ev.At = engine.EventKind(kind), uint64(fence), ev.At.UTC()
		var d eventData
		if err := json.Unmarshal(data, &d); err != nil {
			return ev, err
		}
		ev.Record = d.Record
		if d.Result != nil {
			ev.Result = *d.Result
			ev.Result.Record = d.Record
		}
		return ev, nil
	})
	return out, wrap("event list", err)
}
