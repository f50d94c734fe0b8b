package smtpimap

import (
	"context"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/internal/relate"
	"github.com/inboxkit/inboxkit/provider"
)

// fetchBudget bounds the work of one Fetch in one folder; the cursor
// continues where a budget ran out.
type fetchBudget struct {
	headers   int   // header fields of at most this many messages (headerChunk a round trip)
	downloads int   // at most this many whole messages, in one round trip
	bytes     int64 // of at most this many bytes together (one message is always allowed)
	maxSize   int64 // a larger message is skipped: MaxMessageSize (tests lower it)
}

func (p *Provider) fetchBudget() fetchBudget {
	b := p.budget
	if b.headers <= 0 {
		b.headers = 10000
	}
	if b.downloads <= 0 {
		b.downloads = 100
	}
	if b.bytes <= 0 {
		b.bytes = 64 << 20
	}
	if b.maxSize <= 0 {
		b.maxSize = MaxMessageSize
	}
	return b
}

// scanResult is what one folder's scan found.
type scanResult struct {
	msgs    []provider.Incoming
	skipped []provider.Skipped
	more    bool // the budget ran out with mail left to read
}

type headerHit struct {
	uid     imap.UID
	date    time.Time
	size    int64
	verdict relate.Verdict
}

// scanFolder reads new messages' header fields in one folder, within the
// budget, downloads the related ones and the candidates, and returns them
// with the folder's new cursor.
func (s *imapSession) scanFolder(ctx context.Context, folder string, fc folderCursor, known bool, idx provider.SentIndex) (scanResult, folderCursor, error) {
	var res scanResult
	sel, err := s.c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return res, fc, wrap("select", fmt.Errorf("%s: %w", folder, err))
	}
	next := fc
	next.AtMark = slices.Clone(fc.AtMark)
	next.Validity = sel.UIDValidity
	last := uint32(0)
	if sel.UIDNext > 0 {
		last = uint32(sel.UIDNext) - 1
	}
	var rs *resyncState
	switch {
	case !known:
		next.UID, next.Resync = 0, nil
	case fc.Validity != sel.UIDValidity:
		rs = startResync(fc, sel.UIDNext)
		next.UID = 0
		if sel.NumMessages > 0 {
			if err := s.detectReset(rs); err != nil {
				return res, fc, err
			}
		}
	case fc.Resync != nil:
		cp := *fc.Resync
		rs = &cp
	}
	if rs != nil && next.UID >= rs.Until {
		rs = nil // the resync is done
	}
	next.Resync = rs
	if sel.NumMessages == 0 {
		next.UID, next.Resync = max(next.UID, last), nil
		return res, next, nil
	}

	b := s.p.fetchBudget()
	lookback := s.p.now().Add(-s.p.lookback())
	var (
		set imap.UIDSet
		end uint32 // the last UID this scan covers when it completes
		cut bool   // the list was cut to the budget
	)
	switch {
	case rs != nil || !known || last-next.UID > uint32(b.headers):
		criteria := &imap.SearchCriteria{UID: []imap.UIDSet{{imap.UIDRange{Start: imap.UID(next.UID + 1), Stop: 0}}}}
		end = last
		switch {
		case rs != nil:
			criteria, end = rs.criteria(next.UID+1, lookback), rs.Until
		case !known:
			criteria.Since = lookback
		}
		if end <= next.UID {
			break
		}
		data, err := s.c.UIDSearch(criteria, nil).Wait()
		if err != nil {
			return res, fc, wrap("search", err)
		}
		found := data.AllUIDs()
		slices.Sort(found)
		if len(found) > b.headers {
			found, cut = found[:b.headers], true
		}
		if len(found) > 0 {
			set = imap.UIDSetNum(found...)
		}
	default:
		set, end = imap.UIDSet{imap.UIDRange{Start: imap.UID(next.UID + 1), Stop: 0}}, last
	}

	var hits []headerHit
	lastUID, stopped := next.UID, false
	if set != nil {
		hits, res.skipped, lastUID, stopped, err = s.scanHeaders(ctx, folder, set, &next, rs, idx, b)
		if err != nil {
			return res, fc, err
		}
	}
	if cut || stopped {
		next.UID = max(next.UID, lastUID)
		res.more = true
	} else {
		next.UID = max(next.UID, lastUID, end)
		if rs != nil && next.UID >= rs.Until {
			next.Resync = nil
		}
	}
	msgs, refused, err := s.download(ctx, folder, sel.UIDValidity, hits, idx)
	if err != nil {
		return res, fc, err
	}
	res.msgs, res.skipped = msgs, append(res.skipped, refused...)
	return res, next, nil
}

// scanFields are the header fields a scan reads: relate's and Date (a
// resync's stand-in for a reset INTERNALDATE).
func scanFields() []string { return append(relate.HeaderFields(), "Date") }

