package bounce

import "strings"

func containsInOrder(d string, seq []string) bool {
	for _, p := range seq {
		i := strings.Index(d, p)
		if i < 0 {
			return false
		}
		d = d[i+len(p):]
	}
	return true
}

// reasons is textRules compiled once; it is never modified after.
var reasons, reasonsOK = newReasonMatcher(textRules[:])

// textReason returns the reason of the first rule in textRules whose
// phrases occur in the diagnostic text (case-insensitive), or "".
func textReason(diag string) string {
	if diag == "" {
		return ""
	}
	return reasons.reason(diag)
}

// findReason decides the reason of one failed recipient: a decisive
// status code first, then the diagnostic text, then the status code's
// general meaning, then the SMTP reply code and the action.
func findReason(status, replyCode, diag string, rc reasonContext, delayed bool) string {
	rule, known := statusRules[status]
	cmd := smtpCommand(diag)
	if cmd == "" {
		cmd = rc.command
	}
	if known && rule.decisive {
		return rule.reason
	}
	if r := textReason(diag); r != "" {
		r = preferUnknownUser(r, status, replyCode, diag)
		if r == ReasonUserUnknown && emptyAddressReply(diag) {
			// "550 : User unknown": the server echoed no recipient, as
			// after DATA: it refused the message, not an address.
			return ReasonFiltered
		}
		return adjustTextReason(r, status, cmd, rc)
	}
	if cmd == "EHLO" || cmd == "CONN" {
		return ReasonBlocked
	}
	if known {
		return rule.reason
	}
	switch replyCode {
	case "521", "556":
		return ReasonNotAccept
	case "525":
		return ReasonSuspend
	case "501", "502", "503", "504", "401", "402", "403", "404":
		return ReasonSyntaxError
	}
	if len(status) >= 3 {
		switch status[1:3] {
		case ".6":
			return ReasonContentError
		case ".7":
			return ReasonSecurityError
		}
	}
	if delayed {
		return ReasonExpired
	}
	if strings.TrimSpace(diag) != "" {
		return ReasonOnHold
	}
	return ReasonUndefined
}

// adjustTextReason qualifies a reason read from diagnostic text with
// what the status code and the SMTP command say (after sisimai's
// Filtered/UserUnknown/Rejected rules):
//   - "user unknown" answered to MAIL FROM is about our sender: rejected;
//   - "user unknown" with an address status (x.1.x) or answered to
//     RCPT TO is believed; answered after DATA it is the recipient's
//     filter speaking (the address was accepted at RCPT TO): filtered;
//     so is one relayed by a content-filtering gateway (McAfee, m-FILTER,
//     SurfControl, Active!Hunter, MailFoundry, MXLogic), which reports
//     the refusal of the server behind it for mail it already accepted,
//     and one with a policy (x.7.x) or mailbox-state (x.2.x: the
//     mailbox exists) status without RCPT TO evidence;
//   - with neither a status code nor an SMTP stage, a relayed "user
//     unknown" is a filter's answer too, unless it is the notice's own
//     prose or a directory system's native phrase (reasonUserUnknownNative);
//   - a non-existent domain answered to MAIL FROM is our sender domain:
//     rejected; a temporary DNS failure is a network error.
func adjustTextReason(r, status, cmd string, rc reasonContext) string {
	switch r {
	case reasonUserUnknownNative:
		if cmd == "MAIL" {
			return ReasonRejected
		}
		return ReasonUserUnknown
	case ReasonUserUnknown:
		switch {
		case cmd == "MAIL":
			return ReasonRejected
		case len(status) > 3 && status[1:3] == ".1", cmd == "RCPT":
			return ReasonUserUnknown
		case cmd == "DATA" || rc.filterGateway:
			return ReasonFiltered
		case len(status) > 3 && (status[1:3] == ".7" || status[1:3] == ".2"):
			// A policy (x.7.x) or mailbox (x.2.x) status: the mailbox
			// exists, a rule refused the mail.
			return ReasonFiltered
		case status == "" && cmd == "" && !rc.wholeNotice:
			// No status code and no stage: a relayed "user unknown"
			// may be a filter's answer (sisimai's reading).
			return ReasonFiltered
		}
		return ReasonUserUnknown
	case ReasonHostUnknown:
		switch {
		case cmd == "MAIL":
			return ReasonRejected
		case strings.HasPrefix(status, "4."):
			return ReasonNetworkError
		}
	}
	return r
}

// isHard reports whether a failure means "never mail this address
// again": the address or domain does not exist or accepts no mail, and
// the failure is final and permanent (a failed, not delayed, "no such
// mailbox" with an address status 4.1.x counts as permanent, as sisimai
// reads it).
func isHard(reason, status string, delayed bool) bool {
	if delayed {
		return false
	}
	if strings.HasPrefix(status, "4.") && !(reason == ReasonUserUnknown && strings.HasPrefix(status, "4.1.")) {
		return false
	}
	switch reason {
	case ReasonUserUnknown, ReasonHostUnknown, ReasonHasMoved, ReasonNotAccept:
		return true
	}
	return false
}

