package graph

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	abstractions "github.com/microsoft/kiota-abstractions-go"
	khttp "github.com/microsoft/kiota-http-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/inboxkit/inboxkit/internal/compose"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// Send composes m as MIME with our own Message-ID and sends it from the
// mailbox, which files the copy in Sent Items.
//
// By default the MIME goes to POST /me/sendMail (base64 text/plain), which
// Mail.Send allows on its own. It answers 202 with no body, so Sent's
// ProviderID and ThreadID come from a look-up of the Message-ID in the
// mailbox right after (GET /me/messages?$filter=internetMessageId eq …),
// retried for up to Options.SentLookupWait while Exchange files the copy
// in Sent Items; past that they stay empty and replies still match by
// header. With Options.SendWithDrafts (Mail.ReadWrite) the message is
// instead created as a draft from its MIME, which returns its immutable id
// and conversationId, and then sent (POST /me/messages/{id}/send). A
// follow-up (InReplyTo, References) joins the conversation through its
// MIME header.
//
// From may be empty, the account, or a mailbox in Options.OnBehalfOf: then
// the draft's from is set to that owner before sending (MIME cannot say
// it: Exchange keeps the signed-in user as sender), so the mail goes out
// "on behalf of" and Exchange refuses it (ErrNotAllowed) unless the owner
// granted Send on Behalf. Any other From is ErrNotAllowed, nothing sent.
//
// Exchange's sending limits (30 messages a minute, 10,000 recipients a
// day) are checked first; over them Send returns a *provider.RateLimitError
// with the wait. With an IdempotencyKey the same key never delivers twice:
// after an ambiguous failure the Message-ID is looked up with an
// internetMessageId filter before sending again, and a draft that may have
// been sent is never sent a second time. When Graph's answer is lost and
// Sent Items has no copy yet, Send fails with provider.ErrOutcomeUnknown:
// retry only with the same key, never under a new Message-ID.
func (p *Provider) Send(ctx context.Context, m *provider.Message) (*provider.Sent, error) {
	return p.sender.Send(ctx, m)
}

// checkFrom lets a From other than the account through when it is listed
// in Options.OnBehalfOf.
func (p *Provider) checkFrom(_ context.Context, from string) error {
	for _, owner := range p.onBehalf {
		if strings.EqualFold(from, owner) {
			return nil
		}
	}
	return providerkit.NotAllowedFrom(provider.KindGraph, p.email+" may not send as "+from+" (not listed in Options.OnBehalfOf)")
}

// forOwner reports whether m is sent for another mailbox's owner.
func (p *Provider) forOwner(m *provider.Message) bool {
	return m.From.Email != "" && !strings.EqualFold(m.From.Email, p.email)
}

func (p *Provider) sendOnce(ctx context.Context, m *provider.Message) (*provider.Sent, error) {
	built, err := compose.Build(m, compose.Options{Account: p.email, FromName: p.name, Now: p.now(), KeepBcc: true, Validated: true})
	if err != nil {
		return nil, p.tag("send", err)
	}
	if !p.drafts && !p.forOwner(m) {
		return p.sendMail(ctx, built)
	}
	draft, err := p.createDraft(ctx, built.Raw)
	if err != nil {
		return nil, err
	}
	id := deref(draft.GetId())
	if p.forOwner(m) {
		if err := p.setFrom(ctx, id, m.From); err != nil {
			p.discardDraft(ctx, id)
			return nil, err
		}
	}
	var found *provider.Sent
	maybeSent := false
	err = p.call(ctx, "send", func(ctx context.Context) error {
		if maybeSent {
			var lerr error
			if found, lerr = providerkit.FindEarlier(ctx, p.lookupOnce, built.MessageID); found != nil || lerr != nil {
				return lerr
			}
			// Not in Sent Items: sending the same draft again cannot
			// deliver twice, since a sent draft is no longer a draft.
		}
		inspect := inspectResponse()
		err := p.me.Messages().ByMessageId(id).Send().Post(ctx, &users.ItemMessagesItemSendRequestBuilderPostRequestConfiguration{
			Headers: preferImmutableIDs(),
			Options: []abstractions.RequestOption{inspect},
		})
		if err != nil && maybeSent && alreadySent(err) {
			// The earlier attempt went through: the draft has left (404
			// while Exchange files it, "Only draft items can be sent."
			// once it is in Sent Items).
			return nil
		}
		return p.noteAttempt(ctx, err, inspect, &maybeSent)
	})
	if err != nil {
		if !maybeSent {
			p.discardDraft(ctx, id)
			return nil, err
		}
		return nil, providerkit.OutcomeUnknown(provider.KindGraph, err) // #12 item 7
	}
	if found != nil {
		return found, nil
	}
	p.log.DebugContext(ctx, "graph: sent", "id", id, "conversation", deref(draft.GetConversationId()), "bytes", len(built.Raw))
	return &provider.Sent{MessageID: built.MessageID, ProviderID: id, ThreadID: deref(draft.GetConversationId()), SentAt: p.now()}, nil
}

