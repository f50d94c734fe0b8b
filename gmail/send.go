package gmail

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/internal/compose"
	"github.com/inboxkit/inboxkit/provider"
	gmailapi "google.golang.org/api/gmail/v1"
	"google.golang.org/api/googleapi"
)

// Send composes m as raw RFC 5322 with our own Message-ID and sends it
// through users.messages.send (100 quota units): as the JSON "raw" field,
// or through the media upload endpoint when it is larger than
// Options.UploadThreshold. A follow-up with ThreadID (and
// InReplyTo/References, and the same subject) stays in Gmail's thread.
//
// From may be empty, the account, or one of its send-as aliases whose
// verification is accepted (users.settings.sendAs, which needs a read or
// settings scope); any other address is provider.ErrNotAllowed, since
// Gmail would silently rewrite it.
//
// With an IdempotencyKey the same key never delivers twice: after an
// ambiguous failure (5xx, timeout) the Message-ID is looked up with an
// rfc822msgid: search of Sent before sending again.
func (p *Provider) Send(ctx context.Context, m *provider.Message) (*provider.Sent, error) {
	if err := p.checkOpen("send"); err != nil {
		return nil, err
	}
	if err := m.Validate(); err != nil {
		return nil, p.tag("send", err)
	}
	if from := m.From.Email; from != "" && !strings.EqualFold(from, p.email) {
		ok, err := p.maySendAs(ctx, from)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, &provider.Error{Op: "send", Provider: provider.KindGmail, Code: provider.ErrNotAllowed, Field: "From.Email",
				Err: fmt.Errorf("gmail: %s is not an accepted send-as alias of %s", from, p.email)}
		}
	}
	taken, err := p.daily.take(ctx, p.now())
	if err != nil {
		code := provider.ErrTemporary // the shared counter could not be reached
		if errors.Is(err, provider.ErrRateLimited) {
			code = provider.ErrRateLimited
		}
		return nil, &provider.Error{Op: "send", Provider: provider.KindGmail, Code: code, Err: err}
	}
	sent, err := p.dedup.Send(ctx, p.email, m, p.sendOnce, p.lookup)
	if sent != nil && !sent.Duplicate {
		p.applyLabel(ctx, sent.ProviderID)
	} else {
		p.daily.giveBack(ctx, taken)
	}
	return sent, err
}

// tag fills Op and Provider of a *provider.Error from shared code.
func (p *Provider) tag(op string, err error) error { return provider.Tag(provider.KindGmail, op, err) }

