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
	"github.com/inboxkit/inboxkit/provider"
)

// deltaFields are the properties a delta round asks for: enough to skip
// drafts, match the conversation, keep the watermark and tell, in a
// resync, what changed since the last round.
func deltaFields() []string {
	return []string{"id", "conversationId", "internetMessageId", "receivedDateTime", "lastModifiedDateTime", "isDraft"}
}

// Bounds of one Fetch, per folder: it reads at most maxPagesPerFetch delta
// pages and stops after the page on which it judged its maxPerFetch-th
// message; the cursor then holds the next page's link and the next Fetch
// goes on from it.
const (
	maxPagesPerFetch = 100
	maxPerFetch      = 100
)

// Fetch returns the new mail related to idx since cursor, oldest first per
// folder.
//
// It runs a delta round per folder of Options.Folders (GET
// /me/mailFolders/{inbox,junkemail}/messages/delta() with changeType=created),
// so an idle poll is one request per folder. A message the user moves into
// the folder is "created" there too, whatever its receivedDateTime, as
// long as it falls within the round's receivedDateTime filter. Each new
// message is judged with as little as possible: when its conversationId
// is a thread idx knows, its MIME (/$value) is downloaded at once;
// otherwise its internetMessageHeaders are read ($select, one request) and
// the MIME is downloaded only for a reply to our mail or a bounce or
// auto-reply candidate (see internal/relate).
//
// An empty cursor starts delta rounds filtered to mail received within
// Options.LookBack. When Graph has expired a delta or skip token (410
// Gone), that folder starts a new round over Options.LookBack before its
// watermark, so mail moved into the folder since is seen; it skips what
// is unchanged since the last complete round began and was received no
// later than the watermark, and the messages it returned lately, so
// nothing is lost or returned twice. (A message returned more than 32
// returns ago that the user changed since may come back once.)
//
// One Fetch judges at most about 100 messages a folder and returns a
// cursor that goes on, with Batch.More set. A message Graph refuses to return for a reason that
// will not go away (a 4xx for that one message) is reported in
// Batch.Skipped and passed.
func (p *Provider) Fetch(ctx context.Context, cur string, idx provider.SentIndex) (*provider.Batch, error) {
	if err := p.checkOpen("fetch"); err != nil {
		return nil, err
	}
	now := p.now().UTC()
	var c *cursor
	if cur == "" {
		c = &cursor{Folders: map[string]*folderState{}}
	} else {
		var err error
		if c, err = parseCursor(cur); err != nil {
			return nil, &provider.Error{Op: "fetch", Provider: provider.KindGraph, Code: provider.ErrInvalid, Field: "cursor", Err: err}
		}
	}
	b := &provider.Batch{}
	for _, f := range p.folders {
		st := c.Folders[f]
		if st == nil {
			floor := now.Add(-p.lookBack).Truncate(time.Second)
			st = &folderState{Mark: floor, Synced: floor}
			c.Folders[f] = st
		}
		more, err := p.fetchFolder(ctx, f, st, c, idx, b, now)
		if err != nil {
			return nil, err
		}
		b.More = b.More || more
	}
	b.Cursor = c.String()
	return b, nil
}

// fetchFolder runs one folder's delta round from st, updating st and c and
// adding to b. more reports that it stopped at its bound within a round.
func (p *Provider) fetchFolder(ctx context.Context, folder string, st *folderState, c *cursor, idx provider.SentIndex, b *provider.Batch, now time.Time) (more bool, err error) {
	var seenBefore func(m models.Messageable) bool // set during a resync
	link, since := st.Link, st.Mark
	if st.Round.IsZero() {
		st.Round = now
	}
	judged := 0
	for page := 0; page < maxPagesPerFetch; page++ {
		var resp users.ItemMailFoldersItemMessagesDeltaGetResponseable
		resp, err = p.deltaPage(ctx, folder, link, since)
		if err != nil && seenBefore == nil && isExpired(err) {
			since, seenBefore = p.resync(st, now)
			p.log.DebugContext(ctx, "graph: delta token expired, resyncing", "folder", folder, "since", since)
			link, st.Round = "", now
			page--
			continue
		}
		if err != nil {
			return false, err
		}
		for _, m := range resp.GetValue() {
			if _, removed := m.GetAdditionalData()["@removed"]; removed {
				continue
			}
			id := deref(m.GetId())
			if id == "" || (m.GetIsDraft() != nil && *m.GetIsDraft()) || c.wasReturned(id) || (seenBefore != nil && seenBefore(m)) {
				continue
			}
			in, skip, err := p.judge(ctx, folder, m, idx)
			if err != nil {
				return false, err
			}
			judged++
			if t := m.GetReceivedDateTime(); t != nil {
				st.note(id, t.UTC())
			}
			switch {
			case skip != "":
				b.Skipped = append(b.Skipped, provider.Skipped{ProviderID: id, Folder: folderLabel(folder), Reason: skip})
			case in != nil:
				c.returned(id)
				b.Messages = append(b.Messages, *in)
			}
		}
		next, delta := deref(resp.GetOdataNextLink()), deref(resp.GetOdataDeltaLink())
		switch {
		case next != "":
			if link, err = p.relativeLink(next); err != nil {
				return false, err
			}
			st.Link = link
			if judged >= maxPerFetch {
				return true, nil // the rest of the round waits for the next Fetch
			}
		case delta != "":
			if st.Link, err = p.relativeLink(delta); err != nil {
				return false, err
			}
			st.Synced, st.Round = st.Round, time.Time{}
			return false, nil
		default:
			return false, &provider.Error{Op: "fetch", Provider: provider.KindGraph, Code: provider.ErrTemporary,
				Err: errors.New("graph: delta page has neither @odata.nextLink nor @odata.deltaLink")}
		}
	}
	return true, nil // page budget spent: st.Link is the next page
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
//
// A message Graph refuses for a reason that will not go away (a 4xx other
// than 401, 403, 404 and 429, for that one message) comes back as the
// reason to report it in Batch.Skipped.
func (p *Provider) judge(ctx context.Context, folder string, m models.Messageable, idx provider.SentIndex) (*provider.Incoming, string, error) {
	id := deref(m.GetId())
	in, err := relate.Judge(ctx, idx, p.email, deref(m.GetConversationId()), relate.Steps{
		Header: func(ctx context.Context) (textproto.MIMEHeader, error) { return p.headers(ctx, id) },
		Raw:    func(ctx context.Context) ([]byte, error) { return p.mime(ctx, id) },
	})
	var pe *provider.Error
	if errors.As(err, &pe) && pe.Code == provider.ErrInvalid {
		return nil, "Graph refused to return this message: " + err.Error(), nil
	}
	if in == nil || err != nil {
		return nil, "", err
	}
	in.ProviderID, in.Folder = id, folderLabel(folder)
	if t := m.GetReceivedDateTime(); t != nil {
		in.ReceivedAt = *t
	}
	return in, "", nil
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
