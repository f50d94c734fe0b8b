package smtpimap_test

import (
	"errors"
	"testing"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/internal/mailserver"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/smtpimap"
)

// pop3Setup starts the in-process servers with POP3 protected by sec and
// returns a Config that receives over POP3 only.
func pop3Setup(t testing.TB, sec mailserver.Security) (*mailserver.Server, smtpimap.Config) {
	t.Helper()
	srv := testServer(t, &mailserver.Options{POP3Security: sec})
	cfg := configFor(srv)
	cfg.IMAP = nil
	h, p := srv.POP3Addr()
	cfg.POP3 = &smtpimap.Server{Host: h, Port: p, Security: smtpimap.STARTTLS}
	if sec == mailserver.SecurityTLS {
		cfg.POP3.Security = smtpimap.TLS
	}
	return srv, cfg
}

func credentialCommands(srv *mailserver.Server) int {
	return srv.POP3Count("USER") + srv.POP3Count("PASS") + srv.POP3Count("AUTH") + srv.POP3Count("APOP")
}

// TestPOP3_signIn signs in over POP3 through Verify (which also signs in
// to SMTP) and through Fetch (POP3 alone), with each security and
// mechanism, and checks the command the server saw.
func TestPOP3_signIn(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sec   mailserver.Security
		auth  smtpimap.Auth
		oauth bool
		verb  string // the credential command the server must have seen
	}{
		{"TLS, AUTH PLAIN by default", mailserver.SecurityTLS, smtpimap.AuthAuto, false, "AUTH"},
		{"STLS, AUTH PLAIN", mailserver.SecuritySTARTTLS, smtpimap.AuthPlain, false, "AUTH"},
		{"STLS, USER/PASS", mailserver.SecuritySTARTTLS, smtpimap.AuthLogin, false, "PASS"},
		{"TLS, XOAUTH2", mailserver.SecurityTLS, smtpimap.AuthAuto, true, "AUTH"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, cfg := pop3Setup(t, tc.sec)
			cfg.Auth = tc.auth
			if tc.oauth {
				srv.SetOAuthToken(sender, "ya29.token")
				cfg.TokenSource = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "ya29.token"})
			}
			p := newProvider(t, cfg)
			if err := p.Verify(ctxT(t)); err != nil {
				t.Fatalf("Verify = %v", err)
			}
			if srv.POP3Count(tc.verb) != 1 {
				t.Errorf("POP3Count(%s) = %d; want 1", tc.verb, srv.POP3Count(tc.verb))
			}
			if _, err := p.Fetch(ctxT(t), "", nil); err != nil {
				t.Errorf("Fetch = %v", err)
			}
		})
	}
}

func TestPOP3_wrongPasswordIsErrAuth(t *testing.T) {
	for _, auth := range []smtpimap.Auth{smtpimap.AuthAuto, smtpimap.AuthLogin} {
		srv, cfg := pop3Setup(t, mailserver.SecurityTLS)
		cfg.Password = crypto.Secret("wrong")
		cfg.Auth = auth
		p := newProvider(t, cfg)
		if err := p.Verify(ctxT(t)); !errors.Is(err, provider.ErrAuth) {
			t.Errorf("Verify (auth %d) = %v; want ErrAuth", auth, err)
		}
		_, err := p.Fetch(ctxT(t), "", nil)
		if !errors.Is(err, provider.ErrAuth) {
			t.Errorf("Fetch (auth %d) = %v; want ErrAuth", auth, err)
		}
		if credentialCommands(srv) == 0 {
			t.Errorf("the POP3 server saw no credential command")
		}
	}
}

func TestPOP3_wrongTokenIsErrAuth(t *testing.T) {
	srv, cfg := pop3Setup(t, mailserver.SecurityTLS)
	srv.SetOAuthToken(sender, "right")
	cfg.TokenSource = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "stale"})
	_, err := newProvider(t, cfg).Fetch(ctxT(t), "", nil)
	if !errors.Is(err, provider.ErrAuth) {
		t.Errorf("Fetch = %v; want ErrAuth", err)
	}
}

