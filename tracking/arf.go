package tracking

import (
	"strings"
)

// complaintReport is a spam complaint about one of our messages.
type complaintReport struct {
	feedbackType string
	recipients   []string
	reportingMTA string
	originalID   string // from a report that carries it outside the original (SES)
}

// findComplaint recognises an ARF report (RFC 5965: multipart/report;
// report-type=feedback-report with a message/feedback-report part), the
// non-ARF reports of Microsoft's JMRP (a returned message carrying
// X-HmXmrOriginalRecipient), Amazon SES complaint notifications and
// Apple Mail's one-click unsubscribe (X-Apple-Unsubscribe), and returns
// nil for anything else.
func findComplaint(m *parsedMessage) *complaintReport {
	for _, p := range m.parts {
		if p.ctype != "message/feedback-report" {
			continue
		}
		c := &complaintReport{feedbackType: "abuse"}
		for _, b := range parseDSNBlocks(p.body) {
			if v := b["feedback-type"]; v != "" {
				c.feedbackType = strings.ToLower(firstWord(v))
			}
			for _, k := range [...]string{"original-rcpt-to", "removal-recipient"} {
				if a := cleanAddress(b[k]); a != "" && !contains(c.recipients, a) {
					c.recipients = append(c.recipients, a)
				}
			}
			if v := b["reporting-mta"]; v != "" {
				_, c.reportingMTA = typedValue(v)
			}
		}
		c.recipients = append(c.recipients, originalRecipients(m, c.recipients)...)
		return c
	}
	for _, oh := range m.originals {
		if a := cleanAddress(oh.Get("X-HmXmrOriginalRecipient")); a != "" {
			return &complaintReport{feedbackType: "abuse", recipients: []string{a}}
		}
	}
	if n := parseSES(m); n != nil && n.NotificationType == "Complaint" {
		c := &complaintReport{feedbackType: strings.ToLower(n.Complaint.ComplaintFeedbackType), originalID: n.messageID()}
		if c.feedbackType == "" {
			c.feedbackType = "abuse"
		}
		for _, r := range n.Complaint.ComplainedRecipients {
			if a := cleanAddress(r.EmailAddress); a != "" {
				c.recipients = append(c.recipients, a)
			}
		}
		return c
	}
	if strings.EqualFold(strings.TrimSpace(m.header.Get("X-Apple-Unsubscribe")), "true") {
		return &complaintReport{feedbackType: "opt-out", recipients: findAddresses(m.header.Get("From"))}
	}
	return nil
}

// originalRecipients returns the To addresses of the returned original
// when the report named none itself.
func originalRecipients(m *parsedMessage, have []string) []string {
	if len(have) > 0 {
		return nil
	}
	for _, oh := range m.originals {
		if as := findAddresses(oh.Get("To")); len(as) > 0 {
			return as[:1]
		}
	}
	return nil
}
