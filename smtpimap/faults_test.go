package smtpimap_test

import (
	"context"
	"crypto/tls"
	"errors"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/internal/mailserver"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
	"github.com/inboxkit/inboxkit/smtpimap"
	"golang.org/x/oauth2"
)

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func hello(to string) *provider.Message {
	return &provider.Message{To: []provider.Address{{Email: to}}, Subject: "hello", Text: "hi"}
}

func TestVerify_noSTARTTLSRefusedBeforeAuth(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts mailserver.Options
		// auths is what may reach the server: with only IMAP in the
		// clear, the one SMTP AUTH over TLS that Verify does first.
		auths int
	}{
		{"smtp plaintext", mailserver.Options{SMTPSecurity: mailserver.SecurityNone}, 0},
		{"imap plaintext", mailserver.Options{IMAPSecurity: mailserver.SecurityNone}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := testServer(t, &tc.opts)
			p := newProvider(t, configFor(srv))
			err := p.Verify(ctxT(t))
			if !errors.Is(err, provider.ErrInsecure) {
				t.Fatalf("Verify = %v; want ErrInsecure", err)
			}
			if n := srv.AuthAttempts(); n != tc.auths {
				t.Errorf("the server saw %d AUTH/LOGIN attempts; want %d: no password may cross a plaintext connection", n, tc.auths)
			}
			if tc.opts.SMTPSecurity != mailserver.SecurityNone {
				return
			}
			if _, err := p.Send(ctxT(t), hello("bob@inboxkit.test")); !errors.Is(err, provider.ErrInsecure) {
				t.Errorf("Send = %v; want ErrInsecure", err)
			}
			if n := srv.AuthAttempts(); n != 0 {
				t.Errorf("after Send the server saw %d AUTH attempts; want 0", n)
			}
			if len(srv.Outbox()) != 0 {
				t.Error("a message was accepted over a plaintext connection")
			}
		})
	}
}

func TestVerify_untrustedCertificate(t *testing.T) {
	srv := testServer(t, nil)
	cfg := configFor(srv)
	cfg.TLSConfig = &tls.Config{} // system roots: the throw-away CA is not among them
	p := newProvider(t, cfg)
	if err := p.Verify(ctxT(t)); !errors.Is(err, provider.ErrInsecure) {
		t.Fatalf("Verify = %v; want ErrInsecure for an unverifiable certificate", err)
	}
	if n := srv.AuthAttempts(); n != 0 {
		t.Errorf("%d auth attempts reached the server; want 0", n)
	}
}

func TestVerify_wrongPasswordIsErrAuth(t *testing.T) {
	srv := testServer(t, nil)
	cfg := configFor(srv)
	cfg.Password = crypto.Secret("nope")
	p := newProvider(t, cfg)
	err := p.Verify(ctxT(t))
	if !errors.Is(err, provider.ErrAuth) || !provider.NeedsReconnect(err) {
		t.Fatalf("Verify = %v; want ErrAuth", err)
	}
	if containsSecret(err.Error(), "nope") {
		t.Errorf("the error %q shows the password", err)
	}
}

func TestVerify_implicitTLSAndIMAPOff(t *testing.T) {
	srv := testServer(t, &mailserver.Options{SMTPSecurity: mailserver.SecurityTLS})
	cfg := configFor(srv)
	cfg.SMTP.Security = smtpimap.TLS
	cfg.IMAP = nil
	p := newProvider(t, cfg)
	if err := p.Verify(ctxT(t)); err != nil {
		t.Fatalf("Verify = %v", err)
	}
	b, err := p.Fetch(ctxT(t), "", nil)
	if err != nil || len(b.Messages) != 0 {
		t.Errorf("Fetch with receiving off = %v, %v; want an empty batch", b, err)
	}
}

func TestXOAUTH2(t *testing.T) {
	srv := testServer(t, nil)
	srv.SetOAuthToken(sender, "ya29.good-token")
	cfg := configFor(srv)
	cfg.Password = ""
	cfg.TokenSource = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "ya29.good-token"})
	p := newProvider(t, cfg)
	if err := p.Verify(ctxT(t)); err != nil {
		t.Fatalf("Verify with XOAUTH2 = %v", err)
	}
	if _, err := p.Send(ctxT(t), hello("bob@inboxkit.test")); err != nil {
		t.Fatalf("Send with XOAUTH2 = %v", err)
	}
	cfg.TokenSource = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "ya29.revoked"})
	bad := newProvider(t, cfg)
	if err := bad.Verify(ctxT(t)); !errors.Is(err, provider.ErrAuth) {
		t.Fatalf("Verify with a revoked token = %v; want ErrAuth", err)
	}
}

