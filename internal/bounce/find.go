package bounce

import (
	"strings"

	"github.com/inboxkit/inboxkit/internal/mailparse"
	"github.com/inboxkit/inboxkit/internal/providerkit"
)

// Input is what the caller already read from a message's header.
type Input struct {
	Subject string // RFC 2047-decoded
	From    string // the From field as decoded, display name included
	// Exclude are addresses that are never the failed recipient (the
	// notice's own From and To).
	Exclude []string
	// IsAutoReplySubject tells an out-of-office subject from a bounce
	// subject; nil means none is.
	IsAutoReplySubject func(subject string) bool
	// Text is HumanText(m) when the caller already has it; "" means Find
	// reads it.
	Text string
}

// Report is what a delivery report says as a whole; its recipients go to
// Find's callback.
type Report struct {
	ReportingMTA string
	Delayed      bool // a delay warning rather than a failure
	// Success marks a successful-delivery (or relayed) report: not a
	// bounce at all, and no recipient is reported.
	Success bool
}

// Recipient is one failed or delayed recipient of a Report.
type Recipient struct {
	// Address is the address we sent to, lower-cased: Original-Recipient
	// over a Final-Recipient that a forwarding or an alias rewrote,
	// unless the returned copy of our message names the final one.
	Address string
	// ReportedAddress is the address the report named when it differs
	// from Address (the rewritten Final-Recipient).
	ReportedAddress string
	Delayed         bool   // still being tried, rather than failed
	Status          string // enhanced status code, "" when the report gives none
	Reason          string // one of the Reason constants
	Hard            bool   // never mail this address again
	Diagnostic      string // the remote server's words, one line
	RemoteMTA       string
}

// Find looks for a delivery report in m, decides each failed or delayed
// recipient's reason and hardness and passes them to add in report order
// (delivered, relayed and expanded ones are left out). ok is false when m
// is not a bounce. add lets the caller keep the recipients in its own
// type without an intermediate slice.
func Find(m *mailparse.Message, in Input, add func(Recipient)) (out Report, ok bool) {
	rep := findBounce(m, in.Subject, in.From, in.Text, in.Exclude, in.IsAutoReplySubject)
	if rep == nil {
		return Report{}, false
	}
	if rep.success {
		return Report{Success: true}, true
	}
	out = Report{ReportingMTA: rep.reportingMTA, Delayed: rep.delayed}
	for _, br := range rep.rcpts {
		switch br.action {
		case "delivered", "relayed", "expanded":
			continue
		}
		delayed := br.action == "delayed" || (rep.delayed && br.action == "")
		status := br.status
		diag := oneLine(br.diag, 1000)
		// The remote server's own code in the diagnostic is more
		// precise than the reporting MTA's summary (Sendmail reports
		// 4.4.7 for every expired message, and many MTAs x.0.0).
		if s := findStatus(diag); s != "" && s[0] != '2' && (status == "" || s[0] == status[0]) {
			status = s
		}

		reply := findReplyCode(diag)
		reason := findReason(status, reply, diag, rep.ctx, delayed)
		if reason == ReasonOnHold || reason == ReasonUndefined {
			reason = undecidedReason(reason, status, reply, br.addr, rep, delayed)
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
		add(Recipient{
			Address: br.addr, ReportedAddress: br.reported, Delayed: delayed, Status: status, Reason: reason,
			Hard: isHard(reason, status, delayed), Diagnostic: diag, RemoteMTA: br.remoteMTA,
		})
	}
	return out, true
}

// groupDomains are list hosts whose refusals (the sender may not post,
// or the group does not exist) come as localised prose without any
// status code.
var groupDomains = [...]string{"googlegroups.com"}

// undecidedReason is tried when a recipient's own diagnostic decided
// nothing: the notice's whole text may (a scraper can pick the wrong
// paragraph, and some MTAs write the reason away from the address),
// and a refusal from a group host is a rejection of our post.
func undecidedReason(reason, status, reply, addr string, rep *bounceReport, delayed bool) string {
	if rep.text != "" {
		rc := rep.ctx
		rc.wholeNotice = true
		if r := findReason(status, reply, oneLine(rep.text, 8<<10), rc, delayed); r != ReasonOnHold && r != ReasonUndefined {
			return r
		}
	}
	if at := strings.LastIndexByte(addr, '@'); at >= 0 && contains(groupDomains[:], addr[at+1:]) {
		return ReasonRejected
	}
	return reason
}

// OriginalIDs collects up to max Message-IDs a bounce or complaint
// quotes from our message: returned originals' headers first, then
// "Message-ID:" lines pasted into the text.
func OriginalIDs(m *mailparse.Message, max int) []string {
	var ids []string
	add := func(v string) {
		for _, id := range providerkit.ParseMessageIDs(v) {
			if !contains(ids, id) && len(ids) < max {
				ids = append(ids, id)
			}
		}
	}
	for _, oh := range m.Originals {
		add(oh.Get("Message-ID"))
	}
	for _, p := range m.Parts {
		if strings.HasPrefix(p.Type, "text/") {
			scanMessageIDLines(string(p.Body), add)
		}
	}
	if len(ids) == 0 {
		scanMessageIDLines(string(m.RawBody[:min(len(m.RawBody), 256<<10)]), add)
	}
	return ids
}

func scanMessageIDLines(s string, add func(string)) {
	for off := 0; off < len(s); {
		i := indexFold(s[off:], "message-id:")
		if i < 0 {
			return
		}
		start := off + i + len("message-id:")
		end := strings.IndexByte(s[start:], '\n')
		if end < 0 {
			end = len(s) - start
		}
		if end > 1000 {
			end = 1000
		}
		add(s[start : start+end])
		off = start
	}
}
