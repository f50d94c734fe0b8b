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
func findReason(status, replyCode, diag string, action Action) string {
	rule, known := statusRules[status]
	cmd := smtpCommand(diag)
	if known && rule.decisive {
		return rule.reason
	}
	if r := textReason(diag); r != "" {
		switch {
		case r == ReasonUserUnknown && (cmd == "DATA" || (known && rule.reason == ReasonFiltered)):
			// "User unknown" after the message was sent, or with a
			// mailbox status code, is the recipient's filter speaking.
			return ReasonFiltered
		case r == ReasonHostUnknown && strings.HasPrefix(status, "4."):
			// A temporary DNS failure is a network error, not a
			// non-existent domain.
			return ReasonNetworkError
		}
		return r
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

// smtpCommand returns the SMTP command a diagnostic says the failure
// answered: "CONN" (the greeting), "EHLO", "MAIL", "RCPT", "DATA" or "".
func smtpCommand(diag string) string {
	d := strings.ToLower(diag)
	switch {
	case strings.Contains(d, "end of data") || strings.Contains(d, "after data") || strings.Contains(d, "data command") ||
		strings.Contains(d, "for text command") || strings.Contains(d, "after end of") ||
		strings.Contains(d, ">>> data") || strings.Contains(d, "in reply to data"):
		return "DATA"
	case strings.Contains(d, "rcpt to") || strings.Contains(d, "after rcpt"):
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
