package mailserver

import (
	"fmt"
	"net"

	"github.com/emersion/go-imap/v2/imapserver"
)

// startIMAP starts the public IMAP listener (through relays) and the
// internal server that Mailbox reads through.
func (s *Server) startIMAP() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("mailserver: imap listen: %w", err)
	}
	s.imapLn = ln
	opts := &imapserver.Options{
		NewSession: s.newIMAPSession(false),
		Caps:       imapCaps(),
		Logger:     slogAdapter{s},
	}
	switch s.opts.IMAPSecurity {
	case SecuritySTARTTLS:
		opts.TLSConfig = s.certs.serverConfig()
	case SecurityTLS:
		// The relay terminates TLS; imapserver sees plaintext it may trust.
		opts.InsecureAuth = true
	case SecurityNone:
		opts.InsecureAuth = true
	}
	s.imap = imapserver.New(opts)
	s.imapPipe = newPipeListener(ln.Addr())
	s.internal = imapserver.New(&imapserver.Options{
		NewSession:   s.newIMAPSession(true),
		Caps:         imapCaps(),
		Logger:       slogAdapter{s},
		InsecureAuth: true,
	})
	s.intPipe = newPipeListener(ln.Addr())

	s.wg.Add(3)
	go func() {
		defer s.wg.Done()
		if err := s.imap.Serve(s.imapPipe); err != nil {
			s.logf("imap serve: %v", err)
		}
	}()
	go func() {
		defer s.wg.Done()
		if err := s.internal.Serve(s.intPipe); err != nil {
			s.logf("internal imap serve: %v", err)
		}
	}()
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if !s.track(c, true) {
				c.Close()
				return
			}
			s.serveIMAPConn(c)
		}
	}()
	return nil
}
