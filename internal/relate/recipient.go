package relate

import (
	"context"
	"errors"
	"net/mail"
	"strings"

	"github.com/inboxkit/inboxkit/internal/automail"
	"github.com/inboxkit/inboxkit/provider"
)

// RecipientIndex is the optional look-up of DESIGN.md "Nothing lost,
// nothing twice": a SentIndex that also has it lets Match relate a reply
// whose client dropped In-Reply-To and References. tracking.MemoryIndex
// implements it.
type RecipientIndex interface {
	// ByRecipient returns the records of messages sent to address
	// (case-insensitive), newest first, or ErrNotFound when none.
	ByRecipient(ctx context.Context, address string) ([]*provider.SentRecord, error)
}

// maxRecipientRecords bounds how many of a recipient's records one message
// compares subjects with.
const maxRecipientRecords = 200

// byRecipientSubject returns the newest record sent to the header's From
// address whose normalised subject equals the header's, when idx has
// ByRecipient; nil otherwise. A look-up error other than ErrNotFound is
// returned.
func byRecipientSubject(ctx context.Context, h interface{ Get(string) string }, idx provider.SentIndex) (*provider.SentRecord, error) {
	ri, ok := idx.(RecipientIndex)
	if !ok {
		return nil, nil
	}
	want := automail.NormalizeSubject(decodeWords(h.Get("Subject")))
	from := fromAddress(h.Get("From"))
	if want == "" || from == "" {
		return nil, nil
	}
	recs, err := ri.ByRecipient(ctx, from)
	if err != nil {
		if errors.Is(err, provider.ErrNotFound) {
			return nil, nil
		}
		return nil, err
	}
	for i, r := range recs {
		if i == maxRecipientRecords {
			break
		}
		if r != nil && automail.NormalizeSubject(r.Subject) == want {
			return r, nil
		}
	}
	return nil, nil
}

// fromAddress returns the lower-case address of a From field, or "".
func fromAddress(field string) string {
	field = strings.TrimSpace(field)
	if field == "" {
		return ""
	}
	if a, err := mail.ParseAddress(decodeWords(field)); err == nil {
		return strings.ToLower(a.Address)
	}
	if a, err := mail.ParseAddress(field); err == nil {
		return strings.ToLower(a.Address)
	}
	if i, j := strings.LastIndexByte(field, '<'), strings.LastIndexByte(field, '>'); i >= 0 && j > i {
		field = field[i+1 : j]
	}
	if strings.Count(field, "@") != 1 || strings.ContainsAny(field, " \t<>") {
		return ""
	}
	return strings.ToLower(field)
}
