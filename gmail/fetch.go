package gmail

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/textproto"
	"slices"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/internal/relate"
	"github.com/inboxkit/inboxkit/provider"
	gmailapi "google.golang.org/api/gmail/v1"
)

// resyncSkew is how far before the cursor's time a resync after expired
// history starts, to allow for clock differences with Google.
const resyncSkew = 10 * time.Minute

// ref is a message to judge.
type ref struct {
	id, threadID string
	labels       []string // nil when not known yet
}

// Fetch returns the new mail related to idx since cursor.
//
// A cursor is a historyId: one users.history.list call (2 quota units)
// with historyTypes=messageAdded finds what arrived, so an idle poll costs
// one call. Each new message that is not our own (SENT, DRAFT) costs one
// messages.get: format=raw at once when its thread is one idx knows,
// otherwise format=metadata with relate.HeaderFields() (5 units), followed
// by format=raw (5 more) only for a related message or a bounce or
// auto-reply candidate.
//
// An empty cursor records the mailbox's historyId (users.getProfile) and
// then looks back over Options.LookBack with messages.list, leaving out
// what arrived after the recorded historyId so the next Fetch returns it
// once. When Gmail has expired the history (404), Fetch resyncs the same
// way from the cursor's time, skipping messages unchanged since the
// cursor, so nothing is lost or returned twice.
func (p *Provider) Fetch(ctx context.Context, cur string, idx provider.SentIndex) (*provider.Batch, error) {
	if err := p.checkRead("fetch"); err != nil {
		return nil, err
	}
	now := p.now()
	if cur == "" {
		return p.scan(ctx, idx, now.Add(-p.lookBack), 0)
	}
	c, err := parseCursor(cur)
	if err != nil {
		return nil, &provider.Error{Op: "fetch", Provider: provider.KindGmail, Code: provider.ErrInvalid, Field: "cursor", Err: err}
	}
	refs, next, err := p.history(ctx, c.history)
	if errors.Is(err, provider.ErrNotFound) {
		since := c.at.Add(-resyncSkew)
		if floor := now.Add(-p.lookBack); c.at.IsZero() || since.Before(floor) {
			since = floor
		}
		p.log.DebugContext(ctx, "gmail: history expired, resyncing", "cursor", cur, "since", since)
		return p.scan(ctx, idx, since, c.history)
	}
	if err != nil {
		return nil, err
	}
	msgs, err := p.judge(ctx, refs, idx, 0)
	if err != nil {
		return nil, err
	}
	return &provider.Batch{Messages: msgs, Cursor: cursor{history: next, at: now}.String()}, nil
}

// history returns the messages added after start, oldest first, and the
// mailbox's historyId to resume from.
func (p *Provider) history(ctx context.Context, start uint64) ([]ref, uint64, error) {
	var (
		refs  []ref
		seen  = map[string]bool{}
		next  = start
		token string
	)
	for {
		var resp *gmailapi.ListHistoryResponse
		err := p.call(ctx, "fetch", func(ctx context.Context) error {
			call := p.svc.Users.History.List("me").StartHistoryId(start).HistoryTypes("messageAdded").MaxResults(500)
			if token != "" {
				call.PageToken(token)
			}
			var err error
			resp, err = call.Context(ctx).Do()
			return err
		})
		if err != nil {
			return nil, 0, err
		}
		for _, h := range resp.History {
			for _, a := range h.MessagesAdded {
				if m := a.Message; m != nil && !seen[m.Id] {
					seen[m.Id] = true
					refs = append(refs, ref{id: m.Id, threadID: m.ThreadId, labels: m.LabelIds})
				}
			}
		}
		if resp.HistoryId > next {
			next = resp.HistoryId
		}
		if token = resp.NextPageToken; token == "" {
			return refs, next, nil
		}
	}
}