func TestSend_fromMustBeAccountOrAlias(t *testing.T) {
	srv := testServer(t, nil)
	cfg := configFor(srv)
	cfg.Aliases = []string{"sales@inboxkit.test"}
	p := newProvider(t, cfg)
	m := hello("bob@inboxkit.test")
	m.From = provider.Address{Email: "ceo@inboxkit.test"}
	if _, err := p.Send(ctxT(t), m); !errors.Is(err, provider.ErrNotAllowed) {
		t.Fatalf("Send from a stranger's address = %v; want ErrNotAllowed", err)
	}
	if len(srv.Outbox()) != 0 {
		t.Fatal("a refused message reached the server")
	}
	m = hello("bob@inboxkit.test")
	m.From = provider.Address{Name: "Sales", Email: "sales@inboxkit.test"}
	if _, err := p.Send(ctxT(t), m); err != nil {
		t.Fatalf("Send from an alias = %v", err)
	}
}

func TestSend_reusesOneConnection(t *testing.T) {
	srv := testServer(t, nil)
	p := newProvider(t, configFor(srv))
	for i := 0; i < 20; i++ {
		if _, err := p.Send(ctxT(t), hello("bob@inboxkit.test")); err != nil {
			t.Fatalf("Send %d: %v", i, err)
		}
	}
	if n := srv.SMTPConnections(); n != 1 {
		t.Errorf("20 sends opened %d SMTP connections; want 1", n)
	}
}

// The server reads the whole message, delivers it and drops the connection
// without answering: an ambiguous failure. A retry with the same key must
// not deliver it again, and the next send re-dials.
func TestSend_dropDuringDataDeliversOnce(t *testing.T) {
	srv := testServer(t, nil)
	p := newProvider(t, configFor(srv))
	srv.DropDuringData(1)
	m := hello("bob@inboxkit.test")
	m.IdempotencyKey = "seq-1/step-1/bob"
	first, err := p.Send(ctxT(t), m)
	if first != nil || !errors.Is(err, provider.ErrOutcomeUnknown) || provider.IsTemporary(err) {
		t.Fatalf("Send = %+v, %v; want no result and ErrOutcomeUnknown (not temporary)", first, err)
	}
	retry := hello("bob@inboxkit.test")
	retry.IdempotencyKey = m.IdempotencyKey
	second, err := p.Send(ctxT(t), retry)
	if err != nil || !second.Duplicate {
		t.Fatalf("retry = %+v, %v; want the earlier delivery marked Duplicate", second, err)
	}
	if m.MessageID != second.MessageID {
		t.Errorf("retry MessageID %s; want %s", second.MessageID, m.MessageID)
	}
	out := 0
	for _, env := range srv.Outbox() {
		if providertest.MessageIDOf(env.Data) == second.MessageID {
			out++
		}
	}
	if out != 1 {
		t.Errorf("delivered %d times; want 1", out)
	}
	if _, err := p.Send(ctxT(t), hello("cyd@inboxkit.test")); err != nil {
		t.Fatalf("the send after a drop did not re-dial: %v", err)
	}
}

