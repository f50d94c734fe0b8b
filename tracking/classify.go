package tracking

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"

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
// implements [RecipientIndex]). Anything else is [KindUnrelated]; a
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
	m := parseMessage(raw, cfg)
	if m.header.Len() == 0 {
		return Result{}, ErrNotMessage
	}
	res := Result{
		Kind:      KindUnrelated,
		Subject:   decodeWords(m.header.Get("Subject"), cfg),
		MessageID: providerkit.TrimMessageID(m.header.Get("Message-Id")),
	}
	fromHeader := decodeWords(m.header.Get("From"), cfg)
	if a, err := mail.ParseAddress(fromHeader); err == nil {
		res.From = strings.ToLower(a.Address)
	} else if as := findAddresses(fromHeader); len(as) > 0 {
		res.From = as[0]
	}

	if rep := findBounce(m, res.Subject, fromHeader, ownAddresses(m, res.From)); rep != nil {
		if rep.success {
			return res, nil
		}
		fillBounce(&res, rep)
		return res, matchOriginal(ctx, idx, m, &res, "")
	}
	if c := findComplaint(m); c != nil {
		res.Kind = KindComplaint
		res.FeedbackType = c.feedbackType
		res.ReportingMTA = c.reportingMTA
		for _, a := range c.recipients {
			res.Recipients = append(res.Recipients, Recipient{Address: a})
		}
		return res, matchOriginal(ctx, idx, m, &res, c.originalID)
	}
	if !isListMail(m.header) && (autoReplyHeader(m.header) || isAutoReplySubject(res.Subject) || isReceipt(m)) {
		res.Kind = KindAutoReply
		res.ReturnDate = returnDate(res.Subject+"\n"+humanText(m), messageDate(m))
		if idx != nil {
			rec, by, err := matchReply(ctx, idx, m, cfg, res.From, res.Subject)
			res.Record, res.MatchedBy = rec, by
			return res, wrapIndexErr(err)
		}
		return res, nil
	}
	if idx == nil {
		if m.header.Get("In-Reply-To") != "" || m.header.Get("References") != "" {
			res.Kind = KindReply
		}
		return res, nil
	}
	rec, by, err := matchReply(ctx, idx, m, cfg, res.From, res.Subject)
	if rec != nil {
		res.Kind, res.Record, res.MatchedBy = KindReply, rec, by
	}
	return res, wrapIndexErr(err)
}

func wrapIndexErr(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("tracking: sent index: %w", err)
}

// ownAddresses are the bounce's own From and To: never the failed
// recipient.
func ownAddresses(m *parsedMessage, from string) []string {
	out := findAddresses(m.header.Get("To"))
	if from != "" {
		out = append(out, from)
	}
	return out
}

// isReceipt recognises a read receipt (RFC 8098 message/disposition-
// notification): an automatic answer, not a human reply.
func isReceipt(m *parsedMessage) bool {
	for _, p := range m.parts {
		if p.ctype == "message/disposition-notification" {
			return true
		}
	}
	return false
}

// fillBounce copies a bounce report into res, deciding each recipient's
// reason and hardness.
func fillBounce(res *Result, rep *bounceReport) {
	res.Kind = KindBounce
	res.Action = ActionFailed
	if rep.delayed {
		res.Action = ActionDelayed
	}
	res.ReportingMTA = rep.reportingMTA
	for _, br := range rep.rcpts {
		switch br.action {
		case "delivered", "relayed", "expanded":
			continue
		}
		action := ActionFailed
		if br.action == "delayed" || (rep.delayed && br.action == "") {
			action = ActionDelayed
		}
		status := br.status
		diag := oneLine(br.diag, 1000)
		// The remote server's own code in the diagnostic is more
		// precise than the reporting MTA's summary (Sendmail reports
		// 4.4.7 for every expired message, and many MTAs x.0.0).
		if s := findStatus(diag); s != "" && s[0] != '2' && (status == "" || s[0] == status[0]) {
			status = s
		}

		reply := findReplyCode(diag)
		reason := findReason(status, reply, diag, rep.ctx, action)
		if reason == ReasonOnHold || reason == ReasonUndefined {
			reason = undecidedReason(reason, status, reply, br.addr, rep, action)
			if reason == ReasonOnHold && br.diagIsNotice {
				// Nothing about this recipient beyond the notice's
				// boilerplate: nothing to go on.
				reason = ReasonUndefined
			}
		}
		if status == "" {
			// Reported, not reasoned on: a code elsewhere in the notice
			// may belong to another recipient.
			if s := findStatus(rep.text); s != "" && s[0] != '2' {
				status = s
			}
		}
		if br.diagType == "x-unix" && reason == ReasonOnHold {
			reason = ReasonMailerError
		}
		res.Recipients = append(res.Recipients, Recipient{
			Address: br.addr, OriginalAddress: br.orig, Action: action, Status: status, Reason: reason,
			Hard: isHard(reason, status, action), Diagnostic: diag, RemoteMTA: br.remoteMTA,
		})
	}
	if len(res.Recipients) > 0 {
		r := res.Recipients[0]
		res.Action, res.Status, res.Reason, res.Hard, res.Diagnostic, res.RemoteMTA =
			r.Action, r.Status, r.Reason, r.Hard, r.Diagnostic, r.RemoteMTA
	}
}

// matchOriginal ties a bounce or complaint to our message through the
// Message-ID of the returned original.
func matchOriginal(ctx context.Context, idx provider.SentIndex, m *parsedMessage, res *Result, extraID string) error {
	ids := originalIDs(m)
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

// groupDomains are list hosts whose refusals (the sender may not post,
// or the group does not exist) come as localised prose without any
// status code.
var groupDomains = [...]string{"googlegroups.com"}

// undecidedReason is tried when a recipient's own diagnostic decided
// nothing: the notice's whole text may (a scraper can pick the wrong
// paragraph, and some MTAs write the reason away from the address),
// and a refusal from a group host is a rejection of our post.
func undecidedReason(reason, status, reply, addr string, rep *bounceReport, action Action) string {
	if rep.text != "" {
		rc := rep.ctx
		rc.wholeNotice = true
		if r := findReason(status, reply, oneLine(rep.text, 8<<10), rc, action); r != ReasonOnHold && r != ReasonUndefined {
			return r
		}
	}
	if at := strings.LastIndexByte(addr, '@'); at >= 0 && contains(groupDomains[:], addr[at+1:]) {
		return ReasonRejected
	}
	return reason
}
