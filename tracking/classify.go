package tracking

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/inboxkit/inboxkit/internal/automail"
	"github.com/inboxkit/inboxkit/internal/bounce"
	"github.com/inboxkit/inboxkit/internal/mailparse"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// ErrNotMessage is returned for input that has no RFC 5322 header at
// all (empty, zero bytes, or text without a single header field).
var ErrNotMessage = errors.New("tracking: input is not a mail message")

// Classify decides what one raw RFC 5322 message is with respect to the
// mail we sent, in this order: bounce (RFC 3464 reports and the
// non-standard notices of common MTAs), complaint (ARF), auto-reply
// (RFC 3834 and vendor headers, out-of-office subjects in many
// languages), and reply matched by In-Reply-To, References, provider
// thread ([WithThread]) or sender plus normalised subject (when idx
// implements [RecipientIndex]). Anything else is [ClassUnrelated]; a
// successful-delivery report is unrelated too.
//
// idx may be nil: then nothing is matched to a SentRecord, and a message
// that is a reply by its headers (In-Reply-To or References) is
// reported as a reply to an unknown message. With an index, a message
// that matches none of our mail is unrelated.
//
// Classify reads at most [WithMaxBytes] bytes, never panics, and returns
// an error only for input that is not a message ([ErrNotMessage]), a done
// ctx, or a failing index (with the result found so far).
func Classify(ctx context.Context, raw []byte, idx provider.SentIndex, opts ...Option) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, fmt.Errorf("tracking: %w", err)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return Result{}, ErrNotMessage
	}
	cfg := newConfig(opts)
	if len(raw) > cfg.maxBytes {
		raw = raw[:cfg.maxBytes]
	}
	m := mailparse.Parse(raw, &cfg.parse)
	if m.Header.Len() == 0 {
		return Result{}, ErrNotMessage
	}
	res := Result{
		Class:     ClassUnrelated,
		Subject:   mailparse.DecodeWords(m.Header.Get("Subject"), &cfg.parse),
		MessageID: providerkit.TrimMessageID(m.Header.Get("Message-Id")),
	}
	fromHeader := mailparse.DecodeWords(m.Header.Get("From"), &cfg.parse)
	if a, err := mail.ParseAddress(fromHeader); err == nil {
		res.From = strings.ToLower(a.Address)
	} else if as := bounce.FindAddresses(fromHeader); len(as) > 0 {
		res.From = as[0]
	}

	human := bounce.HumanText(m)
	text := replyText{m: m, cfg: cfg}
	if !hasDeliveryStatus(m) && bounce.IsChallenge(m.Header, res.From, res.Subject, human) {
		res.Class, res.Challenge = ClassAutoReply, true
		text.fill(&res)
		if a := heldFor(human, ownAddresses(m, res.From)); a != "" {
			res.Recipients = []Recipient{{Address: a}}
		}
		return res, matchAuto(ctx, idx, m, cfg, &res)
	}
	in := bounce.Input{
		Subject: res.Subject, From: fromHeader, Exclude: ownAddresses(m, res.From), IsAutoReplySubject: automail.IsAutoReplySubject,
		Text: human,
	}
	if rep, ok := bounce.Find(m, in, res.addBounced); ok {
		if rep.Success {
			return res, nil
		}
		fillBounce(&res, rep)
		err := matchOriginal(ctx, idx, m, &res, "")
		mapToRecord(&res, res.Record, m)
		return res, err
	}
	if c := bounce.FindComplaint(m); c != nil {
		res.Class = ClassComplaint
		res.FeedbackType = c.FeedbackType
		res.ReportingMTA = c.ReportingMTA
		for _, a := range c.Recipients {
			res.Recipients = append(res.Recipients, Recipient{Address: a})
		}
		return res, matchOriginal(ctx, idx, m, &res, c.OriginalID)
	}
	list := isListMail(m.Header)
	if !list && (automail.AutoReplyHeader(&m.Header) || automail.IsAutoReplySubject(res.Subject) || isReceipt(m)) {
		res.Class = ClassAutoReply
		res.ReturnDate = returnDate(res.Subject+"\n"+human, messageDate(m))
		text.fill(&res)
		return res, matchAuto(ctx, idx, m, cfg, &res)
	}
	if idx == nil {
		if m.Header.Get("In-Reply-To") != "" || m.Header.Get("References") != "" {
			return res, answer(ctx, cfg, m, &text, list, &res)
		}
		return res, nil
	}
	rec, by, err := matchReply(ctx, idx, m, cfg, res.From, res.Subject)
	if rec != nil {
		res.Record, res.MatchedBy = rec, by
		if aerr := answer(ctx, cfg, m, &text, list, &res); aerr != nil {
			return res, aerr
		}
	}
	return res, wrapIndexErr(err)
}

