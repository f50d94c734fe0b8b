package tracking_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/tracking"
)

// labelReason maps the corpus's sisimai reason names onto the
// vocabulary of DESIGN.md: sisimai renamed "speeding" to "ratelimited",
// DESIGN.md names sisimai's "mesgtoobig" "mesgtoolarge", and it has no
// "failedstarttls" (a STARTTLS failure is a security error).
func labelReason(r string) string {
	switch r {
	case "mesgtoobig":
		return tracking.ReasonMesgTooLarge
	case "speeding":
		return tracking.ReasonRateLimited
	case "failedstarttls":
		return tracking.ReasonSecurityError
	}
	return r
}

// labelledStatus reports whether a label's status came from the message
// rather than sisimai's internal pseudo-codes (x.0.9xx), which no MTA
// sends and which it derives from its own reason.
func labelledStatus(s string) bool {
	return s != "" && !strings.Contains(s, ".0.9")
}

type metric struct {
	name  string
	floor float64
	ok    int
	n     int
	fails []string
}

func (m *metric) add(ok bool, file, detail string) {
	m.n++
	if ok {
		m.ok++
		return
	}
	m.fails = append(m.fails, file+": "+detail)
}

func (m *metric) rate() float64 {
	if m.n == 0 {
		return 1
	}
	return float64(m.ok) / float64(m.n)
}

// TestCorpus runs Classify over the labelled sisimai corpus and holds
// the accuracy floors of issue 4. Run with -v for the table and the
// failures by file.
func TestCorpus(t *testing.T) {
	msgs := loadCorpus(t)
	ctx := context.Background()
	detected := &metric{name: "bounces detected", floor: 0.99}
	hard := &metric{name: "hard/soft agrees", floor: 0.97}
	reason := &metric{name: "reason agrees", floor: 0.90}
	status := &metric{name: "status agrees (labelled)", floor: 0.95}
	rcpt := &metric{name: "failed recipient agrees", floor: 0.97}
	sentTo := &metric{name: "(sent-to address = label)", floor: 0}
	complaint := &metric{name: "spam complaints detected", floor: 1}
	auto := &metric{name: "auto-replies detected", floor: 1}
	notBounce := &metric{name: "non-bounces not bounces", floor: 1}
	var unknown []string
	for _, m := range msgs {
		l := m.label
		res, err := tracking.Classify(ctx, m.raw, nil)
		if err != nil {
			t.Errorf("%s: Classify error: %v", l.Path, err)
			continue
		}
		got := fmt.Sprintf("kind=%s reason=%s status=%s hard=%v rcpt=%s", res.Class, res.Reason, res.Status, res.Hard, res.Recipient())
		switch {
		case l.Class == "hard_bounce" || l.Class == "soft_bounce":
			detected.add(res.Class == tracking.ClassBounce, l.Path, got)
			if res.Class != tracking.ClassBounce {
				continue
			}
			if l.HardBounce != nil {
				hard.add(res.Hard == *l.HardBounce, l.Path, fmt.Sprintf("want hard=%v; %s", *l.HardBounce, got))
			}
			reason.add(res.Reason == labelReason(l.Reason), l.Path, fmt.Sprintf("want %s; %s", labelReason(l.Reason), got))
			if labelledStatus(l.Status) {
				status.add(res.Status == l.Status, l.Path, fmt.Sprintf("want %s; %s", l.Status, got))
			}
			if l.FailedRecipient != "" {
				// The labels are sisimai's: the address the report
				// names (Final-Recipient). Recipient.Address is the
				// address we sent to (Original-Recipient when a
				// forwarding rewrote it), so the label is compared with
				// the reported address; sentTo counts how often the two
				// coincide, for information.
				rcpt.add(strings.EqualFold(reportedRecipient(res), l.FailedRecipient), l.Path, fmt.Sprintf("want %s; %s", l.FailedRecipient, got))
				sentTo.add(strings.EqualFold(res.Recipient(), l.FailedRecipient), l.Path, fmt.Sprintf("want %s; %s", l.FailedRecipient, got))
			}
		case l.Reason == "feedback":
			complaint.add(res.Class == tracking.ClassComplaint, l.Path, got)
		case l.Class == "auto_reply":
			auto.add(res.Class == tracking.ClassAutoReply, l.Path, got)
		case l.Reason == "delivered" || strings.HasPrefix(l.Path, "not/"):
			notBounce.add(res.Class != tracking.ClassBounce, l.Path, got)
		default:
			unknown = append(unknown, l.Path+": "+got)
		}
	}
	metrics := []*metric{detected, hard, reason, status, rcpt, sentTo, complaint, auto, notBounce}
	t.Logf("%-28s %9s %7s %7s", "metric", "agree", "rate", "floor")
	for _, m := range metrics {
		t.Logf("%-28s %4d/%-4d %6.1f%% %6.1f%%", m.name, m.ok, m.n, 100*m.rate(), 100*m.floor)
	}
	for _, m := range metrics {
		sort.Strings(m.fails)
		for _, f := range m.fails {
			t.Logf("  %s: %s", m.name, f)
		}
	}
	for _, u := range unknown {
		t.Logf("  unlabelled (no assertion): %s", u)
	}
	for _, m := range metrics {
		if m.rate() < m.floor {
			t.Errorf("%s: %.1f%% (%d/%d) below floor %.1f%%", m.name, 100*m.rate(), m.ok, m.n, 100*m.floor)
		}
	}
}

// reportedRecipient is the address the report named for the first
// recipient: ReportedAddress when Address differs from it.
func reportedRecipient(res tracking.Result) string {
	if len(res.Recipients) == 0 {
		return ""
	}
	if r := res.Recipients[0].ReportedAddress; r != "" {
		return r
	}
	return res.Recipients[0].Address
}
