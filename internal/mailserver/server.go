package mailserver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-smtp"
)

// Security says how a listener protects its connections.
type Security int

const (
	// SecuritySTARTTLS listens in plaintext and offers STARTTLS; credentials
	// are refused until TLS is up. It is the zero value.
	SecuritySTARTTLS Security = iota
	// SecurityTLS listens with implicit TLS (the 465/993 style).
	SecurityTLS
	// SecurityNone listens in plaintext, offers no STARTTLS and accepts
	// credentials in the clear, like a misconfigured server. It exists so
	// tests can prove a client refuses to log in to it.
	SecurityNone
)

// String returns "starttls", "tls" or "none".
func (s Security) String() string {
	switch s {
	case SecuritySTARTTLS:
		return "starttls"
	case SecurityTLS:
		return "tls"
	case SecurityNone:
		return "none"
	default:
		return "Security(" + strconv.Itoa(int(s)) + ")"
	}
}

func (s Security) valid() bool {
	return s == SecuritySTARTTLS || s == SecurityTLS || s == SecurityNone
}

// Options configures Start. The zero value (or nil) gives STARTTLS on both
// listeners and no logging.
type Options struct {
	// SMTPSecurity is how the SMTP listener protects connections.
	SMTPSecurity Security
	// IMAPSecurity is how the IMAP listener protects connections.
	IMAPSecurity Security
	// POP3Security is how the POP3 listener protects connections
	// (SecurityTLS is the port-995 style, SecuritySTARTTLS offers STLS).
	POP3Security Security
	// Logger receives server-side errors; nil discards them.
	Logger *slog.Logger
}

// Envelope is one message that the SMTP server accepted.
type Envelope struct {
	From          string
	To            []string
	Data          []byte
	Authenticated string // the username that authenticated the session
}

// Server is a running set of in-process SMTP, IMAP and POP3 servers
// sharing one set of users. All methods are safe for concurrent use.
type Server struct {
	opts   Options
	logger *slog.Logger
	certs  *certs

	smtpLn   net.Listener
	imapLn   net.Listener
	smtp     *smtp.Server
	imap     *imapserver.Server
	imapPipe *pipeListener
	internal *imapserver.Server
	intPipe  *pipeListener
	pop3     *pop3Server

	mu        sync.Mutex
	users     map[string]*user // by lower-case address
	outbox    []Envelope
	dropData  int
	failApp   int
	dropApp   int
	refused   map[uint32]bool // RefuseFetch: UIDs whose FETCH answers NO (true: bodies only)
	closed    bool
	liveConns map[net.Conn]struct{}

	authAttempts atomic.Int64
	smtpConns    atomic.Int64
	imapCommands atomic.Int64

	wg sync.WaitGroup
}

// Start generates a throw-away certificate and starts SMTP and IMAP on
// 127.0.0.1 with ports chosen by the kernel. Call Close when done.
func Start(opts *Options) (*Server, error) {
	s := &Server{users: make(map[string]*user), liveConns: make(map[net.Conn]struct{})}
	if opts != nil {
		s.opts = *opts
	}
	if !s.opts.SMTPSecurity.valid() {
		return nil, fmt.Errorf("mailserver: invalid SMTPSecurity %v", s.opts.SMTPSecurity)
	}
	if !s.opts.IMAPSecurity.valid() {
		return nil, fmt.Errorf("mailserver: invalid IMAPSecurity %v", s.opts.IMAPSecurity)
	}
	if !s.opts.POP3Security.valid() {
		return nil, fmt.Errorf("mailserver: invalid POP3Security %v", s.opts.POP3Security)
	}
	s.logger = s.opts.Logger
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	c, err := newCerts()
	if err != nil {
		return nil, err
	}
	s.certs = c

	if err := s.startSMTP(); err != nil {
		return nil, err
	}
	if err := s.startIMAP(); err != nil {
		s.smtp.Close()
		return nil, err
	}
	if err := s.startPOP3(); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// SMTPAddr returns the SMTP listener's host (always "127.0.0.1") and port.
func (s *Server) SMTPAddr() (host string, port int) { return splitAddr(s.smtpLn.Addr()) }

// IMAPAddr returns the IMAP listener's host (always "127.0.0.1") and port.
func (s *Server) IMAPAddr() (host string, port int) { return splitAddr(s.imapLn.Addr()) }

func splitAddr(a net.Addr) (string, int) {
	ta := a.(*net.TCPAddr)
	return ta.IP.String(), ta.Port
}

// ClientTLSConfig returns a new TLS configuration that trusts only this
// server's throw-away CA, with ServerName "127.0.0.1". The certificate also
// names localhost; set ServerName to "localhost" to use that instead.
func (s *Server) ClientTLSConfig() *tls.Config { return s.certs.clientConfig() }

// CACertPEM returns the throw-away CA certificate in PEM form.
func (s *Server) CACertPEM() []byte { return append([]byte(nil), s.certs.caPEM...) }

// Outbox returns a copy of every message the SMTP server accepted, oldest
// first, including messages delivered to local users.
func (s *Server) Outbox() []Envelope {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Envelope, len(s.outbox))
	for i, e := range s.outbox {
		out[i] = Envelope{
			From:          e.From,
			To:            append([]string(nil), e.To...),
			Data:          append([]byte(nil), e.Data...),
			Authenticated: e.Authenticated,
		}
	}
	return out
}

