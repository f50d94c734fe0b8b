package fakegraph_test

import (
	"encoding/base64"
	"net/mail"
	"regexp"
	"strings"
	"testing"
)

func TestSendMail_json(t *testing.T) {
	srv := start(t)
	r := do(t, srv, "POST", "/me/sendMail", jsonBody(sendJSON(bob)))
	want(t, "sendMail", r, 202, "")
	if len(r.raw) != 0 {
		t.Errorf("sendMail body = %q; want empty", r.raw)
	}
	sends := srv.Sends()
	if len(sends) != 1 {
		t.Fatalf("Sends() = %d; want 1", len(sends))
	}
	s := sends[0]
	if s.Via != "sendMail-json" || s.From != ada || s.Sender != ada || s.Mailbox != ada || strings.Join(s.Recipients, ",") != bob {
		t.Errorf("Sent = %+v", s)
	}
	if !regexp.MustCompile(`^[A-Z0-9]+@[A-Z0-9]+\.namprd11\.prod\.outlook\.com$`).MatchString(s.MessageID) {
		t.Errorf("generated MessageID = %q; want Exchange's style", s.MessageID)
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(s.Raw)))
	if err != nil || msg.Header.Get("Subject") != "Hello" || msg.Header.Get("Message-Id") != "<"+s.MessageID+">" {
		t.Errorf("Raw = %q (%v)", s.Raw, err)
	}
	sent := srv.Messages(ada, "sentitems")
	if len(sent) != 1 || sent[0].InternetMessageID != "<"+s.MessageID+">" || sent[0].ConversationID == "" {
		t.Errorf("sentitems = %+v", sent)
	}
}

func TestSendMail_pascalCaseGzip(t *testing.T) {
	srv := start(t)
	// What msgraph-sdk-go sends: PascalCase action parameters, a gzipped body.
	body := `{"Message":{"Subject":"Re: Hello","Body":{"ContentType":"html","Content":"<p>Hi</p>"},` +
		`"ToRecipients":[{"EmailAddress":{"Address":"bob@example.test","Name":"Bob"}}],` +
		`"InternetMessageId":"<given@inboxkit.test>","@odata.type":"#microsoft.graph.message"},"SaveToSentItems":"false"}`
	r := do(t, srv, "POST", "/me/microsoft.graph.sendMail", jsonBody(body), gzipped())
	want(t, "sendMail gzip PascalCase", r, 202, "")
	if s := srv.Sends(); len(s) != 1 || s[0].MessageID != "given@inboxkit.test" || !strings.Contains(string(s[0].Raw), "text/html") {
		t.Errorf("Sends() = %+v", s)
	}
	if n := len(srv.Messages(ada, "sentitems")); n != 0 {
		t.Errorf("saveToSentItems false kept %d messages in Sent Items", n)
	}
}

func TestSendMail_mime(t *testing.T) {
	srv := start(t)
	raw := rawMessage(ada, bob, "Hello", "m1@inboxkit.test", "Cc: carol@example.test\r\nBcc: dave@example.test\r\n")
	// Line-wrapped base64, as the reference example sends.
	b64 := base64.StdEncoding.EncodeToString([]byte(raw))
	var wrapped strings.Builder
	for i := 0; i < len(b64); i += 76 {
		wrapped.WriteString(b64[i:min(i+76, len(b64))] + "\r\n")
	}
	r := do(t, srv, "POST", "/me/sendMail", rawBody("text/plain", []byte(wrapped.String())))
	want(t, "sendMail MIME", r, 202, "")
	s := srv.Sends()
	if len(s) != 1 {
		t.Fatalf("Sends() = %d", len(s))
	}
	if s[0].MessageID != "m1@inboxkit.test" || s[0].Via != "sendMail-mime" || strings.Join(s[0].Recipients, ",") != bob+",carol@example.test,dave@example.test" {
		t.Errorf("Sent = %+v", s[0])
	}
	if strings.Contains(string(s[0].Raw), "dave@") {
		t.Errorf("transmitted Raw keeps the Bcc header: %q", s[0].Raw)
	}
	// A reply naming the sent message joins its conversation.
	id, err := srv.Deliver(ada, "inbox", []byte(rawMessage(bob, ada, "Re: Hello", "r1@example.test", "In-Reply-To: <m1@inboxkit.test>\r\n")))
	if err != nil {
		t.Fatal(err)
	}
	inbox := srv.Messages(ada, "inbox")
	sent := srv.Messages(ada, "sentitems")
	if len(inbox) != 1 || inbox[0].ID != id || inbox[0].ConversationID != sent[0].ConversationID {
		t.Errorf("reply conversation = %+v; want %s", inbox, sent[0].ConversationID)
	}
	other, _ := srv.Deliver(ada, "inbox", []byte(rawMessage(bob, ada, "Unrelated", "u1@example.test", "")))
	if m := srv.Messages(ada, "inbox"); m[1].ID != other || m[1].ConversationID == sent[0].ConversationID {
		t.Errorf("unrelated message joined the conversation")
	}
}

