package tracking

import (
	"context"
	"errors"

	"github.com/inboxkit/inboxkit/internal/automail"
	"github.com/inboxkit/inboxkit/internal/mailparse"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// RecipientIndex is an optional extension of provider.SentIndex that
// Classify uses for its last match: a message from someone we wrote to,
// with the same normalised subject, is a reply even when the sender's
// client dropped In-Reply-To and References. MemoryIndex implements it.
type RecipientIndex interface {
	// ByRecipient returns the records of messages sent to address
	// (compared case-insensitively), newest first, or ErrNotFound.
	ByRecipient(ctx context.Context, address string) ([]*provider.SentRecord, error)
}

// maxLookups bounds the index lookups one message can cause.
const maxLookups = 24

// NormalizeSubject strips reply and forward prefixes ("Re:", "AW:",
// "SV:", "Fwd:", "[EXT]" tags, "Re[2]:") and folds case and white space,
// so a reply's subject compares equal to the original's. Fetch's
// pre-filter (every provider) uses the same normaliser.
func NormalizeSubject(s string) string { return automail.NormalizeSubject(s) }

// lookupID asks the index for one Message-ID; ErrNotFound is no match,
// other errors are returned.
func lookupID(ctx context.Context, idx provider.SentIndex, id string) (*provider.SentRecord, error) {
	id = providerkit.TrimMessageID(id)
	if id == "" {
		return nil, nil
	}
	rec, err := idx.ByMessageID(ctx, id)
	if errors.Is(err, provider.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// matchIDs tries the IDs in order and returns the first record found.
func matchIDs(ctx context.Context, idx provider.SentIndex, ids []string, budget *int) (*provider.SentRecord, error) {
	for _, id := range ids {
		if *budget <= 0 {
			return nil, nil
		}
		*budget--
		rec, err := lookupID(ctx, idx, id)
		if rec != nil || err != nil {
			return rec, err
		}
	}
	return nil, nil
}

// matchReply ties a reply or auto-reply to our mail: In-Reply-To, then
// References (newest first), then the provider thread, then sender plus
// normalised subject.
func matchReply(ctx context.Context, idx provider.SentIndex, m *mailparse.Message, cfg *config, from, subject string) (*provider.SentRecord, MatchedBy, error) {
	budget := maxLookups
	if rec, err := matchIDs(ctx, idx, providerkit.ParseMessageIDs(m.Header.Get("In-Reply-To")), &budget); rec != nil || err != nil {
		return rec, MatchInReplyTo, err
	}
	refs := providerkit.ParseMessageIDs(m.Header.Get("References"))
	for i, j := 0, len(refs)-1; i < j; i, j = i+1, j-1 {
		refs[i], refs[j] = refs[j], refs[i]
	}
	if rec, err := matchIDs(ctx, idx, refs, &budget); rec != nil || err != nil {
		return rec, MatchReferences, err
	}
	if cfg.threadID != "" {
		rec, err := idx.ByThread(ctx, cfg.account, cfg.threadID)
		if err == nil && rec != nil {
			return rec, MatchThread, nil
		}
		if err != nil && !errors.Is(err, provider.ErrNotFound) {
			return nil, "", err
		}
	}
	ri, ok := idx.(RecipientIndex)
	if !ok || from == "" {
		return nil, "", nil
	}
	recs, err := ri.ByRecipient(ctx, from)
	if err != nil {
		if errors.Is(err, provider.ErrNotFound) {
			return nil, "", nil
		}
		return nil, "", err
	}
	want := NormalizeSubject(subject)
	if want == "" {
		return nil, "", nil
	}
	for _, r := range recs {
		if NormalizeSubject(r.Subject) == want {
			return r, MatchRecipientSubject, nil
		}
	}
	return nil, "", nil
}
