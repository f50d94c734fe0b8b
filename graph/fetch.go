package graph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"time"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/inboxkit/inboxkit/internal/relate"
	"github.com/inboxkit/inboxkit/internal/watermark"
	"github.com/inboxkit/inboxkit/provider"
)

// deltaFields are the properties a delta round asks for: enough to skip
// drafts, match the conversation and keep the watermark.
func deltaFields() []string {
	return []string{"id", "conversationId", "internetMessageId", "receivedDateTime", "isDraft"}
}

// maxPagesPerFetch bounds one Fetch's delta pages per folder; the cursor
// then holds the next page's link and the next Fetch goes on from it.
const maxPagesPerFetch = 100

// Fetch returns the new mail related to idx since cursor, oldest first per
// folder.
//
// It runs a delta round per folder of Options.Folders (GET
// /me/mailFolders/{inbox,junkemail}/messages/delta() with changeType=created),
// so an idle poll is one request per folder. Each new message is judged
// with as little as possible: when its conversationId is a thread idx
// knows, its MIME (/$value) is downloaded at once; otherwise its
// internetMessageHeaders are read ($select, one request) and the MIME is
// downloaded only for a reply to our mail or a bounce or auto-reply
// candidate (see internal/relate).
//
// An empty cursor starts delta rounds filtered to mail received within
// Options.LookBack. When Graph has expired a delta token (410 Gone), that
// folder restarts from the cursor's watermark, skipping what was judged
// at it, so nothing is lost or returned twice.
func (p *Provider) Fetch(ctx context.Context, cur string, idx provider.SentIndex) (*provider.Batch, error) {
	if err := p.checkOpen("fetch"); err != nil {
		return nil, err
	}
	var c *cursor
	if cur == "" {
		c = &cursor{Folders: map[string]*folderState{}}
		since := p.now().Add(-p.lookBack).UTC().Truncate(time.Second)
		for _, f := range p.folders {
			c.Folders[f] = &folderState{Mark: since}
		}
	} else {
		var err error
		if c, err = parseCursor(cur); err != nil {
			return nil, &provider.Error{Op: "fetch", Provider: provider.KindGraph, Code: provider.ErrInvalid, Field: "cursor", Err: err}
		}
	}
	var out []provider.Incoming
	for _, f := range p.folders {
		st := c.Folders[f]
		if st == nil {
			st = &folderState{Mark: p.now().Add(-p.lookBack).UTC().Truncate(time.Second)}
			c.Folders[f] = st
		}
		msgs, err := p.fetchFolder(ctx, f, st, idx)
		if err != nil {
			return nil, err
		}
		out = append(out, msgs...)
	}
	return &provider.Batch{Messages: out, Cursor: c.String()}, nil
}

