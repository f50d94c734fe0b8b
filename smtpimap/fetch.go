package smtpimap

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/internal/relate"
	"github.com/inboxkit/inboxkit/provider"
)

// MaxMessageSize is the largest message Fetch downloads; a related message
// above it is skipped (logged), never half-returned.
const MaxMessageSize = 32 << 20

// headerChunk bounds how many messages one header FETCH asks for.
const headerChunk = 500

// Fetch returns new mail since cursor that relates to mail in idx: replies
// found by In-Reply-To / References, and bounces, complaints and
// auto-replies whose returned original is ours. It reads only a few header
// fields of new messages and downloads whole messages only for related ones
// and for bounce/auto-reply candidates. A Fetch with nothing new costs one
// IMAP round trip (pipelined STATUS of each folder).
//
// An empty cursor looks back over Config.LookBack (30 days). A changed
// UIDVALIDITY resyncs the folder from the cursor's watermark, losing
// nothing and returning nothing twice. Without IMAP settings Fetch reads
// POP3 when that is set (see the package docs, "Receiving over POP3"), and
// otherwise returns an empty batch.
func (p *Provider) Fetch(ctx context.Context, cursorText string, idx provider.SentIndex) (*provider.Batch, error) {
	if p.closed.Load() {
		return nil, providerkit.Closed(provider.KindSMTPIMAP, "fetch")
	}
	if p.cfg.IMAP == nil && p.cfg.POP3 != nil {
		return p.fetchPOP3(ctx, cursorText, idx)
	}
	cur, err := parseCursor(cursorText)
	if err != nil {
		return nil, err
	}
	if p.cfg.IMAP == nil {
		return &provider.Batch{Cursor: cur.String()}, nil
	}
	var out []provider.Incoming
	next := cursor{Folders: make(map[string]folderCursor, len(cur.Folders))}
	err = p.imap.do(ctx, func(s *imapSession) error {
		out = out[:0]
		folders, err := s.fetchFolders()
		if err != nil {
			return err
		}
		statuses, err := s.statuses(folders)
		if err != nil {
			return err
		}
		scanned := false
		for i, folder := range folders {
			fc, known := cur.Folders[folder]
			st := statuses[i]
			if known && st.UIDValidity == fc.Validity && st.UIDNext != 0 && uint32(st.UIDNext) <= fc.UID+1 {
				next.Folders[folder] = fc
				continue
			}
			scanned = true
			msgs, nfc, err := s.scanFolder(ctx, folder, fc, known, idx)
			if err != nil {
				_ = s.unselect()
				return err
			}
			out = append(out, msgs...)
			next.Folders[folder] = nfc
		}
		if scanned {
			return s.unselect()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &provider.Batch{Messages: out, Cursor: next.String()}, nil
}

// fetchFolders returns Config.Folders, or INBOX plus the folder marked
// \Junk (where many bounces land). Found once per Provider.
func (s *imapSession) fetchFolders() ([]string, error) {
	p := s.p
	if len(p.cfg.Folders) > 0 {
		return p.cfg.Folders, nil
	}
	p.sentMu.Lock()
	defer p.sentMu.Unlock()
	if p.folders != nil {
		return p.folders, nil
	}
	folders := []string{"INBOX"}
	boxes, err := s.c.List("", "*", nil).Collect()
	if err != nil {
		return nil, wrap("list", err)
	}
	for _, b := range boxes {
		if slices.Contains(b.Attrs, imap.MailboxAttrJunk) {
			folders = append(folders, b.Mailbox)
			break
		}
	}
	p.folders = folders
	return folders, nil
}

// unselect leaves the folder a scan selected, so that the next Fetch's
// STATUS is never about the selected mailbox: RFC 3501 §6.3.10 warns
// against that, and Dovecot answers it from the session's own view — after
// another client deleted and re-created the folder, the old UIDVALIDITY,
// which hid the rebuild from the resync. UNSELECT where offered, else
// CLOSE, which expunges nothing in a folder selected read-only.
func (s *imapSession) unselect() error {
	cmd := s.c.UnselectAndExpunge
	if s.c.Caps().Has(imap.CapUnselect) || s.c.Caps().Has(imap.CapIMAP4rev2) {
		cmd = s.c.Unselect
	}
	return wrap("unselect", cmd().Wait())
}

// statuses asks for every folder's UIDVALIDITY and UIDNEXT in one
// pipelined round trip.
func (s *imapSession) statuses(folders []string) ([]*imap.StatusData, error) {
	cmds := make([]interface {
		Wait() (*imap.StatusData, error)
	}, len(folders))
	for i, f := range folders {
		cmds[i] = s.c.Status(f, &imap.StatusOptions{UIDNext: true, UIDValidity: true})
	}
	out := make([]*imap.StatusData, len(folders))
	var first error
	for i, cmd := range cmds {
		st, err := cmd.Wait()
		if err != nil && first == nil {
			first = wrap("status", fmt.Errorf("%s: %w", folders[i], err))
		}
		out[i] = st
	}
	return out, first
}

type headerHit struct {
	uid     imap.UID
	date    time.Time
	size    int64
	verdict relate.Verdict
}

// scanFolder reads new messages' headers in one folder, downloads the
// related ones and the candidates, and returns them with the folder's new
// cursor.
func (s *imapSession) scanFolder(ctx context.Context, folder string, fc folderCursor, known bool, idx provider.SentIndex) ([]provider.Incoming, folderCursor, error) {
	sel, err := s.c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil, fc, wrap("select", fmt.Errorf("%s: %w", folder, err))
	}
	resync := known && fc.Validity != sel.UIDValidity
	next := folderCursor{Validity: sel.UIDValidity, UID: fc.UID, Mark: fc.Mark, AtMark: slices.Clone(fc.AtMark)}
	if !known || resync {
		next.UID = 0
	}
	var uids imap.UIDSet
	switch {
	case sel.NumMessages == 0:
		if sel.UIDNext > 0 {
			next.UID = max(next.UID, uint32(sel.UIDNext)-1)
		}
		return nil, next, nil
	case !known || resync:
		since := s.p.now().Add(-s.p.lookback())
		if resync && fc.Mark > 0 {
			since = time.Unix(fc.Mark, 0).Add(-24 * time.Hour)
		}
		criteria := &imap.SearchCriteria{Since: since}
		if sel.UIDNext > 1 {
			criteria.UID = []imap.UIDSet{{imap.UIDRange{Start: 1, Stop: sel.UIDNext - 1}}}
			next.UID = uint32(sel.UIDNext) - 1
		}
		data, err := s.c.UIDSearch(criteria, nil).Wait()
		if err != nil {
			return nil, fc, wrap("search", err)
		}
		found := data.AllUIDs()
		if len(found) == 0 {
			return nil, next, nil
		}
		uids = imap.UIDSetNum(found...)
	default:
		uids = imap.UIDSet{imap.UIDRange{Start: imap.UID(fc.UID + 1), Stop: 0}}
	}

	hits, err := s.scanHeaders(ctx, uids, fc, &next, resync, idx)
	if err != nil {
		return nil, fc, err
	}
	msgs, err := s.download(ctx, folder, sel.UIDValidity, hits, idx)
	if err != nil {
		return nil, fc, err
	}
	return msgs, next, nil
}

// scanHeaders fetches the header fields relate needs for every message in
// uids, in chunks, and keeps the related ones and the candidates.
func (s *imapSession) scanHeaders(ctx context.Context, uids imap.UIDSet, fc folderCursor, next *folderCursor, resync bool, idx provider.SentIndex) ([]headerHit, error) {
	section := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: relate.HeaderFields(), Peek: true}
	opts := &imap.FetchOptions{UID: true, InternalDate: true, RFC822Size: true, BodySection: []*imap.FetchItemBodySection{section}}
	var hits []headerHit
	for _, chunk := range chunkUIDs(uids, headerChunk) {
		cmd := s.c.Fetch(chunk, opts)
		for {
			m := cmd.Next()
			if m == nil {
				break
			}
			buf, err := m.Collect()
			if err != nil {
				_ = cmd.Close()
				return nil, wrap("fetch", err)
			}
			if uint32(buf.UID) <= next.UID && !resync && fc.Validity == next.Validity && next.UID != 0 {
				continue // "n:*" returns the last message even when it is old
			}
			h := relate.Header(buf.FindBodySection(section))
			msgID := providerkit.TrimMessageID(h.Get("Message-Id"))
			date := buf.InternalDate.Unix()
			if resync && fc.seenBefore(date, msgID) {
				next.UID = max(next.UID, uint32(buf.UID))
				continue
			}
			next.see(date, msgID)
			next.UID = max(next.UID, uint32(buf.UID))
			v, err := relate.Match(ctx, h, idx, "", "")
			if err != nil {
				_ = cmd.Close()
				return nil, err
			}
			if v.Download() {
				hits = append(hits, headerHit{uid: buf.UID, date: buf.InternalDate, size: buf.RFC822Size, verdict: v})
			}
		}
		if err := cmd.Close(); err != nil {
			return nil, wrap("fetch", err)
		}
	}
	return hits, nil
}

// download fetches whole messages for the hits and settles candidates.
func (s *imapSession) download(ctx context.Context, folder string, validity uint32, hits []headerHit, idx provider.SentIndex) ([]provider.Incoming, error) {
	var want []imap.UID
	byUID := make(map[imap.UID]headerHit, len(hits))
	for _, h := range hits {
		if h.size > MaxMessageSize {
			s.p.log.Warn("skipping an oversized message", "folder", folder, "uid", h.uid, "size", h.size)
			continue
		}
		want = append(want, h.uid)
		byUID[h.uid] = h
	}
	if len(want) == 0 {
		return nil, nil
	}
	section := &imap.FetchItemBodySection{Peek: true}
	cmd := s.c.Fetch(imap.UIDSetNum(want...), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}})
	var out []provider.Incoming
	for {
		m := cmd.Next()
		if m == nil {
			break
		}
		buf, err := m.Collect()
		if err != nil {
			_ = cmd.Close()
			return nil, wrap("fetch", err)
		}
		hit, ok := byUID[buf.UID]
		raw := buf.FindBodySection(section)
		if !ok || raw == nil {
			continue
		}
		rec, matchedBy, err := relate.Settle(ctx, raw, hit.verdict, idx)
		if err != nil {
			_ = cmd.Close()
			return nil, err
		}
		if rec == nil {
			continue // a bounce or auto-reply, but not about our mail
		}
		out = append(out, provider.Incoming{
			Raw:        raw,
			ProviderID: fmt.Sprintf("%d/%d", validity, buf.UID),
			Folder:     folder,
			ReceivedAt: hit.date,
			Record:     rec,
			MatchedBy:  matchedBy,
		})
	}
	if err := cmd.Close(); err != nil {
		return nil, wrap("fetch", err)
	}
	slices.SortFunc(out, func(a, b provider.Incoming) int { return strings.Compare(pad(a.ProviderID), pad(b.ProviderID)) })
	return out, nil
}

func pad(id string) string { return fmt.Sprintf("%24s", id) }

// chunkUIDs splits a UID set into sets of at most n explicit UIDs; an
// open range ("n:*") stays whole.
func chunkUIDs(set imap.UIDSet, n int) []imap.UIDSet {
	if nums, ok := set.Nums(); ok && len(nums) > n {
		var out []imap.UIDSet
		for len(nums) > 0 {
			k := min(n, len(nums))
			out = append(out, imap.UIDSetNum(nums[:k]...))
			nums = nums[k:]
		}
		return out
	}
	return []imap.UIDSet{set}
}

func (p *Provider) lookback() time.Duration {
	if p.cfg.LookBack > 0 {
		return p.cfg.LookBack
	}
	return 30 * 24 * time.Hour
}