// errMaybeSent says a sendMail got no answer and its copy is not in the
// mailbox yet: it may still have been delivered, so it is not resent.
var errMaybeSent = errors.New("graph: sendMail got no answer and the message is not in Sent Items yet; not resending (retry with the same IdempotencyKey later)")

// alreadySent reports whether sending a draft failed because it is no
// longer a draft: gone from Drafts (404) or refused as sent (400
// ErrorInvalidOperation).
func alreadySent(err error) bool {
	ae := apiErrorOf(err)
	return ae != nil && (ae.Status == 404 || (ae.Status == 400 && ae.Code == "ErrorInvalidOperation"))
}

// inspectResponse asks the pipeline for the response's headers.
func inspectResponse() *khttp.HeadersInspectionOptions {
	o := khttp.NewHeadersInspectionOptions()
	o.InspectResponseHeaders = true
	return o
}

// noteAttempt returns err, the outcome of one send attempt, after noting
// what it says: an ambiguous failure may have delivered (maybeSent), and a
// success may carry Exchange's deferral (see noteDeferral).
func (p *Provider) noteAttempt(ctx context.Context, err error, inspect *khttp.HeadersInspectionOptions, maybeSent *bool) error {
	if err != nil && ambiguous(err) {
		*maybeSent = true
	}
	if err == nil {
		p.noteDeferral(ctx, inspect)
	}
	return err
}

// noteDeferral reads a 202's Retry-After: Exchange accepted the message
// but is over the mailbox's message rate and will deliver it later, so
// further sends wait (see Usage.HeldFor) rather than pile up.
func (p *Provider) noteDeferral(ctx context.Context, inspect *khttp.HeadersInspectionOptions) {
	v := inspect.GetResponseHeaders().Get("Retry-After")
	if len(v) == 0 {
		return
	}
	if d := providerkit.ParseRetryAfter(v[0], p.now()); d > 0 {
		p.log.DebugContext(ctx, "graph: Exchange deferred the message over its rate limit", "retry-after", d)
		p.quota.holdFor(d)
	}
}

// createDraft creates a draft from raw MIME and returns it with its
// immutable id and conversationId. A retried creation after a lost
// answer may leave a second draft behind; it is never sent.
func (p *Provider) createDraft(ctx context.Context, raw []byte) (models.Messageable, error) {
	var draft models.Messageable
	err := p.call(ctx, "send", func(ctx context.Context) error {
		res, err := p.api.adapter.Send(ctx, p.api.mimeRequest("messages", raw), models.CreateMessageFromDiscriminatorValue, errorMapping)
		if err != nil {
			return err
		}
		msg, ok := res.(models.Messageable)
		if !ok || deref(msg.GetId()) == "" {
			return errors.New("graph: draft creation returned no message id")
		}
		draft = msg
		return nil
	})
	return draft, err
}

// setFrom makes the draft go out on behalf of owner.
func (p *Provider) setFrom(ctx context.Context, id string, owner provider.Address) error {
	addr := models.NewEmailAddress()
	addr.SetAddress(&owner.Email)
	if owner.Name != "" {
		addr.SetName(&owner.Name)
	}
	from := models.NewRecipient()
	from.SetEmailAddress(addr)
	patch := models.NewMessage()
	patch.SetFrom(from)
	return p.call(ctx, "send", func(ctx context.Context) error {
		_, err := p.me.Messages().ByMessageId(id).Patch(ctx, patch, &users.ItemMessagesMessageItemRequestBuilderPatchRequestConfiguration{Headers: preferImmutableIDs()})
		return err
	})
}

// discardDraft deletes a draft whose send failed, so the user's Drafts
// folder does not fill with debris. Failing to is logged, not returned.
func (p *Provider) discardDraft(ctx context.Context, id string) {
	ctx = context.WithoutCancel(ctx)
	if err := p.me.Messages().ByMessageId(id).Delete(ctx, nil); err != nil {
		p.log.DebugContext(ctx, "graph: could not delete failed draft", "id", id, "err", err)
	}
}

