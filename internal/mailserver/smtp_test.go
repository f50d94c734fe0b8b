package mailserver

import (
	"bytes"
	"crypto/tls"
	"errors"
	"net"
	"net/textproto"
	"strings"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

func TestSMTP_Auth(t *testing.T) {
	s := newTestServer(t, nil)
	s.SetOAuthToken(alice, "tok-123")
	tests := []struct {
		name     string
		client   sasl.Client
		wantCode int // 0: success
	}{
		{"plain good", sasl.NewPlainClient("", alice, alicePass), 0},
		{"plain bad password", sasl.NewPlainClient("", alice, "wrong"), 535},
		{"plain unknown user", sasl.NewPlainClient("", "nobody@example.test", alicePass), 535},
		{"plain other identity", sasl.NewPlainClient(bob, alice, alicePass), 535},
		{"login good", sasl.NewLoginClient(alice, alicePass), 0},
		{"login bad password", sasl.NewLoginClient(alice, "wrong"), 535},
		{"xoauth2 good", xoauth2Client{alice, "tok-123"}, 0},
		{"xoauth2 bad token", xoauth2Client{alice, "tok-999"}, 535},
		{"xoauth2 no token set", xoauth2Client{bob, "tok-123"}, 535},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := dialSMTP(t, s)
			err := c.Auth(tc.client)
			if tc.wantCode == 0 {
				if err != nil {
					t.Fatalf("Auth() = %v; want nil", err)
				}
				return
			}
			var se *smtp.SMTPError
			if !errors.As(err, &se) {
				t.Fatalf("Auth() = %v; want *smtp.SMTPError", err)
			}
			if se.Code != tc.wantCode || se.EnhancedCode != (smtp.EnhancedCode{5, 7, 8}) {
				t.Errorf("Auth() = %d %v; want %d 5.7.8", se.Code, se.EnhancedCode, tc.wantCode)
			}
		})
	}
}

func TestSMTP_MailBeforeAuth(t *testing.T) {
	s := newTestServer(t, nil)
	c := dialSMTP(t, s)
	err := c.Mail(alice, nil)
	var se *smtp.SMTPError
	if !errors.As(err, &se) || se.Code != 530 {
		t.Fatalf("Mail() before AUTH = %v; want 530", err)
	}
	if n := len(s.Outbox()); n != 0 {
		t.Errorf("len(Outbox()) = %d; want 0", n)
	}
}

// rawSMTP speaks SMTP by hand, to do what a correct client never would.
type rawSMTP struct {
	t  *testing.T
	tp *textproto.Conn
}

func dialRawSMTP(t *testing.T, s *Server) *rawSMTP {
	t.Helper()
	conn, err := net.Dial("tcp", smtpAddr(s))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	r := &rawSMTP{t: t, tp: textproto.NewConn(conn)}
	r.expect(220)
	return r
}

func (r *rawSMTP) cmd(line string, want int) string {
	r.t.Helper()
	if err := r.tp.PrintfLine("%s", line); err != nil {
		r.t.Fatal(err)
	}
	return r.expect(want)
}

func (r *rawSMTP) expect(want int) string {
	r.t.Helper()
	_, msg, err := r.tp.ReadResponse(want)
	if err != nil {
		r.t.Fatalf("reply = %v; want %d", err, want)
	}
	return msg
}

func TestSMTP_NoAuthBeforeSTARTTLS(t *testing.T) {
	s := newTestServer(t, nil)
	r := dialRawSMTP(t, s)
	ehlo := r.cmd("EHLO client.test", 250)
	if !strings.Contains(ehlo, "STARTTLS") {
		t.Errorf("EHLO = %q; want STARTTLS offered", ehlo)
	}
	if strings.Contains(ehlo, "AUTH") {
		t.Errorf("EHLO = %q; want no AUTH before STARTTLS", ehlo)
	}
	// A client that sends AUTH anyway is refused, and the attempt counts:
	// its password crossed the wire.
	r.cmd("AUTH PLAIN AGFsaWNlQGV4YW1wbGUudGVzdABhbGljZS1zZWNyZXQ=", 523)
	if got := s.AuthAttempts(); got != 1 {
		t.Errorf("AuthAttempts() = %d; want 1", got)
	}
}

func TestSMTP_SecurityNone(t *testing.T) {
	s := newTestServer(t, &Options{SMTPSecurity: SecurityNone})
	r := dialRawSMTP(t, s)
	ehlo := r.cmd("EHLO client.test", 250)
	if strings.Contains(ehlo, "STARTTLS") {
		t.Errorf("EHLO = %q; want no STARTTLS", ehlo)
	}
	if got := s.AuthAttempts(); got != 0 {
		t.Errorf("AuthAttempts() after EHLO = %d; want 0", got)
	}
	r.cmd("STARTTLS", 502)
	r.cmd("AUTH PLAIN AGFsaWNlQGV4YW1wbGUudGVzdABhbGljZS1zZWNyZXQ=", 235)
	// Message content that looks like AUTH is not an attempt.
	r.cmd("MAIL FROM:<"+alice+">", 250)
	r.cmd("RCPT TO:<x@other.test>", 250)
	r.cmd("DATA", 354)
	r.cmd("Subject: x\r\n\r\nAUTH PLAIN Zm9v\r\n.", 250)
	if got := s.AuthAttempts(); got != 1 {
		t.Errorf("AuthAttempts() = %d; want 1", got)
	}
	if got := len(s.Outbox()); got != 1 {
		t.Errorf("len(Outbox()) = %d; want 1", got)
	}
}