// fetchFolder runs one folder's delta round from st, updating st.
func (p *Provider) fetchFolder(ctx context.Context, folder string, st *folderState, idx provider.SentIndex) ([]provider.Incoming, error) {
	var out []provider.Incoming
	var resync *watermark.Mark // the watermark a resync started from
	link := st.Link
	for page := 0; page < maxPagesPerFetch; page++ {
		resp, err := p.deltaPage(ctx, folder, link, st.Mark)
		if err != nil && resync == nil && isExpired(err) {
			// The delta token expired: start a new round at the watermark,
			// skipping what was judged exactly at it.
			p.log.DebugContext(ctx, "graph: delta token expired, resyncing", "folder", folder, "since", st.Mark)
			mark := st.watermark()
			mark.IDs = slices.Clone(mark.IDs)
			resync, link = &mark, ""
			page--
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, m := range resp.GetValue() {
			if _, removed := m.GetAdditionalData()["@removed"]; removed {
				continue
			}
			id := deref(m.GetId())
			if id == "" || (m.GetIsDraft() != nil && *m.GetIsDraft()) || seenBefore(resync, id, m.GetReceivedDateTime()) {
				continue
			}
			in, err := p.judge(ctx, folder, m, idx)
			if err != nil {
				return nil, err
			}
			if t := m.GetReceivedDateTime(); t != nil {
				st.note(id, t.UTC())
			}
			if in != nil {
				out = append(out, *in)
			}
		}
		next, delta := deref(resp.GetOdataNextLink()), deref(resp.GetOdataDeltaLink())
		switch {
		case next != "":
			if link, err = p.relativeLink(next); err != nil {
				return nil, err
			}
			st.Link = link
		case delta != "":
			if st.Link, err = p.relativeLink(delta); err != nil {
				return nil, err
			}
			return out, nil
		default:
			return nil, &provider.Error{Op: "fetch", Provider: provider.KindGraph, Code: provider.ErrTemporary,
				Err: errors.New("graph: delta page has neither @odata.nextLink nor @odata.deltaLink")}
		}
	}
	return out, nil // page budget spent: st.Link is the next page
}

// seenBefore reports whether a message met in a resync from mark was
// judged before the delta token expired.
func seenBefore(mark *watermark.Mark, id string, received *time.Time) bool {
	switch {
	case mark == nil:
		return false
	case received == nil:
		return slices.Contains(mark.IDs, id)
	}
	return mark.Seen(received.UTC(), id)
}

// isExpired reports whether err is Graph's 410 Gone for a delta or skip
// token it no longer keeps.
func isExpired(err error) bool {
	return statusOf(err) == http.StatusGone
}

// relativeLink turns an @odata link into a path under the API base URL,
// refusing one that points anywhere else.
func (p *Provider) relativeLink(link string) (string, error) {
	if !p.api.sameAPI(link) {
		return "", &provider.Error{Op: "fetch", Provider: provider.KindGraph, Code: provider.ErrTemporary,
			Err: fmt.Errorf("%w: %.80q", errCrossHost, link)}
	}
	return strings.TrimPrefix(link, p.api.base), nil
}

// deltaPage gets one delta page: the link's when there is one, else the
// first page of a new round of mail received at or after since.
func (p *Provider) deltaPage(ctx context.Context, folder, link string, since time.Time) (users.ItemMailFoldersItemMessagesDeltaGetResponseable, error) {
	builder := p.me.MailFolders().ByMailFolderId(folder).Messages().Delta()
	headers := preferImmutableIDs()
	headers.Add("Prefer", fmt.Sprintf("odata.maxpagesize=%d", p.pageSize))
	cfg := &users.ItemMailFoldersItemMessagesDeltaRequestBuilderGetRequestConfiguration{Headers: headers}
	if link != "" {
		builder = builder.WithUrl(p.api.base + link)
	} else {
		filter := "receivedDateTime ge " + since.UTC().Format(time.RFC3339)
		created := "created"
		cfg.QueryParameters = &users.ItemMailFoldersItemMessagesDeltaRequestBuilderGetQueryParameters{
			Select:     deltaFields(),
			Filter:     &filter,
			ChangeType: &created,
		}
	}
	var resp users.ItemMailFoldersItemMessagesDeltaGetResponseable
	err := p.call(ctx, "fetch", func(ctx context.Context) error {
		var err error
		resp, err = builder.GetAsDeltaGetResponse(ctx, cfg)
		return err
	})
	return resp, err
}

// judge runs relate.Judge over Graph: internetMessageHeaders for the
// header, /$value for the MIME.
func (p *Provider) judge(ctx context.Context, folder string, m models.Messageable, idx provider.SentIndex) (*provider.Incoming, error) {
	id := deref(m.GetId())
	in, err := relate.Judge(ctx, idx, p.email, deref(m.GetConversationId()), relate.Steps{
		Header: func(ctx context.Context) (textproto.MIMEHeader, error) { return p.headers(ctx, id) },
		Raw:    func(ctx context.Context) ([]byte, error) { return p.mime(ctx, id) },
	})
	if in == nil || err != nil {
		return nil, err
	}
	in.ProviderID, in.Folder = id, folderLabel(folder)
	if t := m.GetReceivedDateTime(); t != nil {
		in.ReceivedAt = *t
	}
	return in, nil
}

// headers reads a message's internetMessageHeaders (which need Mail.Read;
// Mail.ReadBasic does not return them).
func (p *Provider) headers(ctx context.Context, id string) (textproto.MIMEHeader, error) {
	var msg models.Messageable
	err := p.call(ctx, "fetch", func(ctx context.Context) error {
		var err error
		msg, err = p.me.Messages().ByMessageId(id).Get(ctx, &users.ItemMessagesMessageItemRequestBuilderGetRequestConfiguration{
			Headers:         preferImmutableIDs(),
			QueryParameters: &users.ItemMessagesMessageItemRequestBuilderGetQueryParameters{Select: []string{"internetMessageHeaders"}},
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	h := textproto.MIMEHeader{}
	fields := relate.HeaderFields()
	for _, f := range msg.GetInternetMessageHeaders() {
		name := deref(f.GetName())
		if name == "" || !slices.ContainsFunc(fields, func(s string) bool { return strings.EqualFold(s, name) }) {
			continue
		}
		h.Add(textproto.CanonicalMIMEHeaderKey(name), deref(f.GetValue()))
	}
	return h, nil
}

// mime downloads a message's MIME content (GET /me/messages/{id}/$value).
func (p *Provider) mime(ctx context.Context, id string) ([]byte, error) {
	var raw []byte
	err := p.call(ctx, "fetch", func(ctx context.Context) error {
		var err error
		raw, err = p.me.Messages().ByMessageId(id).Content().Get(ctx, &users.ItemMessagesItemValueContentRequestBuilderGetRequestConfiguration{Headers: preferImmutableIDs()})
		return err
	})
	return raw, err
}