func TestSendMail_rejects(t *testing.T) {
	srv := start(t)
	noRcpt := map[string]any{"message": map[string]any{"subject": "x"}}
	badRcpt := sendJSON("not an address")
	tests := []struct {
		name   string
		body   opt
		status int
		code   string
	}{
		{"no recipients", jsonBody(noRcpt), 400, "ErrorInvalidRecipients"},
		{"bad recipient", jsonBody(badRcpt), 400, "ErrorInvalidRecipients"},
		{"empty body", rawBody("application/json", nil), 400, "BadRequest"},
		{"invalid JSON", jsonBody(`{"message":`), 400, "RequestBodyRead"},
		{"unknown property", jsonBody(`{"message":{"subject":"x","colour":"red"}}`), 400, "RequestBodyRead"},
		{"unknown parameter", jsonBody(`{"message":{"subject":"x"},"urgent":true}`), 400, "RequestBodyRead"},
		{"recipients not an array", jsonBody(`{"message":{"toRecipients":{"emailAddress":{"address":"b@x.test"}}}}`), 400, "RequestBodyRead"},
		{"null message", jsonBody(`{"message":null}`), 400, "ErrorInvalidParameter"},
		{"standard header", jsonBody(`{"message":{"toRecipients":[{"emailAddress":{"address":"b@x.test"}}],"internetMessageHeaders":[{"name":"In-Reply-To","value":"<a@b>"}]}}`), 400, "InvalidInternetMessageHeader"},
		{"URL-safe base64", rawBody("text/plain", []byte(base64.URLEncoding.EncodeToString([]byte(rawMessage(ada, bob, "s??>", "x@y", "")+"\xfb\xff")))), 400, "ErrorMimeContentInvalidBase64String"},
		{"unpadded base64", rawBody("text/plain", []byte(base64.RawStdEncoding.EncodeToString([]byte("From: a@b.test\r\nTo: c@d.test\r\n\r\nhi")))), 400, "ErrorMimeContentInvalidBase64String"},
		{"not MIME", rawBody("text/plain", []byte(base64.StdEncoding.EncodeToString([]byte("just words, no header\r\n")))), 400, "ErrorMimeContentInvalid"},
		{"MIME without recipients", mimeBody("From: " + ada + "\r\nSubject: x\r\n\r\nhi\r\n"), 400, "ErrorInvalidRecipients"},
		{"unsupported type", rawBody("message/rfc822", []byte("From: a@b\r\n\r\nx")), 415, "BadRequest"},
		{"send as another user", jsonBody(map[string]any{"message": map[string]any{
			"from": map[string]any{"emailAddress": map[string]any{"address": bob}}, "toRecipients": []any{map[string]any{"emailAddress": map[string]any{"address": "c@x.test"}}},
		}}), 403, "ErrorSendAsDenied"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want(t, "sendMail", do(t, srv, "POST", "/me/sendMail", tc.body), tc.status, tc.code)
		})
	}
	if n := len(srv.Sends()); n != 0 {
		t.Errorf("Sends() = %d after only rejected requests", n)
	}
}

