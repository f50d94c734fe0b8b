package smtpimap_test

import (
	"crypto/tls"
	"errors"
	"testing"

	"github.com/inboxkit/inboxkit/internal/mailserver"
	"github.com/inboxkit/inboxkit/provider"
)

// Fetch and Watch talk to IMAP alone, so these reach the IMAP checks
// without SMTP failing first: a server without STARTTLS, or one whose
// certificate is not trusted, is ErrInsecure and no LOGIN/AUTHENTICATE
// reaches it.
func TestIMAP_insecureRefusedBeforeLogin(t *testing.T) {
	tests := []struct {
		name string
		opts *mailserver.Options
		tls  *tls.Config // nil keeps the server's CA
		// serverName, when set, is the name the certificate is checked
		// against (it names 127.0.0.1 only).
		serverName string
	}{
		{"no STARTTLS", &mailserver.Options{IMAPSecurity: mailserver.SecurityNone}, nil, ""},
		{"untrusted certificate", nil, &tls.Config{}, ""},
		{"wrong host name", nil, nil, "imap.elsewhere.example"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := testServer(t, tc.opts)
			cfg := configFor(srv)
			if tc.tls != nil {
				cfg.TLSConfig = tc.tls
			}
			if tc.serverName != "" {
				c := srv.ClientTLSConfig()
				c.ServerName = tc.serverName
				cfg.TLSConfig = c
			}
			p := newProvider(t, cfg)
			if _, err := p.Fetch(ctxT(t), "", &memIndex{}); !errors.Is(err, provider.ErrInsecure) {
				t.Errorf("Fetch = %v; want ErrInsecure", err)
			}
			if err := p.Watch(ctxT(t), func() {}); !errors.Is(err, provider.ErrInsecure) {
				t.Errorf("Watch = %v; want ErrInsecure", err)
			}
			if n := srv.AuthAttempts(); n != 0 {
				t.Errorf("%d LOGIN/AUTHENTICATE attempts reached the server; want 0", n)
			}
		})
	}
}
