package bounce

import (
	"strings"

	"github.com/emersion/go-message/textproto"

	"github.com/inboxkit/inboxkit/internal/automail"
	"github.com/inboxkit/inboxkit/internal/mailparse"
)

// bounceRecipient is one recipient as read from a report, before the
// reason is decided.
type bounceRecipient struct {
	addr, orig, action, status, diag, diagType, remoteMTA string
	reported                                              string // the address the report named, when we sent to another
	diagIsNotice                                          bool   // diag is the whole notice, nothing of the recipient's own
}

// bounceReport is what the bounce parsers found.
type bounceReport struct {
	rcpts        []bounceRecipient
	reportingMTA string
	ctx          reasonContext
	text         string // the notice's human-readable text
	delayed      bool   // a delay warning rather than a failure
	success      bool   // a successful-delivery (or relayed) DSN
}

// delayPhrases mark a warning that delivery is still being tried.
var delayPhrases = [...]string{
	"delivery delayed", "delayed mail", "delivery delay", "warning: could not send message for past",
	"will continue trying", "will keep trying", "still trying", "will retry", "not yet been delivered",
	"has been delayed", "(delayed)", "is delayed", "delivery attempts will continue", "this is a warning message only",
	"not been delivered yet", "will be retried",
}

// findBounce looks for a delivery report in m and returns it, or nil
// when m is not a bounce.
func findBounce(m *mailparse.Message, subject, from, text string, exclude []string, autoSubject func(string) bool) *bounceReport {
	rep := &bounceReport{}
	hasDS := false
	for _, p := range m.Parts {
		if p.Type == "message/feedback-report" {
			// An ARF report (RFC 5965), including a DMARC failure
			// report (RFC 6591, feedback-type auth-failure) sent from a
			// postmaster address, is never a bounce.
			return nil
		}
		if p.Type == "message/delivery-status" || p.Type == "message/global-delivery-status" {
			hasDS = true
			rs, mta := dsnRecipients(p.Body)
			rep.rcpts = append(rep.rcpts, rs...)
			if rep.reportingMTA == "" {
				rep.reportingMTA = mta
			}
		}
	}
	if hasDS {
		sentToAddresses(rep.rcpts, m.Originals)
	}
	if text == "" {
		text = HumanText(m)
	}
	if !hasDS {
		if r := sesReport(m); r != nil {
			return r
		}
		if !looksLikeBounce(m.Header, subject, from, text, len(m.Originals) > 0, autoSubject) {
			return nil
		}
		// Reports sent as text that still carry RFC 3464 fields.
		if indexFold(text, "final-recipient:") >= 0 {
			rs, mta := dsnRecipients([]byte(text))
			rep.rcpts, rep.reportingMTA = rs, mta
		}
	}
	rep.text = text
	rep.ctx.command = sessionCommand(text)
	rep.ctx.filterGateway = isFilterGateway(m)
	if len(rep.rcpts) == 0 {
		rep.rcpts = textRecipients(m, text, append(listAddresses(from, text), exclude...))
	}
	if len(rep.rcpts) == 0 && !hasDS {
		return nil
	}
	// Fill in diagnostics the report left out from the human text.
	for i := range rep.rcpts {
		r := &rep.rcpts[i]
		if r.diag == "" || (findStatus(r.diag) == "" && textReason(r.diag) == "") {
			if p := paragraphFor(text, r.addr); p != "" && hasFailureSignal(p) {
				r.diag = strings.TrimSpace(r.diag + " " + p)
			} else if r.diag == "" {
				r.diag, r.diagIsNotice = text, true
			}
		}
	}
	failed, delivered := 0, 0
	for _, r := range rep.rcpts {
		switch r.action {
		case "delivered", "relayed", "expanded":
			delivered++
		case "delayed":
		default:
			if !strings.HasPrefix(r.status, "2.") {
				failed++
			} else {
				delivered++
			}
		}
	}
	switch {
	case delivered > 0 && failed == 0 && !hasAction(rep.rcpts, "delayed"):
		rep.success = true
	case failed == 0 && hasAction(rep.rcpts, "delayed"):
		rep.delayed = true
	case !hasDS && failed > 0 && (isWarning(subject, text) || (delayMatcher.contains(subject) || delayMatcher.contains(text)) &&
		indexFold(text, "permanent") < 0 && indexFold(text, "failed") < 0 && indexFold(text, "gave up") < 0):
		rep.delayed = true
	}
	return rep
}

