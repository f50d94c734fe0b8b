package smtpimap

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// MaxMessageSize is the largest message Fetch downloads; a related message
// (or bounce or auto-reply candidate) above it is reported in
// Batch.Skipped and the cursor moves past it, never half-returned.
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
// UIDVALIDITY resyncs the folder from the cursor's watermark and the
// Message-IDs judged last, also when the server reset INTERNALDATE (see
// the package docs, "Resync"); where it cannot be exact it returns a
// message again rather than lose it.
//
// One message never stalls the account: a related message larger than
// MaxMessageSize, or one the server refuses to hand over (a NO to the
// FETCH of that message alone), is reported in Batch.Skipped and the
// cursor moves past it. Only transient failures (the connection, a
// SentIndex look-up) fail a Fetch. One Fetch reads the header fields of
// at most 10,000 messages (20 round trips) and downloads at most 100 messages (64 MB) per
// folder, in a bounded number of round trips; the cursor continues from
// there and Batch.More says so. Without IMAP settings Fetch reads
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
	var (
		out     []provider.Incoming
		skipped []provider.Skipped
		more    bool
	)
	next := cursor{Folders: make(map[string]folderCursor, len(cur.Folders))}
	err = p.imap.do(ctx, func(s *imapSession) error {
		out, skipped, more = out[:0], skipped[:0], false
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
			res, nfc, err := s.scanFolder(ctx, folder, fc, known, idx)
			if err != nil {
				_ = s.unselect()
				return err
			}
			out = append(out, res.msgs...)
			skipped = append(skipped, res.skipped...)
			more = more || res.more
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
	return &provider.Batch{Messages: out, Skipped: skipped, Cursor: next.String(), More: more}, nil
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