// sendMail sends built with POST /me/sendMail in MIME form (one request,
// 202 with no body), then looks the copy up in the mailbox for its ids;
// when Exchange has not filed it yet, Sent has only MessageID and SentAt.
func (p *Provider) sendMail(ctx context.Context, built *compose.Built) (*provider.Sent, error) {
	var found *provider.Sent
	maybeSent, unsure := false, false
	err := p.call(ctx, "send", func(ctx context.Context) error {
		if maybeSent {
			var lerr error
			if found, lerr = providerkit.FindEarlier(ctx, p.lookupOnce, built.MessageID); found != nil || lerr != nil {
				return lerr
			}
			// Not found may only mean Exchange has not filed the copy
			// yet: sending again could deliver twice, so stop here.
			unsure = true
			return nil
		}
		inspect := inspectResponse()
		ri := p.api.mimeRequest("sendMail", built.Raw)
		ri.AddRequestOptions([]abstractions.RequestOption{inspect})
		return p.noteAttempt(ctx, p.api.adapter.SendNoContent(ctx, ri, errorMapping), inspect, &maybeSent)
	})
	if err != nil && maybeSent {
		// The answer was lost and nothing tells whether it went: #12 item 7.
		return nil, providerkit.OutcomeUnknown(provider.KindGraph, err)
	}
	if err != nil {
		return nil, err
	}
	if unsure {
		return nil, providerkit.OutcomeUnknown(provider.KindGraph, errMaybeSent)
	}
	if found != nil {
		return found, nil
	}
	sent := &provider.Sent{MessageID: built.MessageID, SentAt: p.now()}
	if s := p.awaitSentCopy(ctx, built.MessageID); s != nil {
		sent.ProviderID, sent.ThreadID = s.ProviderID, s.ThreadID
	}
	return sent, nil
}

// awaitSentCopy looks for the copy Exchange files in Sent Items after a
// sendMail, a few times within Options.SentLookupWait, and returns it or
// nil. Failing to find it does not fail the send.
func (p *Provider) awaitSentCopy(ctx context.Context, messageID string) *provider.Sent {
	if p.lookupWait < 0 {
		return nil
	}
	deadline := p.now().Add(p.lookupWait)
	for wait := 100 * time.Millisecond; ; wait *= 2 {
		s, err := p.lookupOnce(ctx, messageID)
		if err == nil {
			return s
		}
		if !errors.Is(err, provider.ErrNotFound) || !p.now().Add(wait).Before(deadline) {
			return nil
		}
		if p.backoff.Wait(ctx, wait) != nil {
			return nil
		}
	}
}

// lookup finds a message we sent by Message-ID, or ErrNotFound.
func (p *Provider) lookup(ctx context.Context, messageID string) (*provider.Sent, error) {
	var s *provider.Sent
	err := p.call(ctx, "lookup", func(ctx context.Context) error {
		var err error
		s, err = p.lookupOnce(ctx, messageID)
		return err
	})
	return s, err
}

// lookupOnce searches the whole mailbox for a sent (not draft) message
// whose internetMessageId is messageID: GET /me/messages with
// $filter=internetMessageId eq '<id>'.
func (p *Provider) lookupOnce(ctx context.Context, messageID string) (*provider.Sent, error) {
	filter := "internetMessageId eq " + odataString("<"+messageID+">")
	top := int32(5)
	page, err := p.me.Messages().Get(ctx, &users.ItemMessagesRequestBuilderGetRequestConfiguration{
		Headers: preferImmutableIDs(),
		QueryParameters: &users.ItemMessagesRequestBuilderGetQueryParameters{
			Filter: &filter,
			Select: []string{"id", "conversationId", "internetMessageId", "isDraft", "sentDateTime"},
			Top:    &top,
		},
	})
	if err != nil {
		return nil, p.classify("lookup", err)
	}
	for _, msg := range page.GetValue() {
		if isDraft := msg.GetIsDraft(); isDraft != nil && *isDraft {
			continue
		}
		s := &provider.Sent{MessageID: messageID, ProviderID: deref(msg.GetId()), ThreadID: deref(msg.GetConversationId())}
		if t := msg.GetSentDateTime(); t != nil {
			s.SentAt = *t
		}
		return s, nil
	}
	return nil, &provider.Error{Op: "lookup", Provider: provider.KindGraph, Code: provider.ErrNotFound}
}

// odataString quotes s as an OData string literal: single quotes doubled.
func odataString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func base64Std(raw []byte) []byte {
	out := make([]byte, base64.StdEncoding.EncodedLen(len(raw)))
	base64.StdEncoding.Encode(out, raw)
	return out
}
