package mailserver

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// errAuthRequired is the reply to MAIL before AUTH.
var errAuthRequired = &smtp.SMTPError{
	Code:         530,
	EnhancedCode: smtp.EnhancedCode{5, 7, 0},
	Message:      "Authentication required",
}

func (s *Server) startSMTP() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("mailserver: smtp listen: %w", err)
	}
	s.smtpLn = ln
	srv := smtp.NewServer(smtp.BackendFunc(s.newSMTPSession))
	srv.Domain = "localhost"
	srv.MaxMessageBytes = 50 << 20
	srv.MaxRecipients = 100
	srv.ReadTimeout = 5 * time.Minute
	srv.WriteTimeout = time.Minute
	srv.ErrorLog = slogAdapter{s}
	var served net.Listener = &smtpListener{Listener: ln, s: s}
	switch s.opts.SMTPSecurity {
	case SecuritySTARTTLS:
		srv.TLSConfig = s.certs.serverConfig()
	case SecurityTLS:
		served = tls.NewListener(served, s.certs.serverConfig())
	case SecurityNone:
		srv.AllowInsecureAuth = true
	}
	s.smtp = srv
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := srv.Serve(served); err != nil {
			s.logf("smtp serve: %v", err)
		}
	}()
	return nil
}

// smtpListener counts connections and wraps each in an smtpTap.
type smtpListener struct {
	net.Listener
	s *Server
}

func (l *smtpListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.s.smtpConns.Add(1)
	// With implicit TLS the tap sees only ciphertext; the session counts
	// AUTH instead.
	return &smtpTap{Conn: c, s: l.s, off: l.s.opts.SMTPSecurity == SecurityTLS}, nil
}

// smtpSession is one SMTP session; go-smtp creates a new one after STARTTLS.
type smtpSession struct {
	s      *Server
	conn   *smtp.Conn
	authed string
	from   string
	to     []string
}

func (s *Server) newSMTPSession(c *smtp.Conn) (smtp.Session, error) {
	return &smtpSession{s: s, conn: c}, nil
}

// AuthMechanisms implements smtp.AuthSession.
func (ss *smtpSession) AuthMechanisms() []string {
	return []string{sasl.Plain, sasl.Login, mechXOAuth2}
}

// Auth implements smtp.AuthSession. It counts attempts made over TLS; the
// tap counts those made in plaintext.
func (ss *smtpSession) Auth(mech string) (sasl.Server, error) {
	if _, isTLS := ss.conn.TLSConnectionState(); isTLS {
		ss.s.authAttempts.Add(1)
	}
	switch strings.ToUpper(mech) {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, username, password string) error {
			if identity != "" && identity != username {
				return smtp.ErrAuthFailed
			}
			return ss.login(username, password)
		}), nil
	case sasl.Login:
		return newLoginServer(ss.login), nil
	case mechXOAuth2:
		return newXOAuth2Server(func(username, token string) error {
			if !ss.s.checkToken(username, token) {
				return smtp.ErrAuthFailed
			}
			ss.authed = username
			return nil
		}), nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (ss *smtpSession) login(username, password string) error {
	if !ss.s.checkPassword(username, password) {
		return smtp.ErrAuthFailed
	}
	ss.authed = username
	return nil
}

// Mail implements smtp.Session.
func (ss *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.authed == "" {
		return errAuthRequired
	}
	ss.from = from
	return nil
}

// Rcpt implements smtp.Session.
func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if ss.authed == "" {
		return errAuthRequired
	}
	ss.to = append(ss.to, to)
	return nil
}

// Data implements smtp.Session: the message goes to the Outbox and to the
// INBOX of every recipient that is a local user.
func (ss *smtpSession) Data(r io.Reader) error {
	if ss.authed == "" {
		return errAuthRequired
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.accept(Envelope{From: ss.from, To: append([]string(nil), ss.to...), Data: data, Authenticated: ss.authed})
	if ss.s.take(&ss.s.dropData) {
		// The message is delivered, but the client never hears so.
		ss.conn.Conn().Close()
	}
	return nil
}

// Reset implements smtp.Session.
func (ss *smtpSession) Reset() {
	ss.from = ""
	ss.to = nil
}

// Logout implements smtp.Session.
func (ss *smtpSession) Logout() error { return nil }

// accept records an accepted message and delivers it to local users.
func (s *Server) accept(e Envelope) {
	s.mu.Lock()
	s.outbox = append(s.outbox, e)
	s.mu.Unlock()
	for _, rcpt := range e.To {
		if s.lookup(rcpt) == nil {
			continue
		}
		if err := s.Deliver(rcpt, withTrace(e.From, rcpt, e.Data)); err != nil {
			s.logf("deliver to %s: %v", rcpt, err)
		}
	}
}

// withTrace prepends the Return-Path and Received fields that a delivering
// MTA adds (RFC 5321 section 4.4).
func withTrace(from, rcpt string, data []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "Return-Path: <%s>\r\n", from)
	fmt.Fprintf(&b, "Delivered-To: %s\r\n", rcpt)
	fmt.Fprintf(&b, "Received: from localhost by inboxkit-mailserver with ESMTPSA\r\n\tfor <%s>; %s\r\n",
		rcpt, time.Now().Format(time.RFC1123Z))
	b.Write(data)
	return b.Bytes()
}