// scanHeaders fetches the header fields of the messages in set, in
// chunks, notes each in next's watermark, and keeps the related ones and
// the candidates (those larger than MaxMessageSize go to skipped). It
// stops when the budget is spent and reports the last UID it judged.
func (s *imapSession) scanHeaders(ctx context.Context, folder string, set imap.UIDSet, next *folderCursor, rs *resyncState, idx provider.SentIndex, b fetchBudget) (hits []headerHit, skipped []provider.Skipped, lastUID uint32, stopped bool, err error) {
	section := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: scanFields(), Peek: true}
	opts := &imap.FetchOptions{UID: true, InternalDate: true, RFC822Size: true, BodySection: []*imap.FetchItemBodySection{section}}
	from := next.UID // "n:*" returns the last message even when it is old
	lastUID = next.UID
	var scanned int
	var bytes int64
	each := func(buf *imapFetched) (bool, error) {
		if uint32(buf.UID) <= from {
			return false, nil
		}
		h := relate.Header(buf.FindBodySection(section))
		msgID := providerkit.TrimMessageID(h.Get("Message-Id"))
		judged := rs != nil && uint32(buf.UID) <= rs.Until && rs.seen(buf.InternalDate, sentDate(h.Get("Date")), msgID)
		var hit *headerHit
		if !judged {
			v, err := relate.Match(ctx, h, idx, "", "")
			if err != nil {
				return true, err
			}
			switch {
			case !v.Download():
			case buf.RFC822Size > b.maxSize:
				skipped = append(skipped, provider.Skipped{
					ProviderID: fmt.Sprintf("%d/%d", next.Validity, buf.UID), Folder: folder,
					Reason: fmt.Sprintf("larger than the %d-byte cap (%d bytes)", b.maxSize, buf.RFC822Size),
				})
			case len(hits) >= b.downloads || (len(hits) > 0 && bytes+buf.RFC822Size > b.bytes):
				stopped = true // the next Fetch starts at this message
				return true, nil
			default:
				hit = &headerHit{uid: buf.UID, date: buf.InternalDate, size: buf.RFC822Size, verdict: v}
			}
		}
		if hit != nil {
			hits = append(hits, *hit)
			bytes += hit.size
		}
		scanned++
		lastUID = max(lastUID, uint32(buf.UID))
		next.see(buf.InternalDate.Unix(), msgID)
		next.noteNear(msgID)
		stopped = scanned >= b.headers
		return stopped, nil
	}
	refused := func(uid imap.UID, reason string) {
		// A message whose header the server will not hand over cannot be
		// judged: report it and move past it.
		lastUID = max(lastUID, uint32(uid))
		skipped = append(skipped, provider.Skipped{ProviderID: fmt.Sprintf("%d/%d", next.Validity, uid), Folder: folder, Reason: reason})
	}
	for _, chunk := range chunkUIDs(set, headerChunk) {
		if err := s.fetchEach(chunk, opts, each, refused); err != nil {
			return nil, nil, 0, false, err
		}
		if stopped {
			break
		}
	}
	return hits, skipped, lastUID, stopped, nil
}

// sentDate parses a Date field; the zero time when it is missing or
// unreadable.
func sentDate(field string) time.Time {
	if field == "" {
		return time.Time{}
	}
	t, err := mail.ParseDate(field)
	if err != nil {
		return time.Time{}
	}
	return t
}

// download fetches whole messages for the hits and settles candidates. A
// message the server refuses to hand over, or hands over without a body,
// is reported in skipped.
func (s *imapSession) download(ctx context.Context, folder string, validity uint32, hits []headerHit, idx provider.SentIndex) (out []provider.Incoming, skipped []provider.Skipped, err error) {
	if len(hits) == 0 {
		return nil, nil, nil
	}
	want := make([]imap.UID, 0, len(hits))
	byUID := make(map[imap.UID]headerHit, len(hits))
	for _, h := range hits {
		want = append(want, h.uid)
		byUID[h.uid] = h
	}
	providerID := func(uid imap.UID) string { return fmt.Sprintf("%d/%d", validity, uid) }
	section := &imap.FetchItemBodySection{Peek: true}
	opts := &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}
	each := func(buf *imapFetched) (bool, error) {
		hit, ok := byUID[buf.UID]
		if !ok {
			return false, nil
		}
		raw := buf.FindBodySection(section)
		if raw == nil {
			skipped = append(skipped, provider.Skipped{ProviderID: providerID(buf.UID), Folder: folder, Reason: "the server sent no body for it"})
			return false, nil
		}
		rec, matchedBy, err := relate.Settle(ctx, raw, hit.verdict, idx)
		if err != nil || rec == nil {
			return err != nil, err // rec == nil: a bounce or auto-reply, but not about our mail
		}
		out = append(out, provider.Incoming{
			Raw: raw, ProviderID: providerID(buf.UID), Folder: folder, ReceivedAt: hit.date, Record: rec, MatchedBy: matchedBy,
		})
		return false, nil
	}
	refused := func(uid imap.UID, reason string) {
		skipped = append(skipped, provider.Skipped{ProviderID: providerID(uid), Folder: folder, Reason: reason})
	}
	if err := s.fetchEach(imap.UIDSetNum(want...), opts, each, refused); err != nil {
		return nil, nil, err
	}
	slices.SortFunc(out, func(a, b provider.Incoming) int { return strings.Compare(pad(a.ProviderID), pad(b.ProviderID)) })
	return out, skipped, nil
}
