package tracking_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/tracking"
)

func dsn(actionStatus ...string) []byte {
	var b strings.Builder
	b.WriteString("From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\nTo: me@example.com\r\n" +
		"Subject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n" +
		"--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n" +
		"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n")
	for i := 0; i+2 < len(actionStatus); i += 3 {
		b.WriteString("\r\nFinal-Recipient: rfc822; " + actionStatus[i] + "\r\nAction: " + actionStatus[i+1] +
			"\r\nStatus: " + actionStatus[i+2] + "\r\nRemote-MTA: dns; mx.example.org\r\nDiagnostic-Code: smtp; 550 " +
			actionStatus[i+2] + " mailbox\r\n  unavailable\r\n")
	}
	b.WriteString("--B\r\nContent-Type: message/rfc822\r\n\r\nMessage-ID: <first@example.com>\r\nSubject: Quarterly plan\r\n\r\nbody\r\n--B--\r\n")
	return []byte(b.String())
}

func TestClassify_dsn(t *testing.T) {
	res, err := tracking.Classify(context.Background(), dsn("a@example.org", "failed", "5.1.1", "b@example.org", "failed", "5.2.2"), testIndex(t))
	if err != nil {
		t.Fatal(err)
	}
	if res.Class != tracking.ClassBounce || res.Action != tracking.BounceFailed || res.MatchedBy != tracking.MatchDSNOriginal {
		t.Fatalf("Classify = %q %q by %q; want bounce failed by dsn-original", res.Class, res.Action, res.MatchedBy)
	}
	if res.ReportingMTA != "mx.example.net" || res.RemoteMTA != "mx.example.org" {
		t.Errorf("MTAs = %q, %q; want mx.example.net, mx.example.org", res.ReportingMTA, res.RemoteMTA)
	}
	want := []tracking.Recipient{
		{Address: "a@example.org", Status: "5.1.1", Reason: tracking.ReasonUserUnknown, Hard: true},
		{Address: "b@example.org", Status: "5.2.2", Reason: tracking.ReasonMailboxFull, Hard: false},
	}
	if len(res.Recipients) != len(want) {
		t.Fatalf("Recipients = %+v; want %d", res.Recipients, len(want))
	}
	for i, w := range want {
		g := res.Recipients[i]
		if g.Address != w.Address || g.Status != w.Status || g.Reason != w.Reason || g.Hard != w.Hard {
			t.Errorf("Recipients[%d] = %+v; want %+v", i, g, w)
		}
		if !strings.Contains(g.Diagnostic, "mailbox unavailable") {
			t.Errorf("Recipients[%d].Diagnostic = %q; want the unfolded diagnostic", i, g.Diagnostic)
		}
	}
}

func TestClassify_delayAndSuccess(t *testing.T) {
	res, err := tracking.Classify(context.Background(), dsn("a@example.org", "delayed", "4.4.7"), nil)
	if err != nil || res.Class != tracking.ClassBounce || res.Action != tracking.BounceDelayed || res.Hard {
		t.Errorf("delay DSN = %q %q hard=%v, %v; want bounce delayed soft", res.Class, res.Action, res.Hard, err)
	}
	res, err = tracking.Classify(context.Background(), dsn("a@example.org", "delivered", "2.0.0"), nil)
	if err != nil || res.Class != tracking.ClassUnrelated {
		t.Errorf("success DSN = %q, %v; want unrelated", res.Class, err)
	}
}

func TestClassify_nonStandardBounce(t *testing.T) {
	raw := msg("From: MAILER-DAEMON@mail.example.net\nTo: me@example.com\nSubject: failure notice\n",
		"Hi. This is the qmail-send program at mail.example.net.\r\nI'm afraid I wasn't able to deliver your message to the following addresses.\r\n"+
			"This is a permanent error; I've given up. Sorry it didn't work out.\r\n\r\n<gone@example.org>:\r\n"+
			"192.0.2.1 does not like recipient.\r\nRemote host said: 550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown in local recipient table\r\n"+
			"Giving up on 192.0.2.1.\r\n\r\n--- Below this line is a copy of the message.\r\n\r\nMessage-ID: <second@example.com>\r\nTo: gone@example.org\r\n")
	res, err := tracking.Classify(context.Background(), raw, testIndex(t))
	if err != nil {
		t.Fatal(err)
	}
	if res.Class != tracking.ClassBounce || res.Recipient() != "gone@example.org" || res.Reason != tracking.ReasonUserUnknown ||
		!res.Hard || res.Status != "5.1.1" || res.MatchedBy != tracking.MatchDSNOriginal || res.Record.MessageID != "second@example.com" {
		t.Errorf("qmail bounce = %+v", res)
	}
}