// AuthAttempts counts the SMTP AUTH commands, the IMAP LOGIN and
// AUTHENTICATE commands and the POP3 USER, PASS, AUTH and APOP commands
// that reached the server, counted on the wire (so
// attempts that the server refused for lack of TLS count too).
func (s *Server) AuthAttempts() int { return int(s.authAttempts.Load()) }

// SMTPConnections counts accepted SMTP connections.
func (s *Server) SMTPConnections() int { return int(s.smtpConns.Load()) }

// IMAPCommands counts the tagged IMAP commands clients sent, across all
// sessions. Literal payloads, SASL responses and IDLE's DONE are not
// commands and are not counted.
func (s *Server) IMAPCommands() int { return int(s.imapCommands.Load()) }

// ResetCounters sets AuthAttempts, SMTPConnections and IMAPCommands to zero.
func (s *Server) ResetCounters() {
	s.authAttempts.Store(0)
	s.smtpConns.Store(0)
	s.imapCommands.Store(0)
	s.pop3.reset()
}

// DropDuringData makes the next n SMTP DATA transfers fail ambiguously: the
// server reads the whole message, delivers it (Outbox and local INBOXes) and
// then closes the connection without replying.
func (s *Server) DropDuringData(n int) {
	s.mu.Lock()
	s.dropData = n
	s.mu.Unlock()
}

// FailAppend makes the next n IMAP APPEND commands fail with a NO response;
// nothing is stored.
func (s *Server) FailAppend(n int) {
	s.mu.Lock()
	s.failApp = n
	s.mu.Unlock()
}

// DropAfterAppend makes the next n IMAP APPEND commands store the message
// and then close the connection without a reply: the client cannot tell
// whether its copy was saved.
func (s *Server) DropAfterAppend(n int) {
	s.mu.Lock()
	s.dropApp = n
	s.mu.Unlock()
}

// take decrements *n under the lock and reports whether it was positive.
func (s *Server) take(n *int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if *n > 0 {
		*n--
		return true
	}
	return false
}

// track registers a client connection so Close can end it; it reports false
// when the server is already closed.
func (s *Server) track(c net.Conn, add bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if add {
		if s.closed {
			return false
		}
		s.liveConns[c] = struct{}{}
		return true
	}
	delete(s.liveConns, c)
	return true
}

// Close stops both servers and ends every open connection.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errors.New("mailserver: already closed")
	}
	s.closed = true
	for c := range s.liveConns {
		c.Close()
	}
	s.mu.Unlock()

	var errs []error
	if err := s.smtp.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		errs = append(errs, err)
	}
	// Closing the listeners ends both Serve loops (imapserver.Close would
	// race with a Serve that has just started); the relays closed above
	// end the imapserver sessions by closing their pipes.
	// go-smtp's Close misses a listener whose Serve has not registered it
	// yet, so close the raw one too.
	s.smtpLn.Close()
	s.imapLn.Close()
	if s.pop3 != nil {
		s.pop3.ln.Close()
	}
	s.imapPipe.Close()
	s.intPipe.Close()
	s.wg.Wait()
	return errors.Join(errs...)
}

// logf logs a server-side error.
func (s *Server) logf(format string, args ...any) {
	s.logger.Log(context.Background(), slog.LevelWarn, fmt.Sprintf(format, args...))
}

// slogAdapter lets go-smtp and imapserver log through slog.
type slogAdapter struct{ s *Server }

func (a slogAdapter) Printf(format string, v ...any) { a.s.logf(format, v...) }
func (a slogAdapter) Println(v ...any)               { a.s.logf("%s", fmt.Sprint(v...)) }

var _ io.Closer = (*Server)(nil)
