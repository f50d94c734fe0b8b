package smtpimap

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/inboxkit/inboxkit/provider"
)

// imapConn is the IMAP connection a Provider keeps open across fetches and
// Sent-folder appends; work on it is serialised.
type imapConn struct {
	p      *Provider
	mu     sync.Mutex
	client *imapclient.Client
}

// imapSession is the authenticated connection handed to one piece of work.
type imapSession struct {
	c *imapclient.Client
	p *Provider
}

// do runs fn on the kept connection, dialling first when there is none.
// When fn fails on a connection that was already open (the server may have
// dropped it while idle), it re-dials once and runs fn again. fn must be
// safe to repeat.
func (ic *imapConn) do(ctx context.Context, fn func(*imapSession) error) error {
	ic.mu.Lock()
	defer ic.mu.Unlock()
	reused := ic.client != nil
	err := ic.run(ctx, fn)
	if err != nil && reused && ctx.Err() == nil && isTransport(err) {
		err = ic.run(ctx, fn)
	}
	return err
}

func (ic *imapConn) run(ctx context.Context, fn func(*imapSession) error) error {
	if ic.client == nil {
		c, err := ic.p.dialIMAP(ctx)
		if err != nil {
			return err
		}
		ic.client = c
	}
	c := ic.client
	stop := context.AfterFunc(ctx, func() { _ = c.Close() })
	err := fn(&imapSession{c: c, p: ic.p})
	if !stop() {
		// ctx ended while fn ran and closed the connection.
		ic.client = nil
		if err == nil {
			err = ctx.Err()
		}
		return wrap("imap", fmt.Errorf("%w: %w", ctx.Err(), err))
	}
	if err != nil && isTransport(err) {
		_ = c.Close()
		ic.client = nil
	}
	return err
}

func (ic *imapConn) close() error {
	ic.mu.Lock()
	defer ic.mu.Unlock()
	if ic.client == nil {
		return nil
	}
	err := ic.client.Logout().Wait()
	_ = ic.client.Close()
	ic.client = nil
	if err != nil && isTransport(err) {
		return nil
	}
	return err
}

// isTransport reports an error of the connection rather than a tagged
// server reply.
func isTransport(err error) bool {
	var ie *imap.Error
	return err != nil && !errors.As(err, &ie)
}

// dialIMAP connects with implicit TLS or STARTTLS and signs in. A server
// that refuses STARTTLS is ErrInsecure, before any credential is sent.
func (p *Provider) dialIMAP(ctx context.Context) (*imapclient.Client, error) {
	return p.dialIMAPWith(ctx, nil)
}

// dialIMAPWith dials with a handler for unsolicited server data (IDLE).
func (p *Provider) dialIMAPWith(ctx context.Context, h *imapclient.UnilateralDataHandler) (*imapclient.Client, error) {
	srv := p.cfg.IMAP
	addr := net.JoinHostPort(srv.Host, strconv.Itoa(srv.Port))
	raw, err := p.dialTCP(ctx, "tcp", addr)
	if err != nil {
		return nil, wrap("dial", err)
	}
	stop := context.AfterFunc(ctx, func() { _ = raw.Close() })
	defer stop()
	tlsCfg := p.tlsConfig(srv.Host)
	opts := &imapclient.Options{TLSConfig: tlsCfg, UnilateralDataHandler: h}
	var c *imapclient.Client
	if srv.Security == TLS {
		tc := tls.Client(raw, tlsCfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			_ = raw.Close()
			return nil, wrap("dial", err)
		}
		c = imapclient.New(tc, opts)
	} else {
		c, err = imapclient.NewStartTLS(raw, opts)
		if err != nil {
			_ = raw.Close()
			var ie *imap.Error
			if errors.As(err, &ie) {
				return nil, wrap("dial", fmt.Errorf("%w (%v)", errInsecure, err))
			}
			return nil, wrap("dial", err)
		}
	}
	if err := c.WaitGreeting(); err != nil {
		_ = c.Close()
		return nil, wrap("dial", err)
	}
	if err := p.imapLogin(ctx, c); err != nil {
		_ = c.Close()
		return nil, err
	}
	return c, nil
}

func (p *Provider) imapLogin(ctx context.Context, c *imapclient.Client) error {
	if c.State() == imap.ConnStateAuthenticated {
		return nil
	}
	caps := c.Caps()
	if caps.Has(imap.CapLoginDisabled) && p.cfg.TokenSource == nil && !caps.Has(imap.Cap("AUTH=PLAIN")) {
		return wrap("login", errInsecure)
	}
	client, err := p.imapSASL(ctx, func(name string) bool { return caps.Has(imap.Cap(name)) })
	if err != nil {
		return err
	}
	if client != nil {
		err = c.Authenticate(client)
	} else {
		err = c.Login(p.username(), p.cfg.Password.Reveal()).Wait()
	}
	if err != nil {
		var ie *imap.Error
		if errors.As(err, &ie) && ie.Type == imap.StatusResponseTypeNo {
			// A NO to LOGIN/AUTHENTICATE is a rejected credential even
			// without the AUTHENTICATIONFAILED code (RFC 3501 §6.2.3).
			return &provider.Error{Op: "login", Provider: provider.KindSMTPIMAP, Code: provider.ErrAuth, Err: err}
		}
		return wrap("login", err)
	}
	return nil
}