func TestSendMail_onBehalf(t *testing.T) {
	srv := start(t)
	srv.AddUser(bob, "Bob Owner")
	srv.SetToken("shared", ada, "Mail.Send", "Mail.Send.Shared")
	onBehalf := map[string]any{"message": map[string]any{
		"subject": "For Bob", "from": map[string]any{"emailAddress": map[string]any{"address": bob, "name": "Bob Owner"}},
		"toRecipients": []any{map[string]any{"emailAddress": map[string]any{"address": "carol@example.test"}}},
	}}
	want(t, "without a grant", do(t, srv, "POST", "/me/sendMail", jsonBody(onBehalf), token("shared")), 403, "ErrorSendAsDenied")
	srv.GrantSendOnBehalf(bob, ada)
	want(t, "grant without Mail.Send.Shared", do(t, srv, "POST", "/me/sendMail", jsonBody(onBehalf)), 403, "ErrorSendAsDenied")
	want(t, "grant and Mail.Send.Shared", do(t, srv, "POST", "/me/sendMail", jsonBody(onBehalf), token("shared")), 202, "")
	s := srv.Sends()
	if len(s) != 1 || s[0].From != bob || s[0].Sender != ada {
		t.Fatalf("Sends() = %+v; want From bob, Sender ada", s)
	}
	msg, _ := mail.ReadMessage(strings.NewReader(string(s[0].Raw)))
	if !strings.Contains(msg.Header.Get("Sender"), ada) || !strings.Contains(msg.Header.Get("From"), bob) {
		t.Errorf("Raw header From %q Sender %q", msg.Header.Get("From"), msg.Header.Get("Sender"))
	}
	if m := srv.Messages(ada, "sentitems"); len(m) != 1 || m[0].From != bob || m[0].Sender != ada {
		t.Errorf("delegate's Sent Items = %+v", m)
	}
	// The same through MIME: From names the owner.
	r := do(t, srv, "POST", "/me/sendMail", mimeBody(rawMessage(bob, "carol@example.test", "MIME for Bob", "ob@inboxkit.test", "")), token("shared"))
	want(t, "MIME on behalf", r, 202, "")
}

func TestSendMail_limits(t *testing.T) {
	srv := start(t)
	srv.SetSendLimits(2, 5)
	for i := range 2 {
		r := do(t, srv, "POST", "/me/sendMail", jsonBody(sendJSON(bob)))
		if r.status != 202 || r.header.Get("Retry-After") != "" {
			t.Fatalf("send %d = %d, Retry-After %q", i, r.status, r.header.Get("Retry-After"))
		}
	}
	// Over the per-minute rate Exchange still accepts, carries the message
	// over and says when to come back.
	r := do(t, srv, "POST", "/me/sendMail", jsonBody(sendJSON(bob)))
	if r.status != 202 || r.header.Get("Retry-After") == "" {
		t.Errorf("third send in a minute = %d, Retry-After %q; want 202 with Retry-After", r.status, r.header.Get("Retry-After"))
	}
	if s := srv.Sends(); len(s) != 3 || !s[2].Deferred || s[0].Deferred {
		t.Errorf("Deferred = %v %v %v", s[0].Deferred, s[1].Deferred, s[len(s)-1].Deferred)
	}
	// 3 recipients used of 5: two more are fine, three are over the day.
	want(t, "over the recipient rate", do(t, srv, "POST", "/me/sendMail", jsonBody(sendJSON(bob, "c@x.test", "d@x.test"))), 403, "ErrorSubmissionQuotaExceeded")
	want(t, "within the recipient rate", do(t, srv, "POST", "/me/sendMail", jsonBody(sendJSON(bob, "c@x.test"))), 202, "")
}
