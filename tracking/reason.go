package tracking

import "strings"

// matchRule reports whether lower-cased text d contains one of the
// rule's phrases.
func (r *reasonRule) match(d string) bool {
	for _, p := range r.any {
		if strings.Contains(d, p) {
			return true
		}
	}
	for _, seq := range r.all {
		if containsInOrder(d, seq) {
			return true
		}
	}
	return false
}

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

// textReason returns the first reason whose phrases occur in the
// diagnostic text, or "".
func textReason(diag string) string {
	if diag == "" {
		return ""
	}
	d := strings.ToLower(diag)
	for i := range textRules {
		if textRules[i].match(d) {
			return textRules[i].reason
		}
	}
	return ""
}

// findReason decides the reason of one failed recipient: a decisive
// status code first, then the diagnostic text, then the status code's
// general meaning, then the SMTP reply code and the action.
func findReason(status, replyCode, diag string, rc reasonContext, action Action) string {
	rule, known := statusRules[status]
	cmd := smtpCommand(diag)
	if cmd == "" {
		cmd = rc.command
	}
	if known && rule.decisive {
		return rule.reason
	}
	if r := textReason(diag); r != "" {
		if r == ReasonUserUnknown && emptyAddressReply(diag) {
			// "550 : User unknown": the server echoed no recipient, as
			// after DATA: it refused the message, not an address.
			return ReasonFiltered
		}
		return adjustTextReason(r, status, cmd, rc.filterGateway)
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
	if action == ActionDelayed {
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
//     and one with a policy (x.7.x) or mailbox-state (x.2.x but 5.2.1,
//     which Sendmail-style servers pair with "User unknown") status;
//   - a non-existent domain answered to MAIL FROM is our sender domain:
//     rejected; a temporary DNS failure is a network error.
func adjustTextReason(r, status, cmd string, gateway bool) string {
	switch r {
	case ReasonUserUnknown:
		switch {
		case cmd == "MAIL":
			return ReasonRejected
		case len(status) > 3 && status[1:3] == ".1", cmd == "RCPT":
			return ReasonUserUnknown
		case cmd == "DATA" || gateway:
			return ReasonFiltered
		case len(status) > 3 && (status[1:3] == ".7" || (status[1:3] == ".2" && status[1:] != ".2.1")):
			// A policy (x.7.x) or mailbox (x.2.x) status: the mailbox
			// exists, a rule refused the mail.
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
// the failure is permanent.
func isHard(reason, status string, action Action) bool {
	if action == ActionDelayed || strings.HasPrefix(status, "4.") {
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
}

// filterGatewayMarks are lower-cased header or text fragments naming
// content-filtering gateways (appliances that accept mail, then relay
// the verdict of the server behind them).
var filterGatewayMarks = [...]string{
	"x-nai-header: modified by mcafee", "x-mailer: m-filter", "x-mailer: surfcontrol", "_active!hunter_",
	"(mailfoundry)", "mxlogic.net", "mxl_mta-",
}

// sessionCommand is smtpCommand for a bounce's whole human text, which
// may hold a session transcript: a recipient refused at RCPT TO is
// followed by a DATA the server then refuses for want of recipients, so
// RCPT wins over DATA here.
func sessionCommand(low string) string {
	c := smtpCommand(low)
	if c == "DATA" && (strings.Contains(low, "rcpt to") || strings.Contains(low, "after rcpt")) {
		return "RCPT"
	}
	return c
}

// smtpCommand returns the SMTP command a diagnostic says the failure
// answered: "CONN" (the greeting), "EHLO", "MAIL", "RCPT", "DATA" or "".
func smtpCommand(diag string) string {
	d := strings.ToLower(diag)
	switch {
	case strings.Contains(d, "end of data") || strings.Contains(d, "after data") || strings.Contains(d, "data command") ||
		strings.Contains(d, "for text command") || strings.Contains(d, "after end of") ||
		strings.Contains(d, "in reply to data"):
		return "DATA"
	case strings.Contains(d, "rcpt to") || strings.Contains(d, "after rcpt") || strings.Contains(d, "[rcpt_to]"):
		return "RCPT"
	case strings.Contains(d, "mail from") || strings.Contains(d, "after mail"):
		return "MAIL"
	case strings.Contains(d, "after ehlo") || strings.Contains(d, "after helo") || strings.Contains(d, "ehlo command") ||
		strings.Contains(d, "helo command"):
		return "EHLO"
	case strings.Contains(d, "after initial connection") || strings.Contains(d, "refused to talk to me") ||
		strings.Contains(d, "greeting"):
		return "CONN"
	}
	return ""
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
