package realservers

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

func realEnv(t *testing.T) *Env {
	t.Helper()
	e, err := FromEnv(nil)
	if errors.Is(err, ErrNotEnabled) {
		t.Skip(err.Error())
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Users) < 2 {
		t.Fatalf("INBOXKIT_REAL_USERS has %d users; want at least 2", len(e.Users))
	}
	return e
}

func randomID(t *testing.T) string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

func dialIMAP(t *testing.T, e *Env, u User) *imapclient.Client {
	t.Helper()
	cfg, err := e.TLSConfig(e.IMAPHost)
	if err != nil {
		t.Fatal(err)
	}
	c, err := imapclient.DialStartTLS(e.IMAPAddr(), &imapclient.Options{TLSConfig: cfg})
	if err != nil {
		t.Fatalf("IMAP STARTTLS: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(u.Email, u.Password).Wait(); err != nil {
		t.Fatalf("IMAP LOGIN %s: %v", u.Email, err)
	}
	return c
}

// findByMessageID searches mailbox for a Message-ID, polling until timeout.
func findByMessageID(t *testing.T, c *imapclient.Client, mailbox, msgID string, timeout time.Duration) []byte {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if _, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
			t.Fatalf("SELECT %s: %v", mailbox, err)
		}
		res, err := c.UIDSearch(&imap.SearchCriteria{
			Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: msgID}},
		}, nil).Wait()
		if err != nil {
			t.Fatalf("UID SEARCH: %v", err)
		}
		if uids := res.AllUIDs(); len(uids) > 0 {
			msgs, err := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{
				UID:         true,
				BodySection: []*imap.FetchItemBodySection{{Peek: true}},
			}).Collect()
			if err != nil || len(msgs) != 1 || len(msgs[0].BodySection) == 0 {
				t.Fatalf("UID FETCH %v = %d messages, %v; want 1", uids, len(msgs), err)
			}
			return msgs[0].BodySection[0].Bytes
		}
		if time.Now().After(deadline) {
			t.Fatalf("message %s not in %s after %v", msgID, mailbox, timeout)
		}
		if err := c.Unselect().Wait(); err != nil {
			t.Fatalf("UNSELECT: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestSubmissionToIMAP sends over submission (STARTTLS + AUTH) from the
// first user to the second, finds it in the second user's INBOX over IMAP,
// and APPENDs the sent copy to the first user's \Sent mailbox.
func TestSubmissionToIMAP(t *testing.T) {
	e := realEnv(t)
	from, to := e.Users[0], e.Users[1]
	cfg, err := e.TLSConfig(e.SMTPHost)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := smtp.DialStartTLS(e.SMTPAddr(), cfg)
	if err != nil {
		t.Fatalf("SMTP STARTTLS: %v", err)
	}
	defer sc.Close()
	if err := sc.Auth(sasl.NewPlainClient("", from.Email, from.Password)); err != nil {
		t.Fatalf("AUTH PLAIN: %v", err)
	}
	msgID := randomID(t) + "@inboxkit.test"
	raw := fmt.Sprintf("From: <%s>\r\nTo: <%s>\r\nSubject: real servers %s\r\nMessage-ID: <%s>\r\nDate: %s\r\n\r\nHello over Postfix and Dovecot.\r\n",
		from.Email, to.Email, msgID, msgID, time.Now().Format(time.RFC1123Z))
	// A recipient at another domain is accepted and discarded, not relayed.
	if err := sc.SendMail(from.Email, []string{to.Email, "prospect@example.com"}, strings.NewReader(raw)); err != nil {
		t.Fatalf("SendMail: %v", err)
	}

	got := findByMessageID(t, dialIMAP(t, e, to), "INBOX", "<"+msgID+">", 15*time.Second)
	if !strings.Contains(string(got), "Hello over Postfix and Dovecot.") {
		t.Errorf("delivered message = %q; want the body sent", got)
	}

	ic := dialIMAP(t, e, from)
	boxes, err := ic.List("", "*", &imap.ListOptions{SelectSpecialUse: true}).Collect()
	if err != nil {
		t.Fatalf("LIST (SPECIAL-USE): %v", err)
	}
	sent := ""
	for _, b := range boxes {
		for _, a := range b.Attrs {
			if a == imap.MailboxAttrSent {
				sent = b.Mailbox
			}
		}
	}
	if sent == "" {
		t.Fatalf("LIST (SPECIAL-USE) = %v; want a \\Sent mailbox", boxes)
	}
	cmd := ic.Append(sent, int64(len(raw)), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen}})
	if _, err := cmd.Write([]byte(raw)); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	ad, err := cmd.Wait()
	if err != nil {
		t.Fatalf("APPEND %s: %v", sent, err)
	}
	if ad.UID == 0 || ad.UIDValidity == 0 {
		t.Errorf("APPEND = UID %d UIDVALIDITY %d; want both set (UIDPLUS)", ad.UID, ad.UIDValidity)
	}
	if copy := findByMessageID(t, ic, sent, "<"+msgID+">", time.Second); string(copy) != raw {
		t.Errorf("sent copy = %q; want %q", copy, raw)
	}
}