func hasAction(rs []bounceRecipient, action string) bool {
	for _, r := range rs {
		if r.action == action {
			return true
		}
	}
	return false
}

// looksLikeBounce decides whether a message without a delivery-status
// part is a non-standard bounce: it must come from a mail system (by
// sender, subject or X-Failed-Recipients, or by a null Return-Path
// together with a returned original, RFC 5321 §4.5.5's mark of a
// non-delivery notice) and say why delivery failed. A subject that
// autoSubject calls an auto-reply's is not enough on its own.
func looksLikeBounce(h textproto.Header, subject, from, text string, hasOriginal bool, autoSubject func(string) bool) bool {
	if h.Get("X-Failed-Recipients") != "" {
		return true
	}
	daemon := daemonMatcher.contains(from) ||
		(hasOriginal && strings.TrimSpace(h.Get("Return-Path")) == "<>")
	bounceSubj := bounceSubjectMatcher.contains(subject)
	if !daemon && !bounceSubj {
		return false
	}
	if !daemon && autoSubject != nil && autoSubject(subject) {
		return false
	}
	return hasFailureSignal(text) || failureMatcher.contains(text)
}

// failurePhrases are generic words of a failure notice.
var failurePhrases = [...]string{
	"could not be delivered", "couldn't be delivered", "undeliverable", "delivery to the following recipient",
	"permanent error", "permanent fatal error", "delivery has failed", "failed to deliver", "unable to deliver",
	"was not delivered", "wasn't delivered", "returned to you", "could not deliver", "delivery failed",
	"the following addresses had", "message delivery failed", "not be delivered", "failed recipient",
	"did not reach the following recipient", "error delivering", "delivery problems", "not recognized",
	"lookup failure", "could not be sent", "not reachable", "unknown user", "user unknown", "not member",
	"failure reasons", "error has occurred", "attempting to deliver", "delivery errors", "delivery error",
	"delivery to the following", "rejected", "failed", "has not been delivered", "temporary failure",
}

// textRecipients scrapes recipients from a non-standard bounce, using
// X-Failed-Recipients first and the returned original's To last.
func textRecipients(m *mailparse.Message, text string, exclude []string) []bounceRecipient {
	var failed []string
	for _, v := range m.Header.Values("X-Failed-Recipients") {
		for _, a := range strings.Split(v, ",") {
			if c := cleanAddress(a); c != "" && !contains(failed, c) {
				failed = append(failed, c)
			}
		}
	}
	if len(failed) > 0 {
		out := make([]bounceRecipient, 0, len(failed))
		for _, a := range failed {
			out = append(out, bounceRecipient{addr: a, diag: paragraphFor(text, a)})
		}
		return out
	}
	if rs := scrapeRecipients(text, exclude); len(rs) > 0 {
		return rs
	}
	for _, oh := range m.Originals {
		for _, a := range FindAddresses(oh.Get("To")) {
			if !ignoredAddress(a, exclude) {
				return []bounceRecipient{{addr: a, diag: text}}
			}
		}
	}
	return nil
}

// paragraphFor returns the paragraph after the first mention of addr in
// text, or "".
func paragraphFor(text, addr string) string {
	if addr == "" {
		return ""
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if indexFold(l, addr) >= 0 {
			return paragraphAfter(lines, i, addr)
		}
	}
	return ""
}

// isFilterGateway reports whether the notice was written by a
// content-filtering gateway (see filterGatewayMarks), judged by its
// header fields.
func isFilterGateway(m *mailparse.Message) bool {
	for _, g := range filterGatewayMarks {
		for _, v := range m.Header.Values(g.field) {
			if indexFold(v, g.mark) >= 0 {
				return true
			}
		}
	}
	return false
}

// The phrase lists compiled once for single-pass, case-insensitive
// matching; never modified after.
var (
	delayMatcher         = newPhraseMatcher(delayPhrases[:])
	daemonMatcher        = newPhraseMatcher(automail.DaemonSenders())
	bounceSubjectMatcher = newPhraseMatcher(automail.BounceSubjects())
	failureMatcher       = newPhraseMatcher(failurePhrases[:])
)
