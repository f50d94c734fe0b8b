package tracking

import (
	"context"
	"fmt"
	"mime"
	"strings"

	"github.com/inboxkit/inboxkit/internal/bounce"
	"github.com/inboxkit/inboxkit/internal/mailparse"
	"github.com/inboxkit/inboxkit/internal/replytext"
	"github.com/inboxkit/inboxkit/tracking/intent"
)

// Attachment is a file attached to a reply, described without its bytes.
type Attachment struct {
	Name string // file name as the sender's client gave it; "" when none
	Type string // media type, lower-cased ("application/pdf")
	Size int    // decoded size in bytes (at most the part of the message Classify reads)
}

// replyParts converts m's leaves for replytext: disposition, file name
// (RFC 2231 and RFC 2047 decoded) and Content-ID from each part's header.
func replyParts(m *mailparse.Message, cfg *config) []replytext.Part {
	out := make([]replytext.Part, 0, len(m.Parts))
	for _, p := range m.Parts {
		rp := replytext.Part{Type: p.Type, Params: p.Params, Body: p.Body, ContentID: p.Header.Get("Content-Id")}
		if cd := p.Header.Get("Content-Disposition"); cd != "" {
			if d, params, err := mime.ParseMediaType(cd); err == nil {
				rp.Disposition, rp.Filename = d, params["filename"]
			} else {
				d, _, _ := strings.Cut(cd, ";")
				rp.Disposition = strings.ToLower(strings.TrimSpace(d))
			}
		}
		if rp.Filename != "" {
			rp.Filename = mailparse.DecodeWords(rp.Filename, &cfg.parse)
		}
		if n := p.Params["name"]; n != "" && strings.Contains(n, "=?") {
			params := make(map[string]string, len(p.Params))
			for k, v := range p.Params {
				params[k] = v
			}
			params["name"] = mailparse.DecodeWords(n, &cfg.parse)
			rp.Params = params
		}
		out = append(out, rp)
	}
	return out
}

// replyText extracts the new text and the attachments of m once.
type replyText struct {
	m    *mailparse.Message
	cfg  *config
	done bool
	r    replytext.Reply
}

func (t *replyText) get() replytext.Reply {
	if !t.done {
		t.r, t.done = replytext.Extract(replyParts(t.m, t.cfg)), true
	}
	return t.r
}

// fill copies the text and the attachments into res.
func (t *replyText) fill(res *Result) {
	r := t.get()
	res.Text = r.Text
	for _, a := range r.Attachments {
		res.Attachments = append(res.Attachments, Attachment(a))
	}
}

// decideIntent sets res.Intent and res.Referral for a reply, with the
// host's classifier (falling back to the built-in rules when it fails)
// or the built-in rules. Nothing is done for other kinds.
func decideIntent(ctx context.Context, cfg *config, res *Result) error {
	if res.Class != ClassReply {
		return nil
	}
	m := intent.Message{Text: res.Text, Subject: res.Subject, From: res.From}
	if res.Record != nil && res.Record.Account != "" {
		m.Own = []string{res.Record.Account}
	}
	var r intent.Result
	if cfg.intent == nil {
		r = intent.Decide(m)
	} else {
		var err error
		r, err = intent.Fallback(cfg.intent, intent.Rules{}).Classify(ctx, m)
		if err != nil {
			return fmt.Errorf("tracking: intent: %w", err)
		}
	}
	res.Intent, res.Referral = r.Intent, r.Referral
	return nil
}

// hasDeliveryStatus reports whether m carries an RFC 3464 report.
func hasDeliveryStatus(m *mailparse.Message) bool {
	for _, p := range m.Parts {
		if p.Type == "message/delivery-status" || p.Type == "message/global-delivery-status" {
			return true
		}
	}
	return false
}

// heldFor returns the address a challenge holds our mail for: the first
// address its text names that is neither its own nor ours, or "".
func heldFor(text string, own []string) string {
	if len(text) > 2<<10 {
		text = text[:2<<10]
	}
	for _, a := range bounce.FindAddresses(text) {
		if !containsFold(own, a) {
			return a
		}
	}
	return ""
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