// TestSubmissionRefusesInsecureAndBadAuth checks the submission service:
// no AUTH before STARTTLS, and a wrong password is 535.
func TestSubmissionRefusesInsecureAndBadAuth(t *testing.T) {
	e := realEnv(t)
	u := e.Users[0]

	tp, err := textproto.Dial("tcp", e.SMTPAddr())
	if err != nil {
		t.Fatal(err)
	}
	defer tp.Close()
	if _, _, err := tp.ReadResponse(220); err != nil {
		t.Fatal(err)
	}
	id, err := tp.Cmd("EHLO client.test")
	if err != nil {
		t.Fatal(err)
	}
	tp.StartResponse(id)
	_, ehlo, err := tp.ReadResponse(250)
	tp.EndResponse(id)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ehlo, "STARTTLS") || strings.Contains(ehlo, "AUTH") {
		t.Errorf("plaintext EHLO = %q; want STARTTLS and no AUTH", ehlo)
	}
	id, err = tp.Cmd("MAIL FROM:<%s>", u.Email)
	if err != nil {
		t.Fatal(err)
	}
	tp.StartResponse(id)
	code, _, _ := tp.ReadResponse(0)
	tp.EndResponse(id)
	if code != 530 {
		t.Errorf("MAIL before STARTTLS = %d; want 530", code)
	}

	cfg, err := e.TLSConfig(e.SMTPHost)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := smtp.DialStartTLS(e.SMTPAddr(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	err = sc.Auth(sasl.NewPlainClient("", u.Email, u.Password+"-wrong"))
	var se *smtp.SMTPError
	if !errors.As(err, &se) || se.Code != 535 {
		t.Errorf("AUTH with a wrong password = %v; want 535", err)
	}
}

func TestFromEnv(t *testing.T) {
	env := map[string]string{
		"INBOXKIT_REAL_SERVERS": "1",
		"INBOXKIT_REAL_SMTP":    "127.0.0.1:2587",
		"INBOXKIT_REAL_IMAP":    "127.0.0.1:2143",
		"INBOXKIT_REAL_USERS":   "a@x.test:p1,b@x.test:p:2",
		"INBOXKIT_REAL_CA":      "/tmp/cert.pem",
	}
	get := func(k string) string { return env[k] }
	e, err := FromEnv(get)
	if err != nil {
		t.Fatalf("FromEnv() = %v", err)
	}
	if e.SMTPAddr() != "127.0.0.1:2587" || e.IMAPAddr() != "127.0.0.1:2143" || len(e.Users) != 2 || e.Users[1].Password != "p:2" {
		t.Errorf("FromEnv() = %+v; want the addresses and 2 users, the second with password p:2", e)
	}
	tests := []struct {
		name, key, value string
	}{
		{"not opted in", "INBOXKIT_REAL_SERVERS", ""},
		{"bad port", "INBOXKIT_REAL_SMTP", "127.0.0.1:99999"},
		{"no port", "INBOXKIT_REAL_IMAP", "127.0.0.1"},
		{"bad users", "INBOXKIT_REAL_USERS", "a@x.test"},
		{"no CA", "INBOXKIT_REAL_CA", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			old := env[tc.key]
			env[tc.key] = tc.value
			defer func() { env[tc.key] = old }()
			if _, err := FromEnv(get); err == nil {
				t.Errorf("FromEnv() with %s=%q = nil error; want an error", tc.key, tc.value)
			}
		})
	}
}
