package gmail

import (
	"context"
	"errors"
	"fmt"
	"net/textproto"
	"slices"
	"sync"
	"time"

	"github.com/inboxkit/inboxkit/internal/relate"
	"github.com/inboxkit/inboxkit/provider"
	gmailapi "google.golang.org/api/gmail/v1"
)

const (
	// getWorkers is how many messages are read at a time: four
	// messages.get in flight are at most 40 quota units, far below
	// Gmail's 250 per user per second.
	getWorkers = 4
	// maxMessageSize is the largest message Fetch downloads; a bigger one
	// is reported in Batch.Skipped. Gmail accepts up to 50 MB.
	maxMessageSize = 50 << 20
	// clockSlack bounds how far in the future a message's internalDate may
	// move the watermark.
	clockSlack = 10 * time.Minute
)

// skipError marks a message that cannot be read for a reason that will
// not go away.
type skipError struct{ reason string }

func (e *skipError) Error() string { return "gmail: " + e.reason }

// verdict is the outcome of judging one message.
type verdict struct {
	in    *provider.Incoming
	first *gmailapi.Message // the first answer about it, nil when none came
	skip  string            // why it was passed, when it cannot be read
	err   error
}

// judgeAll judges refs (a few at a time, results kept in order), adds
// the related ones to b and those that cannot be read to b.Skipped,
// labels what it returns, and notes each message in c's watermark.
// seenBefore, when set, drops a message already judged before. The first
// error that may go away fails the whole call, so the cursor does not
// move past a message that was not judged.
func (p *Provider) judgeAll(parent context.Context, refs []ref, idx provider.SentIndex, c *cursor, seenBefore func(*gmailapi.Message) bool, b *provider.Batch) error {
	refs = slices.DeleteFunc(slices.Clone(refs), func(r ref) bool { return r.labels != nil && own(r.labels) })
	out := make([]verdict, len(refs))
	var wg sync.WaitGroup
	work := make(chan int)
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	for range min(getWorkers, len(refs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				v := p.judgeOne(ctx, refs[i], idx, seenBefore)
				if v.err != nil {
					cancel()
				}
				out[i] = v
			}
		}()
	}
	for i := range refs {
		if ctx.Err() != nil {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	if err := firstError(parent, out); err != nil {
		return err
	}
	for i, v := range out {
		if v.first != nil {
			if at := time.UnixMilli(v.first.InternalDate); v.first.InternalDate > 0 && at.Before(p.now().Add(clockSlack)) {
				c.mark.Note(at, refs[i].id)
			}
		}
		switch {
		case v.skip != "":
			b.Skipped = append(b.Skipped, provider.Skipped{ProviderID: refs[i].id, Folder: folderOf(v.first), Reason: v.skip})
		case v.in != nil:
			p.applyLabel(parent, v.in.ProviderID)
			c.returned(v.in.ProviderID)
			b.Messages = append(b.Messages, *v.in)
		}
	}
	return nil
}

// firstError returns the error that stopped the judging: the first one
// that is not the cancellation it caused in the other workers.
func firstError(parent context.Context, out []verdict) error {
	if err := parent.Err(); err != nil {
		return err
	}
	var cancelled error
	for _, v := range out {
		switch {
		case v.err == nil:
		case errors.Is(v.err, context.Canceled):
			cancelled = v.err
		default:
			return v.err
		}
	}
	return cancelled
}

func folderOf(m *gmailapi.Message) string {
	if m == nil {
		return ""
	}
	return folder(m.LabelIds)
}

// judgeOne runs relate.Judge over Gmail's messages.get: format=metadata
// for the header, format=raw for the message. The first answer's labels
// drop our own mail and trash; seenBefore drops what was judged before.
func (p *Provider) judgeOne(ctx context.Context, r ref, idx provider.SentIndex, seenBefore func(*gmailapi.Message) bool) verdict {
	var v verdict
	get := func(ctx context.Context, format string) (*gmailapi.Message, error) {
		m, err := p.get(ctx, r.id, format)
		if err != nil || v.first != nil {
			return m, err
		}
		v.first = m
		switch {
		case own(m.LabelIds) || slices.Contains(m.LabelIds, "TRASH"):
			return nil, relate.ErrSkip
		case seenBefore != nil && seenBefore(m):
			return nil, relate.ErrSkip
		case m.SizeEstimate > maxMessageSize:
			return nil, &skipError{fmt.Sprintf("message of %d bytes is larger than the %d MB Fetch downloads", m.SizeEstimate, maxMessageSize>>20)}
		}
		return m, nil
	}
	in, err := relate.Judge(ctx, idx, p.email, r.threadID, relate.Steps{
		Header: func(ctx context.Context) (textproto.MIMEHeader, error) {
			m, err := get(ctx, "metadata")
			if err != nil {
				return nil, err
			}
			return metadataHeader(m), nil
		},
		Raw: func(ctx context.Context) ([]byte, error) {
			m, err := get(ctx, "raw")
			if err != nil {
				return nil, err
			}
			raw, err := decodeRaw(m.Raw)
			if err != nil {
				return nil, &skipError{"raw message is not base64url"}
			}
			return raw, nil
		},
	})
	var skip *skipError
	switch {
	case errors.As(err, &skip):
		v.skip = skip.reason
	case permanent(err):
		v.skip = "Gmail refused to return this message: " + err.Error()
	case err != nil:
		v.err = err
	case in != nil:
		m := v.first
		in.ProviderID = m.Id
		in.ThreadID = m.ThreadId
		in.Folder = folder(m.LabelIds)
		in.ReceivedAt = time.UnixMilli(m.InternalDate)
		v.in = in
	}
	return v
}

// permanent reports whether a messages.get failure is about that one
// message and will not go away (a 400, 409 or 413: ErrInvalid).
func permanent(err error) bool {
	var pe *provider.Error
	return errors.As(err, &pe) && pe.Code == provider.ErrInvalid
}
