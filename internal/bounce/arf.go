package bounce

import (
	"strings"

	"github.com/inboxkit/inboxkit/internal/mailparse"
)

// Complaint is a spam complaint about one of our messages.
type Complaint struct {
	FeedbackType string   // the ARF Feedback-Type, lower-cased ("abuse" when absent)
	Recipients   []string // the complaining addresses
	ReportingMTA string
	OriginalID   string // from a report that carries it outside the original (SES)
}

// FindComplaint recognises an ARF report (RFC 5965: multipart/report;
// report-type=feedback-report with a message/feedback-report part), the
// non-ARF reports of Microsoft's JMRP (a returned message carrying
// X-HmXmrOriginalRecipient), Amazon SES complaint notifications and
// Apple Mail's one-click unsubscribe (X-Apple-Unsubscribe), and returns
// nil for anything else.
func FindComplaint(m *mailparse.Message) *Complaint {
	for _, p := range m.Parts {
		if p.Type != "message/feedback-report" {
			continue
		}
		c := &Complaint{FeedbackType: "abuse"}
		for _, b := range parseDSNBlocks(p.Body) {
			if v := b["feedback-type"]; v != "" {
				c.FeedbackType = strings.ToLower(firstWord(v))
			}
			for _, k := range [...]string{"original-rcpt-to", "removal-recipient"} {
				if a := cleanAddress(b[k]); a != "" && !contains(c.Recipients, a) {
					c.Recipients = append(c.Recipients, a)
				}
			}
			if v := b["reporting-mta"]; v != "" {
				_, c.ReportingMTA = typedValue(v)
			}
		}
		c.Recipients = append(c.Recipients, originalRecipients(m, c.Recipients)...)
		return c
	}
	for _, oh := range m.Originals {
		if a := cleanAddress(oh.Get("X-HmXmrOriginalRecipient")); a != "" {
			return &Complaint{FeedbackType: "abuse", Recipients: []string{a}}
		}
	}
	if n := parseSES(m); n != nil && n.NotificationType == "Complaint" {
		c := &Complaint{FeedbackType: strings.ToLower(n.Complaint.ComplaintFeedbackType), OriginalID: n.messageID()}
		if c.FeedbackType == "" {
			c.FeedbackType = "abuse"
		}
		for _, r := range n.Complaint.ComplainedRecipients {
			if a := cleanAddress(r.EmailAddress); a != "" {
				c.Recipients = append(c.Recipients, a)
			}
		}
		return c
	}
	if strings.EqualFold(strings.TrimSpace(m.Header.Get("X-Apple-Unsubscribe")), "true") {
		return &Complaint{FeedbackType: "opt-out", Recipients: FindAddresses(m.Header.Get("From"))}
	}
	return nil
}

// originalRecipients returns the To addresses of the returned original
// when the report named none itself.
func originalRecipients(m *mailparse.Message, have []string) []string {
	if len(have) > 0 {
		return nil
	}
	for _, oh := range m.Originals {
		if as := FindAddresses(oh.Get("To")); len(as) > 0 {
			return as[:1]
		}
	}
	return nil
}
