package engine

import (
	"context"
	"errors"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking"
)

// fetchAll fetches until the account is caught up: a Fetch does bounded
// work, so after a batch that says More, or that brought events, and
// moved the cursor it fetches again. (Gmail's and Graph's cursors move on
// every Fetch, so a moved cursor alone says nothing.) It returns the
// cursor reached.
func (r *runner) fetchAll(ctx context.Context, p provider.Provider, email, cursor string) (string, error) {
	for {
		next, n, more, err := r.fetchOnce(ctx, p, email, cursor)
		if err != nil {
			return cursor, err
		}
		moved := next != cursor
		cursor = next
		if !moved || n == 0 && !more {
			return cursor, nil
		}
	}
}

// fetchOnce runs one Fetch under the engine's semaphore, hands its events
// to the Sink and then saves the cursor. It returns the new cursor and
// the number of events, and whether the provider said there is more.
func (r *runner) fetchOnce(ctx context.Context, p provider.Provider, email, cursor string) (string, int, bool, error) {
	e := r.e
	select {
	case e.sem <- struct{}{}:
	case <-ctx.Done():
		return cursor, 0, false, ctx.Err()
	}
	if n := e.fetching.Add(1); n > e.maxFetching.Load() {
		for m := e.maxFetching.Load(); n > m && !e.maxFetching.CompareAndSwap(m, n); m = e.maxFetching.Load() {
		}
	}
	var batch *provider.Batch
	err := guardProvider("Provider.Fetch", func() error {
		var err error
		batch, err = p.Fetch(ctx, cursor, e.opts.SentIndex)
		return err
	})
	e.fetching.Add(-1)
	<-e.sem
	e.fetches.Add(1)
	if err != nil {
		return cursor, 0, false, err
	}
	if batch == nil {
		return cursor, 0, false, nil
	}
	events, err := r.events(ctx, email, batch)
	if err != nil {
		return cursor, 0, false, err
	}
	if len(events) > 0 {
		if err := guard("Sink.Deliver", func() error { return e.opts.Sink.Deliver(ctx, events) }); err != nil {
			return cursor, 0, false, err
		}
		e.events.Add(uint64(len(events)))
	}
	if batch.Cursor != "" && batch.Cursor != cursor {
		if err := r.saveCursor(ctx, batch.Cursor); err != nil {
			return cursor, 0, false, err
		}
		cursor = batch.Cursor
	}
	return cursor, len(events), batch.More, r.setStatus(ctx, provider.AccountStateOf(nil, e.opts.Clock.Now()))
}

// events classifies a batch's messages and turns them, and its skipped
// messages, into events with stable keys.
func (r *runner) events(ctx context.Context, email string, b *provider.Batch) ([]Event, error) {
	e := r.e
	out := make([]Event, 0, len(b.Messages)+len(b.Skipped))
	for i := range b.Messages {
		in := &b.Messages[i]
		ev := Event{
			Account: r.account, ProviderID: in.ProviderID, ThreadID: in.ThreadID, Folder: in.Folder,
			At: in.ReceivedAt, Fence: r.lease.Token,
		}
		if ev.At.IsZero() {
			ev.At = e.opts.Clock.Now()
		}
		var res tracking.Result
		err := guard("SentIndex", func() error {
			var err error
			res, err = tracking.Classify(ctx, in.Raw, e.opts.SentIndex, tracking.WithThread(email, in.ThreadID))
			return err
		})
		var he *HostError
		switch {
		case errors.Is(err, tracking.ErrNotMessage):
			ev.Kind, ev.Reason, ev.Record = EventSkipped, "unreadable: not a mail message", in.Record
		case errors.As(err, &he) && he.Panic:
			// A message that makes classification panic would do so on
			// every retry: move past it rather than stall the account.
			e.log.ErrorContext(ctx, "engine: classifying a message panicked; skipping it", "account", r.account,
				"provider_id", in.ProviderID, "error", he.Err, "stack", he.Stack)
			ev.Kind, ev.Reason, ev.Record = EventSkipped, "unreadable: classification failed", in.Record
		case err != nil && ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil:
			return nil, err // the SentIndex failed: fetch this batch again later
		default:
			if res.Record == nil && in.Record != nil {
				res.Record, res.MatchedBy = in.Record, tracking.MatchedBy(in.MatchedBy)
			}
			ev.Kind, ev.Result, ev.Record, ev.MessageID = kindOf(res.Class), res, res.Record, res.MessageID
		}
		ev.Key = EventKey(r.account, ev.Kind, ev.MessageID, in.ProviderID)
		out = append(out, ev)
	}
	for _, s := range b.Skipped {
		out = append(out, Event{
			Key:     EventKey(r.account, EventSkipped, "", s.Folder+"\x00"+s.ProviderID),
			Account: r.account, Kind: EventSkipped, At: e.opts.Clock.Now(),
			ProviderID: s.ProviderID, Folder: s.Folder, Reason: s.Reason, Fence: r.lease.Token,
		})
	}
	return out, nil
}

func kindOf(k tracking.Class) EventKind {
	switch k {
	case tracking.ClassReply:
		return EventReplied
	case tracking.ClassAutoReply:
		return EventAutoReplied
	case tracking.ClassBounce:
		return EventBounced
	case tracking.ClassComplaint:
		return EventComplained
	default:
		return EventOther
	}
}

// saveCursor saves the cursor, under the lease's fencing token when the
// store is fenced. A fenced refusal means another process holds the
// account now: the runner stops and the lease loop sorts out the lease.
func (r *runner) saveCursor(ctx context.Context, cursor string) error {
	cs := r.e.opts.Cursors
	f, fenced := cs.(FencedCursors)
	err := guard("CursorStore.SaveCursor", func() error {
		if fenced {
			return f.SaveCursorFenced(ctx, r.account, cursor, r.lease.Token)
		}
		return cs.SaveCursor(ctx, r.account, cursor)
	})
	if errors.Is(err, ErrLeaseLost) {
		r.e.log.InfoContext(ctx, "engine: cursor refused under an old fencing token; stopping account", "account", r.account, "token", r.lease.Token)
		r.e.dropLease(r.account, r.lease.Token)
	}
	return err
}
