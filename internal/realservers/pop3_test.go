package realservers

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/inboxkit/inboxkit/internal/pop3"
)

// TestPOP3_seesPostfixDelivery sends over submission to the second user
// and finds the message over Dovecot's POP3, on the STLS and the implicit
// TLS listener, as well as over IMAP: one Maildir, seen both ways.
func TestPOP3_seesPostfixDelivery(t *testing.T) {
	e := realEnv(t)
	if e.POP3Port == 0 || e.POP3SPort == 0 {
		t.Skip("INBOXKIT_REAL_POP3 / INBOXKIT_REAL_POP3S not set (an older mailservers.sh)")
	}
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
	raw := fmt.Sprintf("From: <%s>\r\nTo: <%s>\r\nSubject: pop3 %s\r\nMessage-ID: <%s>\r\nDate: %s\r\n\r\nHello over POP3.\r\n.a line with a dot\r\n",
		from.Email, to.Email, msgID, msgID, time.Now().Format(time.RFC1123Z))
	if err := sc.SendMail(from.Email, []string{to.Email}, strings.NewReader(raw)); err != nil {
		t.Fatalf("SendMail: %v", err)
	}
	findByMessageID(t, dialIMAP(t, e, to), "INBOX", "<"+msgID+">", 15*time.Second)

	for _, tc := range []struct {
		name string
		tls  bool
	}{{"STLS", false}, {"implicit TLS", true}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			tlsCfg, err := e.TLSConfig(e.POP3Host)
			if err != nil {
				t.Fatal(err)
			}
			addr := e.POP3Addr()
			if tc.tls {
				addr = net.JoinHostPort(e.POP3SHost, strconv.Itoa(e.POP3SPort))
			}
			opts := &pop3.Options{TLSConfig: tlsCfg, Timeout: 10 * time.Second}
			var c *pop3.Client
			if tc.tls {
				c, err = pop3.DialTLS(ctx, addr, opts)
			} else if c, err = pop3.Dial(ctx, addr, opts); err == nil {
				if caps, cerr := c.Capabilities(ctx); cerr != nil || !caps.Has("STLS") {
					t.Errorf("plaintext CAPA = %v, %v; want STLS listed", caps, cerr)
				}
				if err := c.Login(ctx, to.Email, to.Password); err == nil {
					t.Error("Login before STLS succeeded")
				}
				err = c.StartTLS(ctx)
			}
			if err != nil {
				t.Fatalf("connect: %v", err)
			}
			defer c.Close()
			caps, err := c.Capabilities(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !caps.Has("UIDL") || !caps.Has("TOP") || !caps.Has("PIPELINING") {
				t.Errorf("CAPA = %v; want UIDL, TOP and PIPELINING", caps)
			}
			if err := c.Authenticate(ctx, sasl.NewPlainClient("", to.Email, to.Password+"-wrong")); err == nil {
				t.Error("AUTH PLAIN with a wrong password succeeded")
			}
			if err := c.Authenticate(ctx, sasl.NewPlainClient("", to.Email, to.Password)); err != nil {
				t.Fatalf("AUTH PLAIN: %v", err)
			}
			ids, err := c.UIDLAll(ctx)
			if err != nil {
				t.Fatal(err)
			}
			cmds := make([]pop3.Cmd, len(ids))
			for i := range ids {
				cmds[i] = pop3.TopCmd(i+1, 0)
			}
			heads, err := c.Pipeline(ctx, cmds)
			if err != nil {
				t.Fatal(err)
			}
			found := 0
			for i, h := range heads {
				if h.Err != nil || !strings.Contains(string(h.Body), "<"+msgID+">") {
					continue
				}
				found = i + 1
			}
			if found == 0 {
				t.Fatalf("message %s not among the %d messages over POP3", msgID, len(ids))
			}
			body, err := c.Retr(ctx, found)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(body), "\r\n.a line with a dot\r\n") {
				t.Errorf("RETR = %q; want the dot-stuffed line restored", body)
			}
			if err := c.Quit(ctx); err != nil {
				t.Errorf("QUIT: %v", err)
			}
		})
	}
}

func TestFromEnv_pop3(t *testing.T) {
	env := map[string]string{
		"INBOXKIT_REAL_SERVERS": "1",
		"INBOXKIT_REAL_SMTP":    "127.0.0.1:2587",
		"INBOXKIT_REAL_IMAP":    "127.0.0.1:2143",
		"INBOXKIT_REAL_USERS":   "a@x.test:p1",
		"INBOXKIT_REAL_CA":      "/tmp/cert.pem",
	}
	get := func(k string) string { return env[k] }
	e, err := FromEnv(get)
	if err != nil || e.POP3Port != 0 || e.POP3SPort != 0 {
		t.Fatalf("FromEnv without POP3 = %+v, %v; want zero POP3 ports", e, err)
	}
	env["INBOXKIT_REAL_POP3"], env["INBOXKIT_REAL_POP3S"] = "127.0.0.1:2110", "127.0.0.1:2995"
	if e, err = FromEnv(get); err != nil || e.POP3Port != 2110 || e.POP3SPort != 2995 || e.POP3Host != "127.0.0.1" {
		t.Errorf("FromEnv = %+v, %v; want POP3 2110 and POP3S 2995", e, err)
	}
	env["INBOXKIT_REAL_POP3"] = "127.0.0.1"
	if _, err := FromEnv(get); err == nil {
		t.Error("FromEnv with a POP3 address without a port = nil error")
	}
}
