package bounce

import (
	"encoding/json"
	"strings"

	"github.com/inboxkit/inboxkit/internal/mailparse"
)

// sesNotification is the JSON that Amazon SES publishes through SNS for
// bounces, complaints and deliveries (docs.aws.amazon.com/ses, "Amazon
// SNS notification contents"), here received as an e-mail body.
type sesNotification struct {
	NotificationType string `json:"notificationType"`
	Bounce           struct {
		BounceType        string `json:"bounceType"`
		BouncedRecipients []struct {
			EmailAddress   string `json:"emailAddress"`
			Action         string `json:"action"`
			Status         string `json:"status"`
			DiagnosticCode string `json:"diagnosticCode"`
		} `json:"bouncedRecipients"`
		ReportingMTA string `json:"reportingMTA"`
	} `json:"bounce"`
	Complaint struct {
		ComplainedRecipients []struct {
			EmailAddress string `json:"emailAddress"`
		} `json:"complainedRecipients"`
		ComplaintFeedbackType string `json:"complaintFeedbackType"`
	} `json:"complaint"`
	Delivery struct {
		Recipients []string `json:"recipients"`
	} `json:"delivery"`
	Mail struct {
		Headers []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"headers"`
		CommonHeaders struct {
			MessageID string `json:"messageId"`
		} `json:"commonHeaders"`
	} `json:"mail"`
}

// parseSES finds an SES notification in the message's text, or nil.
func parseSES(m *mailparse.Message) *sesNotification {
	for _, p := range m.Parts {
		if p.Type != "text/plain" && p.Type != "application/json" {
			continue
		}
		body := string(p.Body)
		i := strings.Index(body, `{"notificationType"`)
		if i < 0 {
			i = strings.Index(body, `"notificationType"`)
			if i < 0 {
				continue
			}
			i = strings.LastIndexByte(body[:i], '{')
			if i < 0 {
				continue
			}
		}
		j := strings.LastIndexByte(body, '}')
		if j < i {
			continue
		}
		js := strings.ReplaceAll(body[i:j+1], "!\n ", "")
		js = strings.NewReplacer("\r", "", "\n", "").Replace(js)
		var n sesNotification
		if err := json.Unmarshal([]byte(js), &n); err != nil {
			continue
		}
		if n.NotificationType != "" {
			return &n
		}
	}
	return nil
}

// messageID returns the original's Message-ID from the notification.
func (n *sesNotification) messageID() string {
	if n.Mail.CommonHeaders.MessageID != "" {
		return n.Mail.CommonHeaders.MessageID
	}
	for _, h := range n.Mail.Headers {
		if strings.EqualFold(h.Name, "Message-ID") {
			return h.Value
		}
	}
	return ""
}

// sesReport turns an SES bounce or delivery notification into a
// bounceReport; complaints are handled by the complaint parser.
func sesReport(m *mailparse.Message) *bounceReport {
	n := parseSES(m)
	if n == nil {
		return nil
	}
	switch n.NotificationType {
	case "Bounce":
		rep := &bounceReport{}
		_, rep.reportingMTA = typedValue(n.Bounce.ReportingMTA)
		for _, r := range n.Bounce.BouncedRecipients {
			br := bounceRecipient{
				addr:   cleanAddress(r.EmailAddress),
				action: strings.ToLower(r.Action),
				status: findStatus(r.Status),
			}
			br.diagType, br.diag = typedValue(r.DiagnosticCode)
			if br.action == "" && n.Bounce.BounceType == "Transient" {
				br.action = "failed"
			}
			rep.rcpts = append(rep.rcpts, br)
		}
		return rep
	case "Delivery":
		rep := &bounceReport{success: true}
		for _, a := range n.Delivery.Recipients {
			rep.rcpts = append(rep.rcpts, bounceRecipient{addr: cleanAddress(a), action: "delivered"})
		}
		return rep
	}
	return nil
}
