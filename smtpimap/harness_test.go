package smtpimap_test

import (
	"context"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/internal/mailserver"
	"github.com/inboxkit/inboxkit/provider/providertest"
	"github.com/inboxkit/inboxkit/smtpimap"
)

const (
	sender   = "ada@inboxkit.test"
	password = "correct horse battery staple"
)

// testServer starts the in-process servers with a sender and two
// prospects.
func testServer(t testing.TB, opts *mailserver.Options) *mailserver.Server {
	t.Helper()
	srv, err := mailserver.Start(opts)
	if err != nil {
		t.Fatalf("mailserver.Start: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	for _, u := range []string{sender, "bob@inboxkit.test", "cyd@inboxkit.test"} {
		if err := srv.AddUser(u, password); err != nil {
			t.Fatalf("AddUser: %v", err)
		}
	}
	return srv
}

func configFor(srv *mailserver.Server) smtpimap.Config {
	sh, sp := srv.SMTPAddr()
	ih, ip := srv.IMAPAddr()
	return smtpimap.Config{
		Email:     sender,
		FromName:  "Ada Lovelace",
		Password:  crypto.Secret(password),
		SMTP:      smtpimap.Server{Host: sh, Port: sp, Security: smtpimap.STARTTLS},
		IMAP:      &smtpimap.Server{Host: ih, Port: ip, Security: smtpimap.STARTTLS},
		TLSConfig: srv.ClientTLSConfig(),
	}
}

func newProvider(t testing.TB, cfg smtpimap.Config) *smtpimap.Provider {
	t.Helper()
	p, err := smtpimap.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

func countMessageID(msgs [][]byte, id string) int {
	n := 0
	for _, raw := range msgs {
		if providertest.MessageIDOf(raw) == id {
			n++
		}
	}
	return n
}

func harness(t *testing.T, srv *mailserver.Server, p *smtpimap.Provider) *providertest.Harness {
	return &providertest.Harness{
		Provider:  p,
		Prospects: []string{"bob@inboxkit.test", "cyd@elsewhere.example"},
		Deliver: func(ctx context.Context, raw []byte) error {
			return srv.Deliver(sender, raw)
		},
		SentCopies: func(ctx context.Context, id string) (int, error) {
			msgs, err := srv.Mailbox(sender, "Sent")
			return countMessageID(msgs, id), err
		},
		Deliveries: func(ctx context.Context, id string) (int, error) {
			n := 0
			for _, env := range srv.Outbox() {
				if providertest.MessageIDOf(env.Data) == id {
					n++
				}
			}
			return n, nil
		},
	}
}

func TestConformance(t *testing.T) {
	providertest.Run(t, func(t *testing.T) *providertest.Harness {
		srv := testServer(t, nil)
		return harness(t, srv, newProvider(t, configFor(srv)))
	})
}

func TestConformance_implicitTLS(t *testing.T) {
	providertest.Run(t, func(t *testing.T) *providertest.Harness {
		srv := testServer(t, &mailserver.Options{SMTPSecurity: mailserver.SecurityTLS, IMAPSecurity: mailserver.SecurityTLS})
		cfg := configFor(srv)
		// The ports are random, so the security cannot be inferred.
		cfg.SMTP.Security = smtpimap.TLS
		cfg.IMAP.Security = smtpimap.TLS
		return harness(t, srv, newProvider(t, cfg))
	})
}

var _ = strings.Contains
