package gmail

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/internal/compose"
	"github.com/inboxkit/inboxkit/internal/providerkit"
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
// rfc822msgid: search of Sent before sending again. When the retries end
// with the outcome still unknown (a timeout, a lost answer, a look-up that
// failed), Send fails with provider.ErrOutcomeUnknown: retry only with the
// same key, never under a new Message-ID.
func (p *Provider) Send(ctx context.Context, m *provider.Message) (*provider.Sent, error) {
	sent, err := p.sender.Send(ctx, m)
	if sent != nil && !sent.Duplicate {
		p.applyLabel(ctx, sent.ProviderID)
	}
	return sent, err
}

// checkFrom lets a From other than the account through when it is an
// accepted send-as alias.
func (p *Provider) checkFrom(ctx context.Context, from string) error {
	ok, err := p.maySendAs(ctx, from)
	if err != nil {
		return err
	}
	if !ok {
		return providerkit.NotAllowedFrom(provider.KindGmail, from+" is not an accepted send-as alias of "+p.email)
	}
	return nil
}

// tag fills Op and Provider of a *provider.Error from shared code.
func (p *Provider) tag(op string, err error) error {
	return providerkit.Tag(provider.KindGmail, op, err)
}

func (p *Provider) sendOnce(ctx context.Context, m *provider.Message) (*provider.Sent, error) {
	built, err := compose.Build(m, compose.Options{Account: p.email, FromName: p.name, Now: p.now(), KeepBcc: true, Validated: true})
	if err != nil {
		return nil, p.tag("send", err)
	}
	raw := built.Raw
	var (
		resp      *gmailapi.Message
		found     *provider.Sent
		maybeSent bool
	)
	err = p.call(ctx, "send", func(ctx context.Context) error {
		if maybeSent {
			// The last attempt may have been delivered: look before
			// sending again.
			var lerr error
			if found, lerr = providerkit.FindEarlier(ctx, p.lookupOnce, built.MessageID); found != nil || lerr != nil {
				return lerr
			}
			maybeSent = false // not there: the earlier attempt did not deliver
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
	if err != nil && maybeSent {
		// The last attempt may have delivered (its answer was lost, it
		// timed out, or the look-up that would tell failed): #12 item 7.
		return nil, providerkit.OutcomeUnknown(provider.KindGmail, err)
	}
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
		if h := metadataHeader(m); providerkit.TrimMessageID(h.Get("Message-Id")) == messageID {
			return &provider.Sent{MessageID: messageID, ProviderID: m.Id, ThreadID: m.ThreadId, SentAt: time.UnixMilli(m.InternalDate)}, nil
		}
	}
	return nil, &provider.Error{Op: "lookup", Provider: provider.KindGmail, Code: provider.ErrNotFound}
}
