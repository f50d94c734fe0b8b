// Package relate decides, from as little of a message as possible, whether
// fetched mail relates to mail we sent. Every provider uses it so that "is
// this ours?" means the same on Gmail, Graph and IMAP.
//
// The order is cheap first: In-Reply-To and References against the
// SentIndex (a reply), then the provider thread (Gmail threadId, Graph
// conversationId), then header hints that the message may be a bounce or an
// auto-reply, whose tie to our mail sits only inside the body (the returned
// original's Message-ID). Candidates are downloaded and settled with Body.
package relate

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net/textproto"
	"strings"

	"github.com/inboxkit/inboxkit/internal/automail"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// HeaderFields returns the header fields Match reads; providers ask the
// server for these alone before deciding to download a body.
func HeaderFields() []string {
	fields := []string{
		"Message-ID", "In-Reply-To", "References", "From", "Subject", "Return-Path",
		"Content-Type", "X-Auto-Response-Suppress", "X-Failed-Recipients", "X-Original-Message-ID",
	}
	return append(fields, automail.AutoReplyHeaderFields()...)
}

// Verdict is the outcome of looking at a message's header.
type Verdict struct {
	// Record is the SentRecord the message relates to, nil when the
	// header alone does not tie it to our mail.
	Record *provider.SentRecord
	// MatchedBy is "in-reply-to", "references" or "thread" with Record.
	MatchedBy string
	// Candidate is true when the header looks like a bounce, a complaint or
	// an auto-reply: download the body and call Body to settle it.
	Candidate bool
}

// Related reports whether the message relates to our mail by header.
func (v Verdict) Related() bool { return v.Record != nil }

// Header parses a raw header block (or a whole message: parsing stops at
// the first empty line). Malformed lines are skipped, never fatal.
func Header(raw []byte) textproto.MIMEHeader {
	h := make(textproto.MIMEHeader)
	r := bufio.NewReader(bytes.NewReader(raw))
	var name, value string
	flush := func() {
		if name != "" {
			h.Add(name, strings.TrimSpace(value))
		}
		name, value = "", ""
	}
	for {
		line, err := r.ReadString('\n')
		trimmed := strings.TrimRight(line, "\r\n")
		if trimmed == "" && (err == nil || line != "") {
			break
		}
		if trimmed != "" {
			if trimmed[0] == ' ' || trimmed[0] == '\t' {
				if name != "" && len(value) < 1<<16 {
					value += " " + strings.TrimSpace(trimmed)
				}
			} else if colon := strings.IndexByte(trimmed, ':'); colon > 0 {
				flush()
				name = textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(trimmed[:colon]))
				value = trimmed[colon+1:]
			}
		}
		if err != nil {
			break
		}
	}
	flush()
	return h
}

// Match looks the header's In-Reply-To and References up in idx, then the
// thread (when account and threadID are given), then — when idx also has
// ByRecipient (see RecipientIndex) — the sender among our recipients with
// the same normalised subject ("recipient-subject", as tracking.Classify
// matches it), then the bounce and auto-reply hints. A lookup error other than ErrNotFound is returned: the
// caller must not advance its cursor past a message it could not judge.
func Match(ctx context.Context, h textproto.MIMEHeader, idx provider.SentIndex, account, threadID string) (Verdict, error) {
	if idx == nil {
		return Verdict{Candidate: Candidate(h)}, nil
	}
	for _, id := range providerkit.ParseMessageIDs(h.Get("In-Reply-To")) {
		rec, err := lookup(ctx, idx, id)
		if err != nil || rec != nil {
			return Verdict{Record: rec, MatchedBy: "in-reply-to"}, err
		}
	}
	refs := providerkit.ParseMessageIDs(h.Get("References"))
	for i := len(refs) - 1; i >= 0 && i >= len(refs)-50; i-- { // newest first, bounded
		rec, err := lookup(ctx, idx, refs[i])
		if err != nil || rec != nil {
			return Verdict{Record: rec, MatchedBy: "references"}, err
		}
	}
	if threadID != "" {
		rec, err := idx.ByThread(ctx, account, threadID)
		switch {
		case err == nil && rec != nil:
			return Verdict{Record: rec, MatchedBy: "thread"}, nil
		case err != nil && !errors.Is(err, provider.ErrNotFound):
			return Verdict{}, err
		}
	}
	if rec, err := byRecipientSubject(ctx, h, idx); err != nil || rec != nil {
		return Verdict{Record: rec, MatchedBy: "recipient-subject"}, err
	}
	return Verdict{Candidate: Candidate(h)}, nil
}

func lookup(ctx context.Context, idx provider.SentIndex, id string) (*provider.SentRecord, error) {
	rec, err := idx.ByMessageID(ctx, id)
	if err != nil {
		if errors.Is(err, provider.ErrNotFound) {
			return nil, nil
		}
		return nil, err
	}
	return rec, nil
}

// Candidate reports whether a header looks like a bounce (RFC 3464 report,
// a mailer-daemon sender, an empty Return-Path, X-Failed-Recipients), a
// complaint (RFC 5965 feedback report) or an auto-reply (RFC 3834
// Auto-Submitted, vendor headers, out-of-office subjects).
func Candidate(h textproto.MIMEHeader) bool {
	ct := strings.ToLower(h.Get("Content-Type"))
	if strings.Contains(ct, "multipart/report") || strings.Contains(ct, "message/feedback-report") {
		return true
	}
	if h.Get("X-Failed-Recipients") != "" || h.Get("X-Autoreply") != "" || h.Get("X-Autorespond") != "" {
		return true
	}
	if as := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); as != "" && as != "no" {
		return true
	}
	if p := strings.ToLower(h.Get("Precedence")); strings.Contains(p, "auto_reply") {
		return true
	}
	if rp := strings.TrimSpace(h.Get("Return-Path")); rp == "<>" {
		return true
	}
	if automail.AutoReplyHeader(h) || automail.IsDaemonSender(h.Get("From")) {
		return true
	}
	return automail.MayBeAutomatic(decodeWords(h.Get("Subject")))
}