func TestSend_appendFailsAfterDelivery(t *testing.T) {
	srv := testServer(t, nil)
	p := newProvider(t, configFor(srv))
	if err := p.Verify(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	srv.FailAppend(1)
	m := hello("bob@inboxkit.test")
	m.IdempotencyKey = "k-append"
	sent, err := p.Send(ctxT(t), m)
	if sent == nil || err != nil || sent.SentCopyErr == nil {
		t.Fatalf("Send = %+v, %v; want the *Sent (it was delivered) with SentCopyErr and no error", sent, err)
	}
	retry := hello("bob@inboxkit.test")
	retry.IdempotencyKey = m.IdempotencyKey
	again, err := p.Send(ctxT(t), retry)
	if err != nil || !again.Duplicate {
		t.Fatalf("retry = %+v, %v; want Duplicate", again, err)
	}
	if n := len(srv.Outbox()); n != 1 {
		t.Errorf("Outbox has %d messages; want 1", n)
	}
}

func TestNew_invalidConfig(t *testing.T) {
	good := smtpimap.Config{Email: "a@example.com", Password: "x", SMTP: smtpimap.Server{Host: "smtp.example.com", Port: 587}}
	tests := []struct {
		name  string
		edit  func(c *smtpimap.Config)
		field string
	}{
		{"email", func(c *smtpimap.Config) { c.Email = "nope" }, "Email"},
		{"from name", func(c *smtpimap.Config) { c.FromName = "A\r\nBcc: x@example.com" }, "FromName"},
		{"no credentials", func(c *smtpimap.Config) { c.Password = "" }, "Password"},
		{"port high", func(c *smtpimap.Config) { c.SMTP.Port = 70000 }, "SMTP.Port"},
		{"port negative", func(c *smtpimap.Config) { c.SMTP.Port = -1 }, "SMTP.Port"},
		{"host empty", func(c *smtpimap.Config) { c.SMTP.Host = "" }, "SMTP.Host"},
		{"host space", func(c *smtpimap.Config) { c.SMTP.Host = "smtp example.com" }, "SMTP.Host"},
		{"imap port", func(c *smtpimap.Config) { c.IMAP = &smtpimap.Server{Host: "imap.example.com", Port: 65536} }, "IMAP.Port"},
		{"alias", func(c *smtpimap.Config) { c.Aliases = []string{"bad"} }, "Aliases[0]"},
		{"xoauth2 without source", func(c *smtpimap.Config) { c.Auth = smtpimap.AuthXOAUTH2 }, "TokenSource"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good
			tc.edit(&cfg)
			_, err := smtpimap.New(cfg)
			var pe *provider.Error
			if !errors.Is(err, provider.ErrInvalid) || !errors.As(err, &pe) || pe.Field != tc.field {
				t.Fatalf("New = %v; want ErrInvalid naming %s", err, tc.field)
			}
		})
	}
}

func TestServer_Resolve(t *testing.T) {
	tests := []struct {
		in       smtpimap.Server
		imap     bool
		port     int
		security smtpimap.Security
	}{
		{smtpimap.Server{Host: "h", Port: 465}, false, 465, smtpimap.TLS},
		{smtpimap.Server{Host: "h", Port: 587}, false, 587, smtpimap.STARTTLS},
		{smtpimap.Server{Host: "h", Port: 25}, false, 25, smtpimap.STARTTLS},
		{smtpimap.Server{Host: "h", Port: 993}, true, 993, smtpimap.TLS},
		{smtpimap.Server{Host: "h", Port: 143}, true, 143, smtpimap.STARTTLS},
		{smtpimap.Server{Host: "h", Security: smtpimap.TLS}, false, 465, smtpimap.TLS},
		{smtpimap.Server{Host: "h", Security: smtpimap.STARTTLS}, false, 587, smtpimap.STARTTLS},
		{smtpimap.Server{Host: "h", Security: smtpimap.TLS}, true, 993, smtpimap.TLS},
		{smtpimap.Server{Host: "h", Security: smtpimap.STARTTLS}, true, 143, smtpimap.STARTTLS},
		{smtpimap.Server{Host: "h"}, true, 993, smtpimap.TLS},
		{smtpimap.Server{Host: "h", Port: 2525, Security: smtpimap.TLS}, false, 2525, smtpimap.TLS},
	}
	for _, tc := range tests {
		got, err := tc.in.Resolve(tc.imap, "S")
		if err != nil || got.Port != tc.port || got.Security != tc.security {
			t.Errorf("%+v.Resolve(imap=%v) = %+v, %v; want port %d %s", tc.in, tc.imap, got, err, tc.port, tc.security)
		}
	}
	for _, s := range []string{"0", "65536", "abc", "+1", "", "-5", "5870"} {
		if n, err := smtpimap.ParsePort(s); err == nil && (n < 1 || n > 65535) {
			t.Errorf("ParsePort(%q) = %d; want an error", s, n)
		} else if s != "5870" && err == nil {
			t.Errorf("ParsePort(%q) = %d, nil; want ErrInvalid", s, n)
		}
	}
	if n, err := smtpimap.ParsePort(" 587 "); err != nil || n != 587 {
		t.Errorf("ParsePort(\" 587 \") = %d, %v", n, err)
	}
}