// reasonContext is what the whole notice says beyond one recipient's
// diagnostic.
type reasonContext struct {
	command       string // the SMTP command the notice's text names
	filterGateway bool   // the notice comes from a content-filtering gateway
	wholeNotice   bool   // the text reasoned on is the notice's own prose, not a relayed reply
}

// filterGatewayMarks are header fields and lower-cased fragments of
// their values that name content-filtering gateways (appliances that
// accept mail, then relay the verdict of the server behind them).
var filterGatewayMarks = [...]struct{ field, mark string }{
	{"X-NAI-Header", "modified by mcafee"}, {"X-Mailer", "m-filter"}, {"X-Mailer", "surfcontrol"},
	{"Content-Type", "_active!hunter_"}, {"Received", "(mailfoundry)"}, {"From", "mxlogic.net"},
	{"Received", "mxl_mta-"},
}

// SMTP commands as bits of a commandMask.
const (
	cmdDATA = 1 << iota
	cmdRCPT
	cmdMAIL
	cmdEHLO
	cmdCONN
)

// commandPhrases name the SMTP command a refusal answered, as MTAs
// write it ("in reply to RCPT TO command", "after end of data", …).
var commandPhrases = [...]struct {
	phrase string
	cmd    uint8
}{
	{"end of data", cmdDATA}, {"after data", cmdDATA}, {"data command", cmdDATA}, {"for text command", cmdDATA},
	{"after end of", cmdDATA}, {"in reply to data", cmdDATA},
	{"rcpt to", cmdRCPT}, {"after rcpt", cmdRCPT}, {"[rcpt_to]", cmdRCPT},
	{"mail from", cmdMAIL}, {"after mail", cmdMAIL},
	{"after ehlo", cmdEHLO}, {"after helo", cmdEHLO}, {"ehlo command", cmdEHLO}, {"helo command", cmdEHLO},
	{"after initial connection", cmdCONN}, {"refused to talk to me", cmdCONN}, {"greeting", cmdCONN},
}

// commandMatcher is commandPhrases compiled; never modified after.
var commandMatcher = newPhraseMatcher(func() []string {
	out := make([]string, len(commandPhrases))
	for i, c := range commandPhrases {
		out[i] = c.phrase
	}
	return out
}())

// commandMask returns the commands s names, as cmd bits.
func commandMask(s string) uint8 {
	var mask uint8
	pm := commandMatcher
	s = foldText(s)
	state := int32(0)
	nc := int32(pm.nclass)
	for i := 0; i < len(s); i++ {
		state = pm.next[state*nc+int32(pm.class[s[i]])]
		for _, id := range pm.outs[pm.outAt[state]:pm.outAt[state+1]] {
			mask |= commandPhrases[id].cmd
		}
	}
	return mask
}

// commandName returns the first command in mask, in the order DATA,
// RCPT, MAIL, EHLO, CONN, or "".
func commandName(mask uint8) string {
	switch {
	case mask&cmdDATA != 0:
		return "DATA"
	case mask&cmdRCPT != 0:
		return "RCPT"
	case mask&cmdMAIL != 0:
		return "MAIL"
	case mask&cmdEHLO != 0:
		return "EHLO"
	case mask&cmdCONN != 0:
		return "CONN"
	}
	return ""
}

// sessionCommand is smtpCommand for a bounce's whole human text, which
// may hold a session transcript: a recipient refused at RCPT TO is
// followed by a DATA the server then refuses for want of recipients, so
// RCPT wins over DATA here.
func sessionCommand(text string) string {
	mask := commandMask(text)
	if mask&cmdRCPT != 0 {
		return "RCPT"
	}
	return commandName(mask)
}

// smtpCommand returns the SMTP command a diagnostic says the failure
// answered: "CONN" (the greeting), "EHLO", "MAIL", "RCPT", "DATA" or "".
func smtpCommand(diag string) string {
	return commandName(commandMask(diag))
}

// emptyAddressReply reports whether diag holds an SMTP reply whose
// address slot is empty ("550 : User unknown", "550: : User unknown").
func emptyAddressReply(diag string) bool {
	for i := 0; i+4 < len(diag); i++ {
		if (diag[i] != '4' && diag[i] != '5') || !isDigit(diag[i+1]) || !isDigit(diag[i+2]) {
			continue
		}
		if i > 0 && isAlnum(diag[i-1]) {
			continue
		}
		j := i + 3
		if j < len(diag) && diag[j] == ':' {
			j++
		}
		for j < len(diag) && diag[j] == ' ' {
			j++
		}
		if j > i+3 && j < len(diag) && diag[j] == ':' {
			return true
		}
	}
	return false
}