// scan looks back over mail received since since: it records the current
// historyId first, lists the messages, drops those added after the
// recorded historyId (the next Fetch sees them in the history) and, when
// unchangedBefore is set, those whose historyId is not after it (already
// seen before an expired cursor).
func (p *Provider) scan(ctx context.Context, idx provider.SentIndex, since time.Time, unchangedBefore uint64) (*provider.Batch, error) {
	prof, err := p.profile(ctx, "fetch")
	if err != nil {
		return nil, err
	}
	at := p.now()
	var ids []ref
	q := fmt.Sprintf("after:%d -in:sent -in:drafts -in:trash", since.Unix())
	token := ""
	for {
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
			return nil, err
		}
		for _, m := range resp.Messages {
			ids = append(ids, ref{id: m.Id, threadID: m.ThreadId})
		}
		if token = resp.NextPageToken; token == "" {
			break
		}
	}
	slices.Reverse(ids) // oldest first
	if len(ids) > 0 {
		later, _, err := p.history(ctx, prof.HistoryId)
		if err != nil && !errors.Is(err, provider.ErrNotFound) {
			return nil, err
		}
		ids = slices.DeleteFunc(ids, func(r ref) bool {
			return slices.ContainsFunc(later, func(l ref) bool { return l.id == r.id })
		})
	}
	msgs, err := p.judge(ctx, ids, idx, unchangedBefore)
	if err != nil {
		return nil, err
	}
	return &provider.Batch{Messages: msgs, Cursor: cursor{history: prof.HistoryId, at: at}.String()}, nil
}

func own(labels []string) bool {
	return slices.Contains(labels, "SENT") || slices.Contains(labels, "DRAFT")
}

// judge fetches what it must of each message and keeps the related ones.
func (p *Provider) judge(ctx context.Context, refs []ref, idx provider.SentIndex, unchangedBefore uint64) ([]provider.Incoming, error) {
	var out []provider.Incoming
	for _, r := range refs {
		if r.labels != nil && own(r.labels) {
			continue
		}
		in, err := p.judgeOne(ctx, r, idx, unchangedBefore)
		if err != nil {
			return nil, err
		}
		if in != nil {
			p.applyLabel(ctx, in.ProviderID)
			out = append(out, *in)
		}
	}
	return out, nil
}

// judgeOne runs relate.Judge over Gmail's messages.get: format=metadata
// for the header, format=raw for the message. The first answer's labels
// drop our own mail, trash, and (after an expired cursor) what was seen
// before.
func (p *Provider) judgeOne(ctx context.Context, r ref, idx provider.SentIndex, unchangedBefore uint64) (*provider.Incoming, error) {
	var meta *gmailapi.Message // the first answer
	get := func(ctx context.Context, format string) (*gmailapi.Message, error) {
		m, err := p.get(ctx, r.id, format)
		if err != nil || meta != nil {
			return m, err
		}
		if own(m.LabelIds) || slices.Contains(m.LabelIds, "TRASH") {
			return nil, relate.ErrSkip
		}
		if unchangedBefore != 0 && (m.HistoryId <= unchangedBefore || p.labelled(m.LabelIds)) {
			return nil, relate.ErrSkip // seen before the expired cursor
		}
		meta = m
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
				return nil, p.classify("fetch", err)
			}
			return raw, nil
		},
	})
	if in == nil || err != nil {
		return nil, err
	}
	in.ProviderID = meta.Id
	in.ThreadID = meta.ThreadId
	in.Folder = folder(meta.LabelIds)
	in.ReceivedAt = time.UnixMilli(meta.InternalDate)
	return in, nil
}

func (p *Provider) get(ctx context.Context, id, format string) (*gmailapi.Message, error) {
	var m *gmailapi.Message
	err := p.call(ctx, "fetch", func(ctx context.Context) error {
		call := p.svc.Users.Messages.Get("me", id).Format(format)
		if format == "metadata" {
			call.MetadataHeaders(relate.HeaderFields()...)
		}
		var err error
		m, err = call.Context(ctx).Do()
		return err
	})
	return m, err
}

func metadataHeader(m *gmailapi.Message) textproto.MIMEHeader {
	h := textproto.MIMEHeader{}
	if m.Payload == nil {
		return h
	}
	for _, f := range m.Payload.Headers {
		h.Add(textproto.CanonicalMIMEHeaderKey(f.Name), f.Value)
	}
	return h
}

// decodeRaw decodes Gmail's base64url raw field, padded or not.
func decodeRaw(s string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, fmt.Errorf("gmail: raw message is not base64url: %w", err)
	}
	return b, nil
}

// folder names where Gmail filed the message: INBOX, SPAM, or "" when it
// carries neither (archived by a filter).
func folder(labels []string) string {
	for _, l := range []string{"INBOX", "SPAM"} {
		if slices.Contains(labels, l) {
			return l
		}
	}
	return ""
}
