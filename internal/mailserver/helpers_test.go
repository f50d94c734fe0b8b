package mailserver

import (
	"fmt"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

const (
	alice     = "alice@example.test"
	alicePass = "alice-secret"
	bob       = "bob@example.test"
	bobPass   = "bob-secret"
)

// newTestServer starts a server with alice and bob and closes it at the end.
func newTestServer(t testing.TB, opts *Options) *Server {
	t.Helper()
	s, err := Start(opts)
	if err != nil {
		t.Fatalf("Start() = %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	for _, u := range [][2]string{{alice, alicePass}, {bob, bobPass}} {
		if err := s.AddUser(u[0], u[1]); err != nil {
			t.Fatalf("AddUser(%q) = %v", u[0], err)
		}
	}
	return s
}

func smtpAddr(s *Server) string {
	h, p := s.SMTPAddr()
	return fmt.Sprintf("%s:%d", h, p)
}

func imapAddr(s *Server) string {
	h, p := s.IMAPAddr()
	return fmt.Sprintf("%s:%d", h, p)
}

// dialSMTP connects with STARTTLS (or implicit TLS when the server uses it).
func dialSMTP(t testing.TB, s *Server) *smtp.Client {
	t.Helper()
	var c *smtp.Client
	var err error
	switch s.opts.SMTPSecurity {
	case SecurityTLS:
		c, err = smtp.DialTLS(smtpAddr(s), s.ClientTLSConfig())
	case SecuritySTARTTLS:
		c, err = smtp.DialStartTLS(smtpAddr(s), s.ClientTLSConfig())
	default:
		c, err = smtp.Dial(smtpAddr(s))
	}
	if err != nil {
		t.Fatalf("dial SMTP: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func dialIMAP(t testing.TB, s *Server, opts *imapclient.Options) *imapclient.Client {
	t.Helper()
	if opts == nil {
		opts = &imapclient.Options{}
	}
	opts.TLSConfig = s.ClientTLSConfig()
	var c *imapclient.Client
	var err error
	switch s.opts.IMAPSecurity {
	case SecurityTLS:
		c, err = imapclient.DialTLS(imapAddr(s), opts)
	case SecuritySTARTTLS:
		c, err = imapclient.DialStartTLS(imapAddr(s), opts)
	default:
		c, err = imapclient.DialInsecure(imapAddr(s), opts)
	}
	if err != nil {
		t.Fatalf("dial IMAP: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func testMessage(from, to, subject string) string {
	return strings.Join([]string{
		"From: " + from,
		"To: " + to,
		"Subject: " + subject,
		"Message-ID: <" + strings.ReplaceAll(subject, " ", "-") + "@example.test>",
		"",
		"Hello " + to,
		"",
	}, "\r\n")
}

func send(t testing.TB, c *smtp.Client, from string, to []string, body string) error {
	t.Helper()
	return c.SendMail(from, to, strings.NewReader(body))
}

// xoauth2Client is the client side of XOAUTH2, which go-sasl lacks.
type xoauth2Client struct{ user, token string }

func (x xoauth2Client) Start() (string, []byte, error) {
	return mechXOAuth2, []byte("user=" + x.user + "\x01auth=Bearer " + x.token + "\x01\x01"), nil
}

func (x xoauth2Client) Next([]byte) ([]byte, error) { return []byte{}, nil }

var _ sasl.Client = xoauth2Client{}
