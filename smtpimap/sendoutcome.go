package smtpimap

import (
	"context"
	"errors"

	"github.com/inboxkit/inboxkit/provider"
)

// errNoLookup is why a retry after an unknown outcome is refused when the
// Sent folder cannot answer whether the earlier attempt went out.
var errNoLookup = errors.New("smtpimap: an earlier attempt with this idempotency key may have delivered the message, and without a Sent folder to look in it cannot be checked; not sending it again")

// canLookUp reports whether the Sent folder tells whether a message went
// out: IMAP is on and either we save the copy or the server does.
func (p *Provider) canLookUp() bool {
	return p.cfg.IMAP != nil && (p.saveSent() || savesSentItself(p.cfg.SMTP.Host))
}

// lookupEarlier is the Deduper's look-up before a retry. With a Sent folder
// to look in, it searches it. Without one, it answers "not found" only when
// the send log records hand-overs (provider.HandoverLog, as the memory log
// and pgstore's do): the Deduper then sends again only if no earlier
// attempt handed the message to the server, and refuses otherwise. With a
// log that keeps no such mark it refuses with provider.ErrOutcomeUnknown
// rather than risk a second delivery.
func (p *Provider) lookupEarlier(ctx context.Context, messageID string) (*provider.Sent, error) {
	if p.canLookUp() {
		return p.lookupSent(ctx, messageID)
	}
	if _, ok := p.sender.Dedupe.Log.(provider.HandoverLog); ok {
		return nil, provider.ErrNotFound
	}
	return nil, &provider.Error{Op: "send", Provider: provider.KindSMTPIMAP, Code: provider.ErrOutcomeUnknown, Err: errNoLookup}
}