func TestClassify_complaint(t *testing.T) {
	raw := msg("From: feedback@fbl.example.net\nTo: abuse@example.com\nSubject: FW: Quarterly plan\nMIME-Version: 1.0\n"+
		"Content-Type: multipart/report; report-type=feedback-report; boundary=\"F\"\n",
		"--F\r\nContent-Type: text/plain\r\n\r\nThis is a spam report.\r\n--F\r\nContent-Type: message/feedback-report\r\n\r\n"+
			"Feedback-Type: abuse\r\nUser-Agent: fbl/1.0\r\nVersion: 1\r\nOriginal-Rcpt-To: ann@example.org\r\n"+
			"--F\r\nContent-Type: message/rfc822\r\n\r\nMessage-ID: <first@example.com>\r\nTo: ann@example.org\r\n\r\nx\r\n--F--\r\n")
	res, err := tracking.Classify(context.Background(), raw, testIndex(t))
	if err != nil || res.Class != tracking.ClassComplaint || res.FeedbackType != "abuse" || res.Recipient() != "ann@example.org" ||
		res.MatchedBy != tracking.MatchDSNOriginal {
		t.Errorf("ARF = %+v, %v; want complaint abuse from ann@example.org matched by dsn-original", res, err)
	}
}

// TestClassify_badInput feeds malformed mail: each must give a result or
// a clear error quickly, never a panic.
func TestClassify_badInput(t *testing.T) {
	nested := func(depth int) []byte {
		var b bytes.Buffer
		b.WriteString("From: MAILER-DAEMON@x.org\r\nSubject: Undelivered Mail\r\n")
		for i := 0; i < depth; i++ {
			b.WriteString("Content-Type: multipart/mixed; boundary=\"b" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + "\"\r\n\r\n--b" +
				strings.Repeat("x", i%7) + string(rune('a'+i%26)) + "\r\n")
		}
		b.WriteString("Content-Type: text/plain\r\n\r\n<x@example.org>: 550 5.1.1 user unknown\r\n")
		return b.Bytes()
	}
	huge := append(msg("From: a@example.org\nSubject: Re: big\nIn-Reply-To: <first@example.com>\nContent-Type: text/plain\n", ""),
		bytes.Repeat([]byte("0123456789abcdef\r\n"), 10<<20/18)...)
	tests := []struct {
		name string
		raw  []byte
	}{
		{"truncated multipart", dsn("a@example.org", "failed", "5.1.1")[:400]},
		{"missing boundary", msg("From: MAILER-DAEMON@x.org\nSubject: Returned mail\nContent-Type: multipart/report; report-type=delivery-status\n",
			"<a@example.org>: 550 5.1.1 no such user\r\n")},
		{"wrong boundary", msg("From: MAILER-DAEMON@x.org\nSubject: Returned mail\nContent-Type: multipart/mixed; boundary=zzz\n",
			"--yyy\r\n<a@example.org>: 550 5.1.1 no such user\r\n")},
		{"bad charset", msg("From: a@example.org\nSubject: =?x-unknown-9?Q?=FF=FE?=\nContent-Type: text/plain; charset=x-klingon\n", "\xff\xfe\xfd\r\n")},
		{"bad base64", msg("From: a@example.org\nSubject: hi\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n", "!!!@@@###$$$\r\nQUJD===\r\n")},
		{"bad quoted-printable", msg("From: a@example.org\nSubject: hi\nContent-Transfer-Encoding: quoted-printable\n", "=ZZ=\r\n=4")},
		{"8-bit headers", msg("From: J\xf6rg <j@example.org>\nSubject: Abwesenheitsnotiz: \xe4\xf6\xfc \xff\n", "x")},
		{"deep nesting", nested(500)},
		{"10 MB body", huge},
		{"zero bytes in headers", []byte("From: a@x.org\x00\r\nSubject: \x00\x00\r\n\r\n\x00\x00")},
		{"header only, no body", []byte("From: a@x.org\r\nSubject: Re: hi")},
		{"lone CR line ends", []byte("From: a@x.org\rSubject: hi\r\rbody")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			res, err := tracking.Classify(context.Background(), tc.raw, testIndex(t))
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("Classify took %v", d)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "tracking: ") {
				t.Errorf("err = %v; want a tracking: error", err)
			}
			if err == nil && res.Class == "" {
				t.Errorf("no kind and no error")
			}
		})
	}
	res, err := tracking.Classify(context.Background(), huge, testIndex(t))
	if err != nil || res.Class != tracking.ClassReply {
		t.Errorf("10 MB reply = %q, %v; want reply", res.Class, err)
	}
	res, err = tracking.Classify(context.Background(), nested(500), nil, tracking.WithMaxDepth(4))
	if err != nil || res.Class != tracking.ClassBounce {
		t.Errorf("deep nesting = %q, %v; want bounce from the text kept at the depth limit", res.Class, err)
	}
}

func TestNormalizeSubject(t *testing.T) {
	tests := map[string]string{
		"Re: Hello": "hello", "RE: AW: Fwd:  Hello  World": "hello world", "Re[2]: Hello": "hello",
		"[EXT] Re: Hello": "hello", "SV: VS: Hello": "hello", "回复：Hello": "hello", "Hello: world": "hello: world",
	}
	for in, want := range tests {
		if got := tracking.NormalizeSubject(in); got != want {
			t.Errorf("NormalizeSubject(%q) = %q; want %q", in, got, want)
		}
	}
}
