package smtpimap

import (
	"context"
	"errors"
	"sync"

	"github.com/inboxkit/inboxkit/provider"
)

// errNoLookup is why a retry after an unknown outcome is refused when the
// Sent folder cannot answer whether the earlier attempt went out.
var errNoLookup = errors.New("smtpimap: an earlier attempt with this idempotency key may have delivered the message, and without a Sent folder to look in it cannot be checked; not sending it again")

// failedSends remembers, per process, the Message-IDs whose last attempt
// failed before the message was handed over (a refused connection, sender
// or recipient): a retry of those may send, since nothing went out. It is
// bounded; a Message-ID it forgot, or never saw (another process, a
// restart), counts as unknown.
type failedSends struct {
	mu    sync.Mutex
	ids   map[string]struct{}
	order []string
}

const failedSendsMax = 4096

func (f *failedSends) add(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ids == nil {
		f.ids = make(map[string]struct{})
	}
	if _, ok := f.ids[id]; ok {
		return
	}
	if len(f.order) >= failedSendsMax {
		delete(f.ids, f.order[0])
		f.order = f.order[1:]
	}
	f.ids[id] = struct{}{}
	f.order = append(f.order, id)
}

// take reports whether id's last attempt failed for sure, forgetting it:
// the attempt about to start decides anew.
func (f *failedSends) take(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.ids[id]
	delete(f.ids, id)
	return ok
}

// canLookUp reports whether the Sent folder tells whether a message went
// out: IMAP is on and either we save the copy or the server does.
func (p *Provider) canLookUp() bool {
	return p.cfg.IMAP != nil && (p.saveSent() || savesSentItself(p.cfg.SMTP.Host))
}

// lookupEarlier is the Deduper's look-up before a retry. With a Sent folder
// to look in, it searches it. Without one it may only say "not sent" when
// this process saw the earlier attempt fail before the message was handed
// over; otherwise it refuses with provider.ErrOutcomeUnknown rather than
// risk a second delivery.
func (p *Provider) lookupEarlier(ctx context.Context, messageID string) (*provider.Sent, error) {
	if p.canLookUp() {
		return p.lookupSent(ctx, messageID)
	}
	if p.failed.take(messageID) {
		return nil, provider.ErrNotFound
	}
	return nil, &provider.Error{Op: "send", Provider: provider.KindSMTPIMAP, Code: provider.ErrOutcomeUnknown, Err: errNoLookup}
}
