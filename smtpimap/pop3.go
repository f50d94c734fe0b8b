package smtpimap

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/emersion/go-sasl"

	"github.com/inboxkit/inboxkit/internal/pop3"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// The POP3 ports: 995 implicit TLS (RFC 8314), 110 with STLS (RFC 2595).
const (
	PortPOP3  = 110
	PortPOP3S = 995
)

// resolvePOP3 checks and resolves Config.POP3 like IMAP's, with POP3's
// ports: 995 is TLS and any other port STLS; a security alone gives 995
// or 110. With IMAP also set, POP3 is still checked but not used.
func resolvePOP3(cfg *Config) error {
	if cfg.POP3 == nil {
		return nil
	}
	s := *cfg.POP3
	given := s.Port
	var err error
	if s, err = s.Resolve(true, "POP3"); err != nil {
		return err
	}
	switch {
	case given == 0 && s.Security == TLS:
		s.Port = PortPOP3S
	case given == 0:
		s.Port = PortPOP3
	case cfg.POP3.Security == inferSecurity:
		s.Security = STARTTLS
		if given == PortPOP3S {
			s.Security = TLS
		}
	}
	cfg.POP3 = &s
	return nil
}

// usesPOP3 reports whether Fetch and Watch read over POP3.
func (p *Provider) usesPOP3() bool { return p.cfg.IMAP == nil && p.cfg.POP3 != nil }

// dialPOP3 opens a POP3 session: implicit TLS or STLS (ErrInsecure before
// any credential when the server refuses it), CAPA, then AUTH XOAUTH2 with
// a TokenSource, AUTH PLAIN when offered (or forced with AuthPlain), and
// USER/PASS otherwise (or with AuthLogin). Every POP3 session sees the
// maildrop as it was at login, so each Fetch opens its own.
func (p *Provider) dialPOP3(ctx context.Context) (*pop3.Client, error) {
	srv := p.cfg.POP3
	addr := net.JoinHostPort(srv.Host, strconv.Itoa(srv.Port))
	opts := &pop3.Options{
		TLSConfig:  p.tlsConfig(srv.Host),
		Timeout:    p.timeout(),
		MaxMessage: MaxMessageSize,
		MaxHeader:  pop3MaxHeader,
	}
	c, err := p.openPOP3(ctx, addr, srv, opts)
	if err != nil {
		return nil, wrapPOP3("dial", err)
	}
	caps, err := c.Capabilities(ctx)
	if err != nil {
		_ = c.Close()
		return nil, wrapPOP3("capa", err)
	}
	if err := p.pop3Login(ctx, c, caps); err != nil {
		_ = c.Close()
		return nil, err
	}
	return c, nil
}

func (p *Provider) pop3Login(ctx context.Context, c *pop3.Client, caps pop3.Caps) error {
	mech := p.cfg.Auth
	if mech == AuthAuto && p.cfg.TokenSource != nil {
		mech = AuthXOAUTH2
	}
	var err error
	switch {
	case mech == AuthXOAUTH2:
		tok, terr := p.oauthToken(ctx)
		if terr != nil {
			return terr
		}
		err = c.Authenticate(ctx, &xoauth2Client{user: p.username(), token: tok})
	case mech == AuthPlain || mech == AuthAuto && caps.SASL("PLAIN"):
		err = c.Authenticate(ctx, sasl.NewPlainClient("", p.username(), p.cfg.Password.Reveal()))
	default:
		err = c.Login(ctx, p.username(), p.cfg.Password.Reveal())
	}
	var pe *pop3.Error
	if errors.As(err, &pe) && !pe.Temporary() {
		// A -ERR to USER, PASS or AUTH is a rejected credential (RFC 3206
		// [AUTH]; most servers give no code at all).
		return &provider.Error{Op: "login", Provider: provider.KindSMTPIMAP, Code: provider.ErrAuth, Err: err}
	}
	return wrapPOP3("login", err)
}

// quitPOP3 ends a session; QUIT removes nothing, since no DELE was sent.
func quitPOP3(ctx context.Context, c *pop3.Client) {
	qctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = c.Quit(qctx)
}

// verifyPOP3 signs in over POP3 and leaves.
func (p *Provider) verifyPOP3(ctx context.Context) error {
	if p.cfg.POP3 == nil {
		return nil
	}
	c, err := p.dialPOP3(ctx)
	if err != nil {
		return err
	}
	defer quitPOP3(ctx, c)
	// A server that lists its capabilities must list the two optional
	// commands receiving needs; one without CAPA is tried as it is.
	if caps, err := c.Capabilities(ctx); err == nil && len(caps) > 0 {
		for _, need := range []string{"UIDL", "TOP"} {
			if !caps.Has(need) {
				return providerkit.Invalid("POP3", "the server does not offer "+need+", which receiving over POP3 needs")
			}
		}
	}
	return nil
}

// wrapPOP3 classifies a POP3 client error once; others go to wrap.
func wrapPOP3(op string, err error) error {
	if err == nil {
		return nil
	}
	var done *provider.Error
	if errors.As(err, &done) {
		return err
	}
	var pe *pop3.Error
	switch {
	case errors.Is(err, pop3.ErrInsecure):
		return &provider.Error{Op: op, Provider: provider.KindSMTPIMAP, Code: provider.ErrInsecure,
			Err: fmt.Errorf("%w (%w)", errInsecure, err)}
	case errors.As(err, &pe):
		return &provider.Error{Op: op, Provider: provider.KindSMTPIMAP, Code: provider.ErrTemporary, Err: err}
	case errors.Is(err, pop3.ErrProtocol), errors.Is(err, pop3.ErrBroken):
		return &provider.Error{Op: op, Provider: provider.KindSMTPIMAP, Code: provider.ErrTemporary, Err: err}
	}
	return wrap(op, err)
}

func (p *Provider) pollInterval() time.Duration {
	if p.cfg.PollInterval > 0 {
		return p.cfg.PollInterval
	}
	return pollInterval
}