func TestFetch_skipsNastyMessagesKeepsReply(t *testing.T) {
	srv := testServer(t, nil)
	p := newProvider(t, configFor(srv))
	ctx := ctxT(t)
	m := hello("bob@inboxkit.test")
	sent, err := p.Send(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	idx := &memIndex{recs: map[string]*provider.SentRecord{sent.MessageID: provider.RecordOf(sender, m, sent)}}
	nasty := [][]byte{
		[]byte("garbage without any header structure\x00\xff\xfe"),
		[]byte("Subject: \xff\xfe\xfd 8-bit\r\nFrom: x\r\nContent-Type: multipart/mixed; boundary=\"none\"\r\n\r\n--none\r\nno end"),
		append([]byte("Subject: big\r\nFrom: bulk@example.net\r\n\r\n"), make([]byte, 3<<20)...),
		[]byte("In-Reply-To: <<<>>>\r\nReferences: \r\n\r\n"),
	}
	for _, raw := range nasty {
		if err := srv.Deliver(sender, raw); err != nil {
			t.Fatal(err)
		}
	}
	reply := providertest.Reply("bob@inboxkit.test", sender, "hello", sent.MessageID)
	if err := srv.Deliver(sender, reply); err != nil {
		t.Fatal(err)
	}
	b, err := p.Fetch(ctx, "", idx)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if len(b.Messages) != 1 || providertest.MessageIDOf(b.Messages[0].Raw) != providertest.MessageIDOf(reply) {
		t.Fatalf("Fetch returned %d messages; want only the reply", len(b.Messages))
	}
	if _, err := p.Fetch(ctx, "imap1.not-base64!", idx); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("Fetch(bad cursor) = %v; want ErrInvalid", err)
	}
	if _, err := p.Fetch(ctx, "gmail:123", idx); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("Fetch(foreign cursor) = %v; want ErrInvalid", err)
	}
}

func TestFetch_idleIsOneRoundTrip(t *testing.T) {
	srv := testServer(t, nil)
	p := newProvider(t, configFor(srv))
	ctx := ctxT(t)
	b, err := p.Fetch(ctx, "", &memIndex{})
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetCounters()
	if _, err := p.Fetch(ctx, b.Cursor, &memIndex{}); err != nil {
		t.Fatal(err)
	}
	// INBOX and Junk: two STATUS commands, pipelined into one round trip.
	if n := srv.IMAPCommands(); n > 2 {
		t.Errorf("an idle Fetch sent %d IMAP commands; want at most 2", n)
	}
}

func TestWatch_notifiesOnNewMail(t *testing.T) {
	srv := testServer(t, nil)
	p := newProvider(t, configFor(srv))
	ctx, cancel := context.WithCancel(ctxT(t))
	notes := make(chan struct{}, 16)
	done := make(chan error, 1)
	go func() { done <- p.Watch(ctx, func() { notes <- struct{}{} }) }()
	select {
	case <-notes: // the first call, at start
	case <-time.After(10 * time.Second):
		t.Fatal("Watch did not notify at start")
	}
	deliverUntilNoted(t, notes, func() error {
		return srv.Deliver(sender, providertest.Unrelated("x@example.net", sender))
	}, "after new mail arrived")
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Watch returned %v; want nil after cancel (as every provider's Watch)", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Watch did not return after cancel")
	}
}

func containsSecret(s, secret string) bool {
	for i := 0; i+len(secret) <= len(s); i++ {
		if s[i:i+len(secret)] == secret {
			return true
		}
	}
	return false
}

type memIndex struct {
	recs map[string]*provider.SentRecord
}

func (x *memIndex) ByMessageID(_ context.Context, id string) (*provider.SentRecord, error) {
	if r, ok := x.recs[id]; ok {
		return r, nil
	}
	return nil, provider.ErrNotFound
}

func (x *memIndex) ByThread(context.Context, string, string) (*provider.SentRecord, error) {
	return nil, provider.ErrNotFound
}
