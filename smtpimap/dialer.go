package smtpimap

import (
	"context"
	"crypto/tls"
	"net"

	"github.com/inboxkit/inboxkit/internal/pop3"
)

// Dialer opens a network connection; *net.Dialer is one. Config.Dialer
// lets a host decide where the provider may connect.
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// dialTCP opens a TCP connection to addr through Config.Dialer, or a
// net.Dialer bounded by the provider's timeout when there is none.
func (p *Provider) dialTCP(ctx context.Context, network, addr string) (net.Conn, error) {
	if p.cfg.Dialer != nil {
		return p.cfg.Dialer.DialContext(ctx, network, addr)
	}
	d := &net.Dialer{Timeout: p.timeout()}
	return d.DialContext(ctx, network, addr)
}

// openPOP3 dials the POP3 server through dialTCP and secures the session:
// implicit TLS, or STLS right after the greeting.
func (p *Provider) openPOP3(ctx context.Context, addr string, srv *Server, opts *pop3.Options) (*pop3.Client, error) {
	raw, err := p.dialTCP(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	if srv.Security == TLS {
		tc := tls.Client(raw, opts.TLSConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			_ = raw.Close()
			return nil, err
		}
		return pop3.NewClient(ctx, tc, srv.Host, opts)
	}
	c, err := pop3.NewClient(ctx, raw, srv.Host, opts)
	if err != nil {
		return nil, err
	}
	if err := c.StartTLS(ctx); err != nil {
		_ = c.Close()
		return nil, err
	}
	return c, nil
}

// smtpDial is go-mail's dial function: dialTCP, then the TLS handshake for
// implicit TLS (go-mail leaves that to a custom dial function).
func (p *Provider) smtpDial(ctx context.Context, network, addr string) (net.Conn, error) {
	raw, err := p.dialTCP(ctx, network, addr)
	if err != nil || p.cfg.SMTP.Security != TLS {
		return raw, err
	}
	tc := tls.Client(raw, p.tlsConfig(p.cfg.SMTP.Host))
	if err := tc.HandshakeContext(ctx); err != nil {
		_ = raw.Close()
		return nil, err
	}
	return tc, nil
}