func (p *Provider) sendOnce(ctx context.Context, m *provider.Message) (*provider.Sent, error) {
	built, err := compose.Build(m, compose.Options{Account: p.email, FromName: p.name, Now: p.now(), KeepBcc: true})
	if err != nil {
		return nil, p.tag("send", err)
	}
	raw := withBcc(built.Raw, m.Bcc)
	var (
		resp      *gmailapi.Message
		found     *provider.Sent
		maybeSent bool
	)
	err = p.call(ctx, "send", func(ctx context.Context) error {
		if maybeSent {
			// The last attempt may have been delivered: look before
			// sending again.
			s, lerr := p.lookupOnce(ctx, built.MessageID)
			if lerr == nil {
				found = s
				return nil
			}
			if !errors.Is(lerr, provider.ErrNotFound) {
				return lerr
			}
		}
		msg := &gmailapi.Message{ThreadId: m.ThreadID}
		call := p.svc.Users.Messages.Send("me", msg)
		if len(raw) > p.upload {
			call.Media(bytes.NewReader(raw), googleapi.ContentType("message/rfc822"), googleapi.ChunkSize(0))
		} else {
			msg.Raw = base64.URLEncoding.EncodeToString(raw)
		}
		var err error
		resp, err = call.Context(ctx).Do()
		if err != nil && ambiguous(err) {
			maybeSent = true
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if found != nil {
		return found, nil
	}
	p.log.DebugContext(ctx, "gmail: sent", "id", resp.Id, "thread", resp.ThreadId, "bytes", len(raw))
	return &provider.Sent{MessageID: built.MessageID, ProviderID: resp.Id, ThreadID: resp.ThreadId, SentAt: p.now()}, nil
}

// lookup finds a message we sent by Message-ID (messages.list with
// rfc822msgid: in Sent, 5 units, then messages.get minimal, 5 units; when
// the search finds nothing, the newest SENT messages by header, see
// lookupRecent), or ErrNotFound.
func (p *Provider) lookup(ctx context.Context, messageID string) (*provider.Sent, error) {
	var s *provider.Sent
	err := p.call(ctx, "lookup", func(ctx context.Context) error {
		var err error
		s, err = p.lookupOnce(ctx, messageID)
		if errors.Is(err, provider.ErrNotFound) {
			return err // final: do not retry
		}
		return err
	})
	return s, err
}

func (p *Provider) lookupOnce(ctx context.Context, messageID string) (*provider.Sent, error) {
	list, err := p.svc.Users.Messages.List("me").Q("rfc822msgid:" + messageID + " in:sent").MaxResults(1).Context(ctx).Do()
	if err != nil {
		return nil, p.classify("lookup", err)
	}
	if len(list.Messages) == 0 {
		// Gmail's search index may lag behind a send that just happened:
		// check the newest messages of the SENT label too.
		return p.lookupRecent(ctx, messageID)
	}
	ref := list.Messages[0]
	msg, err := p.svc.Users.Messages.Get("me", ref.Id).Format("minimal").Context(ctx).Do()
	if err != nil {
		return nil, p.classify("lookup", err)
	}
	return &provider.Sent{MessageID: messageID, ProviderID: msg.Id, ThreadID: msg.ThreadId, SentAt: time.UnixMilli(msg.InternalDate)}, nil
}

// maySendAs reports whether address is an accepted send-as alias, listing
// them (1 quota unit) the first time and again when address is not among
// the known ones, since an alias may have been accepted since.
func (p *Provider) maySendAs(ctx context.Context, address string) (bool, error) {
	if p.Account().MaySendAs(address) {
		return true, nil
	}
	if err := p.refreshAliases(ctx); err != nil {
		return false, err
	}
	return p.Account().MaySendAs(address), nil
}

func (p *Provider) refreshAliases(ctx context.Context) error {
	var list *gmailapi.ListSendAsResponse
	err := p.call(ctx, "send-as", func(ctx context.Context) error {
		var err error
		list, err = p.svc.Users.Settings.SendAs.List("me").Context(ctx).Do()
		return err
	})
	if err != nil {
		return err
	}
	var aliases []string
	for _, sa := range list.SendAs {
		if strings.EqualFold(sa.SendAsEmail, p.email) {
			continue
		}
		if sa.VerificationStatus == "accepted" {
			aliases = append(aliases, sa.SendAsEmail)
		}
	}
	p.aliasMu.Lock()
	p.aliases = aliases
	p.aliasMu.Unlock()
	return nil
}

// recentSent is how many of the newest SENT messages lookupRecent reads.
const recentSent = 10

// lookupRecent looks for messageID among the newest SENT messages by their
// Message-ID header (messages.list by label, 5 units, and a metadata get,
// 5 units, per message), which does not depend on the search index.
func (p *Provider) lookupRecent(ctx context.Context, messageID string) (*provider.Sent, error) {
	list, err := p.svc.Users.Messages.List("me").LabelIds("SENT").MaxResults(recentSent).Context(ctx).Do()
	if err != nil {
		return nil, p.classify("lookup", err)
	}
	for _, ref := range list.Messages {
		m, err := p.svc.Users.Messages.Get("me", ref.Id).Format("metadata").MetadataHeaders("Message-ID").Context(ctx).Do()
		if err != nil {
			return nil, p.classify("lookup", err)
		}
		if h := metadataHeader(m); provider.TrimMessageID(h.Get("Message-Id")) == messageID {
			return &provider.Sent{MessageID: messageID, ProviderID: m.Id, ThreadID: m.ThreadId, SentAt: time.UnixMilli(m.InternalDate)}, nil
		}
	}
	return nil, &provider.Error{Op: "lookup", Provider: provider.KindGmail, Code: provider.ErrNotFound}
}
