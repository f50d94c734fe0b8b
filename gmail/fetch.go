package gmail

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/textproto"
	"slices"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/internal/relate"
	"github.com/inboxkit/inboxkit/internal/watermark"
	"github.com/inboxkit/inboxkit/provider"
	gmailapi "google.golang.org/api/gmail/v1"
)

// Limits of one Fetch: it judges at most maxPerFetch messages and then
// returns a cursor that goes on from there.
const (
	// resyncSkew is how far below an expired cursor's watermark a resync
	// looks again for mail that Gmail accepted earlier but filed later.
	resyncSkew = 10 * time.Minute
	// maxPerFetch bounds the messages one Fetch judges.
	maxPerFetch = 100
)

// ref is a message to judge.
type ref struct {
	id, threadID string
	labels       []string // nil when not known yet
	record       uint64   // the history record that added it (0: from a scan)
}

// Fetch returns the new mail related to idx since cursor.
//
// A cursor holds a historyId: one users.history.list call (2 quota units)
// with historyTypes=messageAdded finds what arrived, so an idle poll costs
// one call. Each new message that is not our own (SENT, DRAFT) costs one
// messages.get: format=raw at once when its thread is one idx knows,
// otherwise format=metadata with relate.HeaderFields() (5 units), followed
// by format=raw (5 more) only for a related message or a bounce or
// auto-reply candidate. Up to four messages are read at a time, well under
// Gmail's per-user quota.
//
// The cursor also keeps a watermark of what was judged, in Gmail's
// internalDate (the time Google accepted the message, which label
// changes never move, unlike a message's historyId). An empty cursor
// records the mailbox's historyId (users.getProfile) and then scans back
// over Options.LookBack with messages.list, oldest first, leaving out what
// arrived after the recorded historyId so the next Fetch returns it once.
// When Gmail has expired the history (404), Fetch scans the same way from
// the watermark: a message received before it was judged already,
// whatever the user did to it since (read, labelled, archived, starred).
// Mail received up to ten minutes before the watermark is looked at again
// unless it is unchanged since the expired cursor or among the last 16
// returned, so mail that Google filed late is not lost. (Of the mail in
// those ten minutes, one the user changed after more than 16 later
// returns may come back once; mail filed more than ten minutes after
// Google accepted it and after the watermark had passed it is not seen by
// a resync.)
//
// One Fetch judges at most 100 messages; the cursor it returns goes on
// from there, and Batch.More says there is more to read now. A message that cannot be read for a reason that will not go
// away (malformed, too large, refused for that one message) is reported in
// Batch.Skipped and passed.
func (p *Provider) Fetch(ctx context.Context, cur string, idx provider.SentIndex) (*provider.Batch, error) {
	if err := p.checkRead("fetch"); err != nil {
		return nil, err
	}
	now := p.now()
	if cur == "" {
		return p.scan(ctx, idx, cursor{scan: true, mark: watermark.Mark{At: now.Add(-p.lookBack).Truncate(time.Millisecond)}})
	}
	c, err := parseCursor(cur)
	if err != nil {
		return nil, &provider.Error{Op: "fetch", Provider: provider.KindGmail, Code: provider.ErrInvalid, Field: "cursor", Err: err}
	}
	if c.scan {
		return p.scan(ctx, idx, c)
	}
	refs, next, more, err := p.history(ctx, c.history, maxPerFetch)
	if errors.Is(err, provider.ErrNotFound) {
		return p.scan(ctx, idx, p.resync(ctx, c, now))
	}
	if err != nil {
		return nil, err
	}
	b := &provider.Batch{}
	if err := p.judgeAll(ctx, refs, idx, &c, nil, b); err != nil {
		return nil, err
	}
	c.history, c.at = next, now
	b.Cursor, b.More = c.String(), more
	return b, nil
}

// resync turns an expired cursor into the scan that replaces it.
func (p *Provider) resync(ctx context.Context, c cursor, now time.Time) cursor {
	mark := c.mark.At
	if mark.IsZero() { // a cursor from an earlier version: no watermark
		mark = c.at
	}
	floor := now.Add(-p.lookBack)
	if mark.IsZero() || mark.Before(floor) {
		p.log.DebugContext(ctx, "gmail: history expired, looking back", "since", floor)
		return cursor{scan: true, mark: watermark.Mark{At: floor.Truncate(time.Millisecond)}, recent: c.recent}
	}
	p.log.DebugContext(ctx, "gmail: history expired, resyncing", "watermark", mark)
	return cursor{scan: true, base: c.history, baseMark: mark, mark: watermark.Mark{At: mark.Add(-resyncSkew)}, recent: c.recent}
}

// history returns up to limit messages added after start (0: all), oldest
// first, and the historyId to resume from: the mailbox's when all were
// read, else that of the last history record whose messages are returned
// (more is then true).
func (p *Provider) history(ctx context.Context, start uint64, limit int) (refs []ref, next uint64, more bool, err error) {
	var (
		seen  = map[string]bool{}
		token string
	)
	next = start
	for {
		var resp *gmailapi.ListHistoryResponse
		err := p.call(ctx, "fetch", func(ctx context.Context) error {
			call := p.svc.Users.History.List("me").StartHistoryId(start).HistoryTypes("messageAdded").MaxResults(500)
			if token != "" {
				call.PageToken(token)
			}
			var err error
			resp, err = call.Context(ctx).Do()
			return err
		})
		if err != nil {
			return nil, 0, false, err
		}
		for _, h := range resp.History {
			if limit > 0 && len(refs) >= limit {
				return refs, next, true, nil // the rest waits for the next Fetch
			}
			for _, a := range h.MessagesAdded {
				if m := a.Message; m != nil && !seen[m.Id] {
					seen[m.Id] = true
					refs = append(refs, ref{id: m.Id, threadID: m.ThreadId, labels: m.LabelIds, record: h.Id})
				}
			}
			next = max(next, h.Id)
		}
		if token = resp.NextPageToken; token == "" {
			return refs, max(next, resp.HistoryId), false, nil
		}
	}
}

func own(labels []string) bool {
	return slices.Contains(labels, "SENT") || slices.Contains(labels, "DRAFT")
}

func (p *Provider) get(ctx context.Context, id, format string) (*gmailapi.Message, error) {
	var m *gmailapi.Message
	err := p.call(ctx, "fetch", func(ctx context.Context) error {
		call := p.svc.Users.Messages.Get("me", id).Format(format)
		if format == "metadata" {
			call.MetadataHeaders(relate.HeaderFields()...)
		}
		var err error
		m, err = call.Context(ctx).Do()
		return err
	})
	return m, err
}

func metadataHeader(m *gmailapi.Message) textproto.MIMEHeader {
	h := textproto.MIMEHeader{}
	if m.Payload == nil {
		return h
	}
	for _, f := range m.Payload.Headers {
		h.Add(textproto.CanonicalMIMEHeaderKey(f.Name), f.Value)
	}
	return h
}

// decodeRaw decodes Gmail's base64url raw field, padded or not.
func decodeRaw(s string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, fmt.Errorf("gmail: raw message is not base64url: %w", err)
	}
	return b, nil
}

// folder names where Gmail filed the message: INBOX, SPAM, or "" when it
// carries neither (archived by a filter).
func folder(labels []string) string {
	for _, l := range []string{"INBOX", "SPAM"} {
		if slices.Contains(labels, l) {
			return l
		}
	}
	return ""
}