func TestSMTP_ImplicitTLS(t *testing.T) {
	s := newTestServer(t, &Options{SMTPSecurity: SecurityTLS})
	if _, err := tls.Dial("tcp", smtpAddr(s), &tls.Config{ServerName: "127.0.0.1"}); err == nil {
		t.Error("TLS dial with system roots succeeded; want unknown-authority error")
	}
	c := dialSMTP(t, s)
	if err := c.Auth(sasl.NewPlainClient("", alice, alicePass)); err != nil {
		t.Fatalf("Auth() = %v", err)
	}
	if err := send(t, c, alice, []string{"x@other.test"}, testMessage(alice, "x@other.test", "tls")); err != nil {
		t.Fatalf("SendMail() = %v", err)
	}
	if got := s.AuthAttempts(); got != 1 {
		t.Errorf("AuthAttempts() = %d; want 1", got)
	}
}

func TestSMTP_Delivery(t *testing.T) {
	s := newTestServer(t, nil)
	c := dialSMTP(t, s)
	if err := c.Auth(sasl.NewPlainClient("", alice, alicePass)); err != nil {
		t.Fatal(err)
	}
	msg := testMessage(alice, bob, "first contact")
	to := []string{bob, "prospect@elsewhere.test"}
	if err := send(t, c, alice, to, msg); err != nil {
		t.Fatalf("SendMail() = %v", err)
	}

	out := s.Outbox()
	if len(out) != 1 {
		t.Fatalf("len(Outbox()) = %d; want 1", len(out))
	}
	e := out[0]
	if e.From != alice || strings.Join(e.To, ",") != strings.Join(to, ",") || e.Authenticated != alice {
		t.Errorf("Outbox()[0] = {From:%q To:%q Authenticated:%q}; want {%q %q %q}", e.From, e.To, e.Authenticated, alice, to, alice)
	}
	if string(e.Data) != msg {
		t.Errorf("Outbox()[0].Data = %q; want %q", e.Data, msg)
	}

	inbox, err := s.Mailbox(bob, "INBOX")
	if err != nil {
		t.Fatalf("Mailbox(bob, INBOX) = %v", err)
	}
	if len(inbox) != 1 {
		t.Fatalf("len(bob INBOX) = %d; want 1", len(inbox))
	}
	if !bytes.HasSuffix(inbox[0], []byte(msg)) || !bytes.HasPrefix(inbox[0], []byte("Return-Path: <"+alice+">\r\n")) {
		t.Errorf("bob INBOX[0] = %q; want Return-Path and trace fields before the message", inbox[0])
	}
	if got, _ := s.Mailbox(alice, "INBOX"); len(got) != 0 {
		t.Errorf("len(alice INBOX) = %d; want 0", len(got))
	}
}

func TestSMTP_DropDuringData(t *testing.T) {
	s := newTestServer(t, nil)
	s.DropDuringData(1)
	c := dialSMTP(t, s)
	if err := c.Auth(sasl.NewPlainClient("", alice, alicePass)); err != nil {
		t.Fatal(err)
	}
	err := send(t, c, alice, []string{bob}, testMessage(alice, bob, "dropped"))
	if err == nil {
		t.Fatal("SendMail() = nil; want a dropped connection")
	}
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		t.Fatalf("SendMail() = SMTP reply %v; want the connection dropped without a reply", se)
	}
	if got := len(s.Outbox()); got != 1 {
		t.Errorf("len(Outbox()) = %d; want 1 (the message was delivered)", got)
	}
	if inbox, _ := s.Mailbox(bob, "INBOX"); len(inbox) != 1 {
		t.Errorf("len(bob INBOX) = %d; want 1", len(inbox))
	}

	// Only one transfer was to fail: a new connection works.
	c2 := dialSMTP(t, s)
	if err := c2.Auth(sasl.NewPlainClient("", alice, alicePass)); err != nil {
		t.Fatal(err)
	}
	if err := send(t, c2, alice, []string{bob}, testMessage(alice, bob, "second")); err != nil {
		t.Fatalf("second SendMail() = %v", err)
	}
	if got := s.SMTPConnections(); got != 2 {
		t.Errorf("SMTPConnections() = %d; want 2", got)
	}
}

func TestSMTP_ConnectionReuseCounted(t *testing.T) {
	s := newTestServer(t, nil)
	c := dialSMTP(t, s)
	if err := c.Auth(sasl.NewPlainClient("", alice, alicePass)); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if err := send(t, c, alice, []string{"x@other.test"}, testMessage(alice, "x@other.test", "n"+string(rune('0'+i)))); err != nil {
			t.Fatalf("SendMail #%d = %v", i, err)
		}
	}
	if got := s.SMTPConnections(); got != 1 {
		t.Errorf("SMTPConnections() = %d; want 1", got)
	}
	if got := len(s.Outbox()); got != 5 {
		t.Errorf("len(Outbox()) = %d; want 5", got)
	}
	s.ResetCounters()
	if s.SMTPConnections() != 0 || s.AuthAttempts() != 0 {
		t.Errorf("after ResetCounters: SMTPConnections() = %d, AuthAttempts() = %d; want 0, 0", s.SMTPConnections(), s.AuthAttempts())
	}
}
