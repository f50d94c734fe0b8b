package gmail

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/inboxkit/inboxkit/internal/watermark"
	"github.com/inboxkit/inboxkit/provider"
	gmailapi "google.golang.org/api/gmail/v1"
)

// maxListPages bounds the messages.list pages one scan reads (500 ids
// each); past it the scan narrows its time window.
const maxListPages = 10

// scan goes on with a look-back or resync scan from c's watermark: it
// records the mailbox's historyId when the scan begins, lists the mail
// received since the watermark oldest first, leaves out what was added
// after the recorded historyId (the history returns it once the scan is
// done) and judges up to maxPerFetch messages it has not seen. When the
// scan has judged everything, the cursor goes back to the history.
func (p *Provider) scan(ctx context.Context, idx provider.SentIndex, c cursor) (*provider.Batch, error) {
	now := p.now()
	for attempt := 0; ; attempt++ {
		if c.history == 0 {
			prof, err := p.profile(ctx, "fetch")
			if err != nil {
				return nil, err
			}
			c.history = prof.HistoryId
		}
		refs, until, err := p.list(ctx, c.mark.At, now)
		if err != nil {
			return nil, err
		}
		if len(refs) > 0 {
			later, _, _, err := p.history(ctx, c.history, 0)
			if errors.Is(err, provider.ErrNotFound) && attempt == 0 {
				c.history = 0 // the scan outlived its historyId: record a new one
				continue
			}
			if err != nil {
				return nil, err
			}
			refs = slices.DeleteFunc(refs, func(r ref) bool {
				return slices.ContainsFunc(later, func(l ref) bool { return l.id == r.id })
			})
		}
		return p.scanJudge(ctx, idx, c, refs, until, now)
	}
}

// scanJudge judges the listed refs (oldest first) and moves the scan on.
func (p *Provider) scanJudge(ctx context.Context, idx provider.SentIndex, c cursor, refs []ref, until, now time.Time) (*provider.Batch, error) {
	mark, recent := c.mark, slices.Clone(c.recent)
	mark.IDs = slices.Clone(mark.IDs)
	seen := func(m *gmailapi.Message) bool {
		at := time.UnixMilli(m.InternalDate)
		switch {
		case slices.Contains(recent, m.Id), mark.Seen(at, m.Id):
			return true
		}
		// Before the expired cursor's watermark and unchanged since that
		// cursor: it was judged then.
		return c.base != 0 && !at.After(c.baseMark) && m.HistoryId <= c.base
	}
	// Messages are listed by internalDate: what comes before the last one
	// judged (or, should it be gone, the last one the watermark lists by
	// id) was judged, so skip it without a request.
	cut := slices.IndexFunc(refs, func(r ref) bool { return r.id == c.last })
	for i := len(refs) - 1; cut < 0 && i >= 0; i-- {
		if slices.Contains(mark.IDs, refs[i].id) {
			cut = i
		}
	}
	refs = refs[cut+1:]
	refs = slices.DeleteFunc(refs, func(r ref) bool { return slices.Contains(recent, r.id) })
	done := len(refs) <= maxPerFetch
	if !done {
		refs = refs[:maxPerFetch]
	}
	b := &provider.Batch{}
	if err := p.judgeAll(ctx, refs, idx, &c, seen, b); err != nil {
		return nil, err
	}
	c.at = now
	if len(refs) > 0 {
		c.last = refs[len(refs)-1].id
	}
	switch {
	case !done:
	case !until.IsZero(): // a narrowed window is done: the next one starts at its end
		if end := until.Add(-time.Millisecond); end.After(c.mark.At) {
			c.mark = watermark.Mark{At: end}
		}
	default: // the scan is complete: back to the history
		if c.baseMark.After(c.mark.At) {
			c.mark = watermark.Mark{At: c.baseMark}
		}
		c.scan, c.base, c.baseMark, c.last = false, 0, time.Time{}, ""
	}
	b.Cursor, b.More = c.String(), c.scan
	return b, nil
}

// list returns the ids of the mail received since since (to the second,
// so the watermark sorts out the overlap), not sent, draft or trash,
// oldest first. When there are more than maxListPages pages of it, it
// lists the window up to the oldest message it saw instead (messages.list
// answers newest first) and returns the window's end.
func (p *Provider) list(ctx context.Context, since, now time.Time) ([]ref, time.Time, error) {
	after := since.Unix() - 1
	var before int64 // 0: no end
	for {
		q := fmt.Sprintf("after:%d -in:sent -in:drafts -in:trash", after)
		if before != 0 {
			q += fmt.Sprintf(" before:%d", before)
		}
		end := before
		if end == 0 {
			end = now.Unix() + 1
		}
		limit := maxListPages
		if end-after <= 2 {
			limit = 0 // a window this narrow cannot be split: read all of it
		}
		refs, complete, err := p.listPages(ctx, q, limit)
		if err != nil {
			return nil, time.Time{}, err
		}
		if complete {
			slices.Reverse(refs) // oldest first
			var until time.Time
			if before != 0 {
				until = time.Unix(before, 0)
			}
			return refs, until, nil
		}
		// More than the pages read: what was not listed is older than the
		// oldest listed message, so the next window ends at its date.
		oldest, err := p.get(ctx, refs[len(refs)-1].id, "minimal")
		switch {
		case err == nil && oldest.InternalDate/1000+1 < end:
			before = max(oldest.InternalDate/1000+1, after+2)
		case err == nil || errors.Is(err, provider.ErrNotFound):
			before = after + max((end-after)/4, 2)
		default:
			return nil, time.Time{}, err
		}
	}
}

// listPages reads up to limit pages (0: all) of messages.list for q;
// complete is false when there were more.
func (p *Provider) listPages(ctx context.Context, q string, limit int) (refs []ref, complete bool, err error) {
	token := ""
	for page := 0; limit == 0 || page < limit; page++ {
		var resp *gmailapi.ListMessagesResponse
		err := p.call(ctx, "fetch", func(ctx context.Context) error {
			call := p.svc.Users.Messages.List("me").Q(q).IncludeSpamTrash(true).MaxResults(500)
			if token != "" {
				call.PageToken(token)
			}
			var err error
			resp, err = call.Context(ctx).Do()
			return err
		})
		if err != nil {
			return nil, false, err
		}
		for _, m := range resp.Messages {
			refs = append(refs, ref{id: m.Id, threadID: m.ThreadId})
		}
		if token = resp.NextPageToken; token == "" {
			return refs, true, nil
		}
	}
	return refs, false, nil
}
