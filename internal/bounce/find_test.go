package bounce_test

import (
	"reflect"
	"testing"

	"github.com/inboxkit/inboxkit/internal/bounce"
	"github.com/inboxkit/inboxkit/internal/mailparse"
)

func parse(raw string) *mailparse.Message {
	return mailparse.Parse([]byte(raw), &mailparse.Config{
		MaxDepth: mailparse.DefaultMaxDepth, MaxParts: mailparse.DefaultMaxParts,
		MaxPartBytes: 1 << 20, CharsetReader: mailparse.CharsetReader,
	})
}

func report(rcpts string) string {
	return "From: MAILER-DAEMON@mx.example.net\r\nSubject: Undelivered Mail Returned to Sender\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n" +
		"--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n" +
		"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n" + rcpts +
		"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <m1@example.com>\r\n--B--\r\n"
}

func TestFind(t *testing.T) {
	gone := "\r\nFinal-Recipient: rfc822; gone@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n" +
		"Diagnostic-Code: smtp; 550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown\r\n"
	full := "\r\nFinal-Recipient: rfc822; full@example.org\r\nAction: delayed\r\nStatus: 4.2.2\r\n" +
		"Diagnostic-Code: smtp; 452 4.2.2 Mailbox full\r\n"
	ok := "\r\nFinal-Recipient: rfc822; fine@example.org\r\nAction: delivered\r\nStatus: 2.0.0\r\n"
	for _, tc := range []struct {
		name   string
		raw    string
		ok     bool
		report bounce.Report
		got    []bounce.Recipient
	}{
		{"failed and delayed, delivered left out", report(gone + full + ok), true,
			bounce.Report{ReportingMTA: "mx.example.net"},
			[]bounce.Recipient{
				{Address: "gone@example.org", Status: "5.1.1", Reason: bounce.ReasonUserUnknown, Hard: true,
					Diagnostic: "550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown"},
				{Address: "full@example.org", Delayed: true, Status: "4.2.2", Reason: bounce.ReasonMailboxFull,
					Diagnostic: "452 4.2.2 Mailbox full"},
			}},
		{"success report", report(ok), true, bounce.Report{Success: true}, nil},
		{"not a bounce", "From: ann@example.org\r\nSubject: hello\r\n\r\nhi\r\n", false, bounce.Report{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []bounce.Recipient
			rep, ok := bounce.Find(parse(tc.raw), bounce.Input{Subject: "Undelivered Mail Returned to Sender"},
				func(r bounce.Recipient) { got = append(got, r) })
			if ok != tc.ok || rep != tc.report {
				t.Errorf("Find = %+v, %v; want %+v, %v", rep, ok, tc.report, tc.ok)
			}
			if !reflect.DeepEqual(got, tc.got) {
				t.Errorf("recipients = %+v; want %+v", got, tc.got)
			}
		})
	}
}

func TestOriginalIDs(t *testing.T) {
	m := parse(report("\r\nFinal-Recipient: rfc822; gone@example.org\r\nAction: failed\r\n"))
	if got, want := bounce.OriginalIDs(m, 24), []string{"m1@example.com"}; !reflect.DeepEqual(got, want) {
		t.Errorf("OriginalIDs = %q; want %q", got, want)
	}
}

func TestFindComplaint(t *testing.T) {
	arf := "From: feedback@isp.example\r\nSubject: complaint\r\n" +
		"Content-Type: multipart/report; report-type=feedback-report; boundary=F\r\n\r\n" +
		"--F\r\nContent-Type: text/plain\r\n\r\nA complaint.\r\n" +
		"--F\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\nUser-Agent: x/1\r\nVersion: 1\r\n" +
		"Original-Rcpt-To: ann@example.org\r\nReporting-MTA: dns; mx.isp.example\r\n" +
		"--F\r\nContent-Type: message/rfc822\r\n\r\nMessage-ID: <m1@example.com>\r\n\r\nbody\r\n--F--\r\n"
	got := bounce.FindComplaint(parse(arf))
	want := &bounce.Complaint{FeedbackType: "abuse", Recipients: []string{"ann@example.org"}, ReportingMTA: "mx.isp.example"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FindComplaint = %+v; want %+v", got, want)
	}
	if c := bounce.FindComplaint(parse("Subject: hi\r\n\r\nhello\r\n")); c != nil {
		t.Errorf("FindComplaint(plain mail) = %+v; want nil", c)
	}
}