// TestPOP3_noSTLSRefusedBeforeCredentials points POP3 at a server that
// offers no STLS: Verify and Fetch fail with ErrInsecure and the server
// never sees USER, PASS or AUTH.
func TestPOP3_noSTLSRefusedBeforeCredentials(t *testing.T) {
	srv, cfg := pop3Setup(t, mailserver.SecurityNone)
	p := newProvider(t, cfg)
	if err := p.Verify(ctxT(t)); !errors.Is(err, provider.ErrInsecure) {
		t.Errorf("Verify = %v; want ErrInsecure", err)
	}
	if _, err := p.Fetch(ctxT(t), "", nil); !errors.Is(err, provider.ErrInsecure) {
		t.Errorf("Fetch = %v; want ErrInsecure", err)
	}
	if n := credentialCommands(srv); n != 0 {
		t.Errorf("the server saw %d USER/PASS/AUTH commands; want 0", n)
	}
	if srv.POP3Count("STLS") == 0 {
		t.Error("the client never asked for STLS")
	}
}

// TestPOP3_IMAPWins: with both IMAP and POP3 set, IMAP is used.
func TestPOP3_IMAPWins(t *testing.T) {
	srv, cfg := pop3Setup(t, mailserver.SecurityTLS)
	cfg.IMAP = configFor(srv).IMAP
	p := newProvider(t, cfg)
	if err := p.Verify(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Fetch(ctxT(t), "", nil); err != nil {
		t.Fatal(err)
	}
	if got := srv.POP3Sessions(); got != 0 {
		t.Errorf("POP3Sessions = %d; want 0 when IMAP is set", got)
	}
	if got := p.Features().Receive; got != "imap" {
		t.Errorf("Features().Receive = %q; want imap", got)
	}
}

func TestFeatures(t *testing.T) {
	for _, tc := range []struct {
		name    string
		imap    bool
		pop3    bool
		smtp    string
		receive string
		copy    smtpimap.SentCopy
	}{
		{"IMAP", true, false, "smtp.example.com", "imap", smtpimap.SentCopyAppended},
		{"POP3", false, true, "smtp.example.com", "pop3", smtpimap.SentCopyUnknown},
		{"POP3 at Gmail", false, true, "smtp.gmail.com", "pop3", smtpimap.SentCopyByServer},
		{"IMAP at Outlook", true, false, "smtp.office365.com", "imap", smtpimap.SentCopyByServer},
		{"send only", false, false, "smtp.example.com", "", smtpimap.SentCopyUnknown},
	} {
		cfg := smtpimap.Config{Email: sender, Password: "x", SMTP: smtpimap.Server{Host: tc.smtp}}
		if tc.imap {
			cfg.IMAP = &smtpimap.Server{Host: "imap.example.com"}
		}
		if tc.pop3 {
			cfg.POP3 = &smtpimap.Server{Host: "pop.example.com"}
		}
		p, err := smtpimap.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Features(); got.Receive != tc.receive || got.SentCopy != tc.copy {
			t.Errorf("%s: Features() = %+v; want {%s %v}", tc.name, got, tc.receive, tc.copy)
		}
	}
	for c, want := range map[smtpimap.SentCopy]string{smtpimap.SentCopyUnknown: "unknown", smtpimap.SentCopyAppended: "appended", smtpimap.SentCopyByServer: "by-server"} {
		if got := c.String(); got != want {
			t.Errorf("SentCopy(%d).String() = %q; want %q", int(c), got, want)
		}
	}
}

// TestPOP3_missingCommands: a server without UIDL or TOP (both optional
// in RFC 1939) cannot be received from; Verify says so as ErrInvalid on
// the POP3 field, and so does Fetch for UIDL, rather than failing as if
// the error would go away.
func TestPOP3_missingCommands(t *testing.T) {
	for _, verb := range []string{"UIDL", "TOP"} {
		t.Run(verb, func(t *testing.T) {
			srv, cfg := pop3Setup(t, mailserver.SecurityTLS)
			srv.DisablePOP3(verb)
			p := newProvider(t, cfg)
			err := p.Verify(ctxT(t))
			var pe *provider.Error
			if !errors.Is(err, provider.ErrInvalid) || !errors.As(err, &pe) || pe.Field != "POP3" {
				t.Errorf("Verify = %v; want ErrInvalid on POP3", err)
			}
		})
	}
	srv, cfg := pop3Setup(t, mailserver.SecurityTLS)
	srv.DisablePOP3("UIDL")
	srv.DisablePOP3("CAPA") // an RFC 1939 server: Verify cannot tell
	drop := mailserver.NewMaildrop()
	_ = srv.SetMaildrop(sender, drop)
	newMailbox(drop).add(2, 1)
	p := newProvider(t, cfg)
	if err := p.Verify(ctxT(t)); err != nil {
		t.Errorf("Verify without CAPA = %v; want nil", err)
	}
	if _, err := p.Fetch(ctxT(t), "", sentIndex()); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("Fetch without UIDL = %v; want ErrInvalid", err)
	}
}
