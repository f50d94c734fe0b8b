package pop3_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"

	"github.com/inboxkit/inboxkit/internal/mailserver"
	"github.com/inboxkit/inboxkit/internal/pop3"
)

const (
	user = "ada@example.test"
	pass = "ada-secret"
)

func start(t *testing.T, sec mailserver.Security) (*mailserver.Server, string) {
	t.Helper()
	s, err := mailserver.Start(&mailserver.Options{POP3Security: sec})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.AddUser(user, pass); err != nil {
		t.Fatal(err)
	}
	h, p := s.POP3Addr()
	return s, fmt.Sprintf("%s:%d", h, p)
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// signIn dials with STLS and returns a client after CAPA.
func signIn(t *testing.T, s *mailserver.Server, addr string) *pop3.Client {
	t.Helper()
	c, err := pop3.Dial(ctx(t), addr, &pop3.Options{TLSConfig: s.ClientTLSConfig()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if err := c.StartTLS(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Capabilities(ctx(t)); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestClient_STLSAndLogin(t *testing.T) {
	s, addr := start(t, mailserver.SecuritySTARTTLS)
	c := signIn(t, s, addr)
	caps, _ := c.Capabilities(ctx(t))
	if !caps.Has("PIPELINING") || !caps.SASL("XOAUTH2") || caps.Has("STLS") {
		t.Errorf("caps after STLS = %v; want PIPELINING, SASL XOAUTH2 and no STLS", caps)
	}
	if err := c.Login(ctx(t), user, pass); err != nil {
		t.Fatalf("Login = %v", err)
	}
	n, size, err := c.Stat(ctx(t))
	if n != 0 || size != 0 || err != nil {
		t.Errorf("Stat = %d, %d, %v; want 0, 0, nil", n, size, err)
	}
	if err := c.Quit(ctx(t)); err != nil {
		t.Errorf("Quit = %v", err)
	}
}

func TestClient_wrongPassword(t *testing.T) {
	s, addr := start(t, mailserver.SecurityTLS)
	c, err := pop3.DialTLS(ctx(t), addr, &pop3.Options{TLSConfig: s.ClientTLSConfig()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	err = c.Login(ctx(t), user, "wrong")
	var pe *pop3.Error
	if !errors.As(err, &pe) || pe.Code != "AUTH" {
		t.Fatalf("Login(wrong) = %v; want -ERR [AUTH]", err)
	}
	// A -ERR leaves the session usable.
	if err := c.Login(ctx(t), user, pass); err != nil {
		t.Errorf("Login after a refusal = %v", err)
	}
}

func TestClient_noSTLS_refusesCredentials(t *testing.T) {
	s, addr := start(t, mailserver.SecurityNone)
	c, err := pop3.Dial(ctx(t), addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.StartTLS(ctx(t)); !errors.Is(err, pop3.ErrInsecure) {
		t.Errorf("StartTLS = %v; want ErrInsecure", err)
	}
	if err := c.Login(ctx(t), user, pass); !errors.Is(err, pop3.ErrInsecure) {
		t.Errorf("Login = %v; want ErrInsecure", err)
	}
	if err := c.Authenticate(ctx(t), sasl.NewPlainClient("", user, pass)); !errors.Is(err, pop3.ErrInsecure) {
		t.Errorf("Authenticate = %v; want ErrInsecure", err)
	}
	if got := s.AuthAttempts(); got != 0 {
		t.Errorf("server saw %d credential commands; want 0", got)
	}
}

// xoauth2 is the client side of XOAUTH2.
type xoauth2 struct{ user, token string }

func (x xoauth2) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + x.user + "\x01auth=Bearer " + x.token + "\x01\x01"), nil
}
func (x xoauth2) Next([]byte) ([]byte, error) { return []byte{}, nil }

func TestClient_Authenticate(t *testing.T) {
	s, addr := start(t, mailserver.SecurityTLS)
	long := strings.Repeat("t", 400) // too long for the AUTH line: sent after "+"
	s.SetOAuthToken(user, long)
	tests := []struct {
		name   string
		client sasl.Client
		ok     bool
	}{
		{"plain", sasl.NewPlainClient("", user, pass), true},
		{"plain wrong", sasl.NewPlainClient("", user, "nope"), false},
		{"xoauth2 long token", xoauth2{user, long}, true},
		{"xoauth2 wrong token", xoauth2{user, "bad"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := pop3.DialTLS(ctx(t), addr, &pop3.Options{TLSConfig: s.ClientTLSConfig()})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			err = c.Authenticate(ctx(t), tc.client)
			if (err == nil) != tc.ok {
				t.Fatalf("Authenticate = %v; want ok %v", err, tc.ok)
			}
			var pe *pop3.Error
			if !tc.ok && !errors.As(err, &pe) {
				t.Errorf("Authenticate = %v; want *pop3.Error", err)
			}
		})
	}
}

func TestClient_PipelineTopRetr(t *testing.T) {
	s, addr := start(t, mailserver.SecuritySTARTTLS)
	drop := mailserver.NewMaildrop()
	bodies := []string{
		"Subject: one\r\n\r\nhello\r\n.\r\n..dots\r\n",
		"Subject: two\nMessage-ID: <b@x>\n\nline 1\nline 2\n",
	}
	drop.Add("u1", []byte(bodies[0]))
	drop.Add("u2", []byte(bodies[1]))
	if err := s.SetMaildrop(user, drop); err != nil {
		t.Fatal(err)
	}
	c := signIn(t, s, addr)
	if err := c.Login(ctx(t), user, pass); err != nil {
		t.Fatal(err)
	}
	s.ResetCounters()
	replies, err := c.Pipeline(ctx(t), []pop3.Cmd{pop3.StatCmd(), pop3.UIDLCmd(2), pop3.ListCmd(1), pop3.TopCmd(2, 0), pop3.RetrCmd(1), pop3.RetrCmd(3)})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.POP3RoundTrips(); got != 1 {
		t.Errorf("pipelined batch cost %d round trips; want 1", got)
	}
	if n, _, _ := pop3.ParseStat(replies[0].Text); n != 2 {
		t.Errorf("STAT = %q; want 2 messages", replies[0].Text)
	}
	if _, id, _ := pop3.ParseScanLine(replies[1].Text); id != "u2" {
		t.Errorf("UIDL 2 = %q; want u2", replies[1].Text)
	}
	if size, _ := pop3.ParseSize(replies[2].Text); size != int64(len(bodies[0])) {
		t.Errorf("LIST 1 = %d; want %d", size, len(bodies[0]))
	}
	if got, want := string(replies[3].Body), "Subject: two\r\nMessage-ID: <b@x>\r\n\r\n"; got != want {
		t.Errorf("TOP 2 0 = %q; want %q", got, want)
	}
	if got := string(replies[4].Body); got != bodies[0] {
		t.Errorf("RETR 1 = %q; want %q", got, bodies[0])
	}
	var pe *pop3.Error
	if !errors.As(replies[5].Err, &pe) {
		t.Errorf("RETR 3 = %v; want -ERR", replies[5].Err)
	}
	all, err := c.UIDLAll(ctx(t))
	if err != nil || strings.Join(all, ",") != "u1,u2" {
		t.Errorf("UIDLAll = %q, %v", all, err)
	}
}

func TestClient_tooLargeBreaksSession(t *testing.T) {
	s, addr := start(t, mailserver.SecurityTLS)
	drop := mailserver.NewMaildrop()
	drop.Add("big", []byte("Subject: big\r\n\r\n"+strings.Repeat("x", 100_000)+"\r\n"))
	drop.SetListSize("big", 10) // the server lies
	if err := s.SetMaildrop(user, drop); err != nil {
		t.Fatal(err)
	}
	c, err := pop3.DialTLS(ctx(t), addr, &pop3.Options{TLSConfig: s.ClientTLSConfig(), MaxMessage: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx(t), user, pass); err != nil {
		t.Fatal(err)
	}
	_, err = c.Retr(ctx(t), 1)
	var tl *pop3.TooLargeError
	if !errors.As(err, &tl) || tl.Limit != 1000 {
		t.Fatalf("Retr = %v; want *TooLargeError at 1000", err)
	}
	if err := c.Noop(ctx(t)); !errors.Is(err, pop3.ErrBroken) {
		t.Errorf("Noop after TooLarge = %v; want ErrBroken", err)
	}
}

func TestClient_contextCancel(t *testing.T) {
	_, addr := start(t, mailserver.SecurityTLS)
	c0, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := pop3.DialTLS(c0, addr, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("DialTLS(cancelled) = %v; want context.Canceled", err)
	}
}

func TestClient_neverDELE(t *testing.T) {
	// The client has no DELE: the only way to remove mail is a command
	// this package does not build. QUIT after reading removes nothing.
	s, addr := start(t, mailserver.SecurityTLS)
	drop := mailserver.NewMaildrop()
	drop.Add("u1", []byte("Subject: x\r\n\r\nx\r\n"))
	_ = s.SetMaildrop(user, drop)
	c, err := pop3.DialTLS(ctx(t), addr, &pop3.Options{TLSConfig: s.ClientTLSConfig()})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(ctx(t), user, pass); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Retr(ctx(t), 1); err != nil {
		t.Fatal(err)
	}
	if err := c.Quit(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if drop.Len() != 1 || s.POP3Count("DELE") != 0 {
		t.Errorf("after RETR and QUIT: %d messages, %d DELE; want 1, 0", drop.Len(), s.POP3Count("DELE"))
	}
}
