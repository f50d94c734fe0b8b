package smtpimap

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/textproto"
	"strconv"
	"sync"
	"time"

	mail "github.com/wneessen/go-mail"
	gmsmtp "github.com/wneessen/go-mail/smtp"

	"github.com/inboxkit/inboxkit/internal/compose"
	"github.com/inboxkit/inboxkit/provider"
)

// smtpConn is the one SMTP connection a Provider keeps open and reuses
// across sends, re-dialled when the server has dropped it. Sends on it are
// serialised.
type smtpConn struct {
	p        *Provider
	mu       sync.Mutex
	client   *gmsmtp.Client
	lastUsed time.Time
	dials    int
}

// idleCheck is how long a connection may sit unused before a NOOP checks
// it is still there (servers drop idle submission sessions after minutes).
const idleCheck = 15 * time.Second

// errAmbiguous marks a failure after the whole message reached the server:
// it may have been delivered.
var errAmbiguous = errors.New("smtpimap: connection lost after the message was transferred; it may have been delivered")

// client builds a go-mail client for one dial: TLS mandatory (implicit TLS
// or STARTTLS), never plaintext, and credentials chosen by Config.Auth.
func (p *Provider) goMailClient(ctx context.Context) (*mail.Client, error) {
	cfg := p.cfg
	opts := []mail.Option{
		mail.WithPort(cfg.SMTP.Port),
		mail.WithTLSConfig(p.tlsConfig(cfg.SMTP.Host)),
		mail.WithTimeout(p.timeout()),
		mail.WithHELO(p.helloName()),
		mail.WithoutNoop(),
		mail.WithDialContextFunc(p.smtpDial),
	}
	if cfg.SMTP.Security == TLS {
		opts = append(opts, mail.WithSSL())
	} else {
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	auth, err := p.smtpAuth(ctx)
	if err != nil {
		return nil, err
	}
	opts = append(opts, mail.WithSMTPAuthCustom(auth))
	return mail.NewClient(cfg.SMTP.Host, opts...)
}

// dial opens, secures and authenticates a new SMTP connection.
func (s *smtpConn) dial(ctx context.Context) error {
	s.closeLocked()
	c, err := s.p.goMailClient(ctx)
	if err != nil {
		return wrap("dial", err)
	}
	client, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		if isNoStartTLS(err) {
			return wrap("dial", fmt.Errorf("%w (%v)", errInsecure, err))
		}
		return wrap("dial", err)
	}
	s.client = client
	s.dials++
	s.lastUsed = time.Now()
	return nil
}

func isNoStartTLS(err error) bool {
	return err != nil && (containsFold(err.Error(), "does not support STARTTLS") || containsFold(err.Error(), "STARTTLS mode set"))
}

func (s *smtpConn) closeLocked() {
	if s.client != nil {
		_ = s.client.Close()
		s.client = nil
	}
}

func (s *smtpConn) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.client == nil {
		return nil
	}
	err := s.client.Quit()
	_ = s.client.Close()
	s.client = nil
	return err
}

// send transfers one composed message. It re-dials once when the kept
// connection turns out to be gone before anything of the message was said.
//
// handover, when not nil, runs right before the final "." of DATA hands the
// whole message over; when it fails, the transaction is abandoned (the
// server discards an unfinished DATA) and nothing is delivered.
func (s *smtpConn) send(ctx context.Context, b *compose.Built, handover func(context.Context) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	fresh := false
	if s.client == nil {
		if err := s.dial(ctx); err != nil {
			return err
		}
		fresh = true
	} else if time.Since(s.lastUsed) > idleCheck {
		if err := s.client.Noop(); err != nil {
			if err := s.dial(ctx); err != nil {
				return err
			}
			fresh = true
		}
	}
	err := s.transfer(ctx, b, handover)
	if err != nil && !fresh && errors.Is(err, errStale) {
		if err := s.dial(ctx); err != nil {
			return err
		}
		err = s.transfer(ctx, b, handover)
	}
	return err
}

// errStale marks a kept connection the server closed while it sat idle.
var errStale = errors.New("smtpimap: SMTP connection was closed by the server")

// transfer runs MAIL, RCPT and DATA on the current connection.
func (s *smtpConn) transfer(ctx context.Context, b *compose.Built, handover func(context.Context) error) (err error) {
	c := s.client
	stop := context.AfterFunc(ctx, func() { _ = c.Close() })
	defer func() {
		if !stop() && err != nil && ctx.Err() != nil {
			err = fmt.Errorf("%w: %w", ctx.Err(), err)
		}
		if err != nil && (ctx.Err() != nil || !sessionIntact(err)) {
			s.closeLocked()
		} else {
			s.lastUsed = time.Now()
		}
	}()
	if err := c.UpdateDeadline(s.p.timeout()); err != nil {
		return errStale
	}
	if err := c.Mail(b.EnvelopeFrom); err != nil {
		if isConnErr(err) {
			return fmt.Errorf("%w: %w", errStale, err)
		}
		return rateLimited("send", err)
	}
	for i, rcpt := range b.Recipients {
		if err := c.Rcpt(rcpt); err != nil {
			_ = c.Reset()
			e := rateLimited("send", err)
			var pe *provider.Error
			if errors.As(e, &pe) && errors.Is(e, provider.ErrInvalid) {
				pe.Field = "Recipients[" + strconv.Itoa(i) + "]"
			}
			return e
		}
	}
	w, err := c.Data()
	if err != nil {
		return rateLimited("send", err)
	}
	if _, err := w.Write(b.Raw); err != nil {
		// The message was cut short: the server discards it (RFC 5321
		// §4.1.1.4), so nothing was delivered.
		return wrap("send", err)
	}
	if handover != nil {
		if err := handover(ctx); err != nil {
			// Without the mark, a crash after the "." could deliver twice;
			// closing the connection makes the server discard the message.
			return &provider.Error{Op: "send", Provider: provider.KindSMTPIMAP, Code: provider.ErrTemporary, Err: fmt.Errorf("smtpimap: recording the hand-over in the send log: %w", err)}
		}
	}
	if err := w.Close(); err != nil {
		if isConnErr(err) {
			// The whole message reached the server and its answer was
			// lost: it may have been delivered (#12 item 7).
			return &provider.Error{Op: "send", Provider: provider.KindSMTPIMAP, Code: provider.ErrOutcomeUnknown, Err: fmt.Errorf("%w: %w", errAmbiguous, err)}
		}
		return rateLimited("send", err)
	}
	return nil
}

// sessionIntact reports whether a failed transfer left the SMTP session
// usable for the next message: the server answered with a reply (a refused
// sender, recipient or message) other than 421, which closes the session.
// The transaction itself is over: a refused MAIL starts none, a refused
// RCPT is followed by RSET, a refused DATA or final reply ends it. Should
// the connection be gone after all, the next MAIL finds out and re-dials.
func sessionIntact(err error) bool {
	var tp *textproto.Error
	return errors.As(err, &tp) && tp.Code != 421 && !errors.Is(err, errAmbiguous) && !errors.Is(err, errStale)
}

func isConnErr(err error) bool {
	return errors.Is(classify(err), provider.ErrTemporary) && !isSMTPReply(err)
}

func (p *Provider) tlsConfig(host string) *tls.Config {
	var c *tls.Config
	if p.cfg.TLSConfig != nil {
		c = p.cfg.TLSConfig.Clone()
	} else {
		c = &tls.Config{}
	}
	if c.ServerName == "" {
		c.ServerName = host
	}
	if c.MinVersion < tls.VersionTLS12 {
		c.MinVersion = tls.VersionTLS12
	}
	return c
}
