package smtpimap

import (
	"context"
	"slices"
	"sync"
	"time"
)

// idleFolder is the folder Watch's IDLE session selects: the first of
// Config.Folders, else INBOX.
func (p *Provider) idleFolder() string {
	if len(p.cfg.Folders) > 0 {
		return p.cfg.Folders[0]
	}
	return "INBOX"
}

// otherFolders polls the folders Fetch reads besides the IDLE one with
// STATUS (UIDNEXT, UIDVALIDITY), since one IMAP connection IDLEs on one
// mailbox. It is used by one Watch.
type otherFolders struct {
	mu    sync.Mutex
	next  time.Time            // when to poll next; zero: never (no other folders)
	seen  map[string][2]uint32 // UIDVALIDITY and UIDNEXT by folder
	known bool                 // the folder list has been read
}

// baseline records the other folders' state before Watch's first
// notify, so that a change after it is noticed.
func (o *otherFolders) baseline(ctx context.Context, p *Provider) {
	o.mu.Lock()
	o.next = time.Now() // poll at once if this fails
	o.mu.Unlock()
	o.poll(ctx, p)
}

func (o *otherFolders) due() time.Time {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.next
}

// poll checks the other folders when due and reports whether one changed
// since the last poll. A failed poll is logged and tried again at the
// next interval: the IDLE session reports connection trouble itself.
func (o *otherFolders) poll(ctx context.Context, p *Provider) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.next.IsZero() || time.Now().Before(o.next) {
		return false
	}
	o.next = time.Now().Add(p.pollInterval())
	changed := false
	err := p.imap.do(ctx, func(s *imapSession) error {
		folders, err := s.fetchFolders()
		if err != nil {
			return err
		}
		others := slices.DeleteFunc(slices.Clone(folders), func(f string) bool { return f == p.idleFolder() })
		if len(others) == 0 {
			o.next = time.Time{} // IDLE covers everything Fetch reads
			return nil
		}
		sts, err := s.statuses(others)
		if err != nil {
			return err
		}
		if o.seen == nil {
			o.seen = make(map[string][2]uint32, len(others))
		}
		for i, f := range others {
			now := [2]uint32{sts[i].UIDValidity, 0}
			if sts[i].UIDNext != 0 {
				now[1] = uint32(sts[i].UIDNext)
			}
			if before, ok := o.seen[f]; ok && before != now {
				changed = true
			} else if !ok && o.known {
				changed = true // a folder that appeared since
			}
			o.seen[f] = now
		}
		o.known = true
		return nil
	})
	if err != nil && ctx.Err() == nil {
		p.log.Warn("IMAP watch: polling the other folders failed; trying again", "error", err)
	}
	return changed
}