// answer settles a message that answers our mail: an out-of-office
// notice sent without any auto-reply header (told by its text), or a
// person's reply with its intent. Only related mail gets here, so
// unrelated mail never pays for text extraction.
func answer(ctx context.Context, cfg *config, m *mailparse.Message, text *replyText, list bool, res *Result) error {
	text.fill(res)
	if !list && isAutoReplyBody(res.Text) {
		res.Class = ClassAutoReply
		res.ReturnDate = returnDate(res.Subject+"\n"+res.Text, messageDate(m))
		return nil
	}
	res.Class = ClassReply
	return decideIntent(ctx, cfg, res)
}

// matchAuto ties an auto-reply (or a challenge) to our message like a
// reply, when there is an index.
func matchAuto(ctx context.Context, idx provider.SentIndex, m *mailparse.Message, cfg *config, res *Result) error {
	if idx == nil {
		return nil
	}
	rec, by, err := matchReply(ctx, idx, m, cfg, res.From, res.Subject)
	res.Record, res.MatchedBy = rec, by
	return wrapIndexErr(err)
}

func wrapIndexErr(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("tracking: sent index: %w", err)
}

// ownAddresses are the bounce's own From and To: never the failed
// recipient.
func ownAddresses(m *mailparse.Message, from string) []string {
	out := bounce.FindAddresses(m.Header.Get("To"))
	if from != "" {
		out = append(out, from)
	}
	return out
}

// isReceipt recognises a read receipt (RFC 8098 message/disposition-
// notification): an automatic answer, not a human reply.
func isReceipt(m *mailparse.Message) bool {
	for _, p := range m.Parts {
		if p.Type == "message/disposition-notification" {
			return true
		}
	}
	return false
}

// addBounced appends one recipient of a bounce report to r.
func (r *Result) addBounced(b bounce.Recipient) {
	action := BounceFailed
	if b.Delayed {
		action = BounceDelayed
	}
	r.Recipients = append(r.Recipients, Recipient{
		Address: b.Address, ReportedAddress: b.ReportedAddress, Action: action, Status: b.Status, Reason: b.Reason,
		Hard: b.Hard, Diagnostic: b.Diagnostic, RemoteMTA: b.RemoteMTA,
	})
}

// fillBounce completes res, whose Recipients addBounced filled, from the
// report as a whole.
func fillBounce(res *Result, rep bounce.Report) {
	res.Class = ClassBounce
	res.Action = BounceFailed
	if rep.Delayed {
		res.Action = BounceDelayed
	}
	res.ReportingMTA = rep.ReportingMTA
	if len(res.Recipients) > 0 {
		r := res.Recipients[0]
		res.Action, res.Status, res.Reason, res.Hard, res.Diagnostic, res.RemoteMTA =
			r.Action, r.Status, r.Reason, r.Hard, r.Diagnostic, r.RemoteMTA
	}
}

// matchOriginal ties a bounce or complaint to our message through the
// Message-ID of the returned original.
func matchOriginal(ctx context.Context, idx provider.SentIndex, m *mailparse.Message, res *Result, extraID string) error {
	ids := bounce.OriginalIDs(m, maxLookups)
	if extraID != "" {
		ids = append([]string{providerkit.TrimMessageID(extraID)}, ids...)
	}
	if len(ids) > 0 {
		res.OriginalMessageID = ids[0]
	}
	if idx == nil {
		return nil
	}
	budget := maxLookups
	rec, err := matchIDs(ctx, idx, ids, &budget)
	if rec != nil {
		res.Record, res.MatchedBy, res.OriginalMessageID = rec, MatchDSNOriginal, rec.MessageID
	}
	return wrapIndexErr(err)
}
