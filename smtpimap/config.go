package smtpimap

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
	"golang.org/x/oauth2"
)

// Security is how a connection is encrypted. There is no plaintext mode.
type Security int

// The security modes. The zero value (Server{Host, Port} without a
// Security) means "infer from the port": 465 and 993 are TLS, anything
// else STARTTLS; with no port either, TLS on 465 or 993.
const (
	// inferSecurity is the zero value: infer the mode from the port.
	inferSecurity Security = iota
	// TLS is implicit TLS from the first byte (ports 465, 993).
	TLS
	// STARTTLS upgrades a plaintext greeting to TLS before anything else
	// is said (ports 587, 25, 143). A server that does not offer it is
	// refused with provider.ErrInsecure before any credential is sent.
	STARTTLS
)

// String returns "tls", "starttls", or "auto" for the zero value.
func (s Security) String() string {
	switch s {
	case inferSecurity:
		return "auto"
	case TLS:
		return "tls"
	case STARTTLS:
		return "starttls"
	default:
		return fmt.Sprintf("Security(%d)", int(s))
	}
}

// ParseSecurity reads "tls"/"ssl", "starttls", or "auto"/"" (any case) for
// the zero value, which infers the mode from the port.
func ParseSecurity(s string) (Security, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return inferSecurity, nil
	case "tls", "ssl", "implicit":
		return TLS, nil
	case "starttls":
		return STARTTLS, nil
	}
	return 0, providerkit.Invalid("Security", fmt.Sprintf("%q is not tls or starttls (plaintext is not offered)", s))
}

// Server is a host and port with its security. Give a port, a security
// or both: the missing one is inferred (see Resolve).
type Server struct {
	Host     string
	Port     int
	Security Security
}

// The well-known ports.
const (
	PortSMTPSubmission = 587
	PortSMTPS          = 465
	PortSMTP           = 25
	PortIMAP           = 143
	PortIMAPS          = 993
)

// Auth is the SASL mechanism used to sign in.
type Auth int

// The auth mechanisms. The zero value picks PLAIN, or LOGIN where the SMTP
// server offers only that, or XOAUTH2 when Config.TokenSource is set.
const (
	AuthAuto Auth = iota
	AuthPlain
	AuthLogin
	AuthXOAUTH2
)

// String returns "auto", "plain", "login" or "xoauth2".
func (a Auth) String() string {
	switch a {
	case AuthAuto:
		return "auto"
	case AuthPlain:
		return "plain"
	case AuthLogin:
		return "login"
	case AuthXOAUTH2:
		return "xoauth2"
	default:
		return fmt.Sprintf("Auth(%d)", int(a))
	}
}

// Config is one SMTP (+ optional IMAP) mailbox.
type Config struct {
	// Email is the mailbox address; required.
	Email string
	// FromName is the display name used when a message's From has none.
	FromName string
	// Aliases are other addresses this login may send as.
	Aliases []string
	// Username signs in; empty means Email.
	Username string
	// Password is the SMTP/IMAP password (or an app password).
	Password crypto.Secret
	// TokenSource, when set, signs in with XOAUTH2 instead of Password
	// (Gmail or Outlook over SMTP/IMAP).
	TokenSource oauth2.TokenSource
	// Auth forces one SASL mechanism; zero picks one.
	Auth Auth
	// SMTP is the outgoing server; required.
	SMTP Server
	// IMAP is the incoming server; nil turns receiving off (Fetch
	// returns nothing and no copy is saved to Sent).
	IMAP *Server
	// POP3 is the incoming server for mailboxes that offer only POP3
	// (995 implicit TLS, 110 STLS; inferred as for IMAP). It is used when
	// IMAP is nil. POP3 has no Sent folder: see Features.
	POP3 *Server
	// TLSConfig verifies the servers; nil uses the system roots. Its
	// ServerName is filled from the host when empty.
	TLSConfig *tls.Config
	// Dialer opens every TCP connection to the servers (SMTP, IMAP and
	// POP3, for Verify, Send, Fetch and Watch), so a host can apply its
	// own egress policy: a *net.Dialer with a Control hook that refuses
	// private addresses, a proxy dialer. Nil uses a net.Dialer with
	// Timeout.
	Dialer Dialer
	// SentFolder overrides the folder sent copies are appended to; empty
	// finds it by SPECIAL-USE \Sent, then by common names.
	SentFolder string
	// SaveSent decides whether a copy is appended to the Sent folder:
	// SaveSentAuto skips it for servers known to save sent mail themselves
	// (Gmail, Outlook/Office 365).
	SaveSent SaveSent
	// Folders are the IMAP folders Fetch reads; empty means INBOX (plus
	// the Junk folder when the server marks one with \Junk).
	Folders []string
	// LookBack is how far back a first Fetch (empty cursor) reads; zero
	// means 30 days.
	LookBack time.Duration
	// Timeout bounds each network exchange; zero means 30 seconds.
	Timeout time.Duration
	// PollInterval is how often Watch checks for new mail where it must
	// poll (POP3, or an IMAP server without IDLE); zero means 2 minutes.
	PollInterval time.Duration
	// HelloName is the EHLO name; empty uses the Email's domain.
	HelloName string
	// SendLog remembers idempotency keys; nil keeps them in memory.
	SendLog provider.SendLog
	// Logger receives connection events (never credentials); nil
	// discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// SaveSent says whether sent mail is appended to the Sent folder.
type SaveSent int

// The SaveSent choices.
const (
	// SaveSentAuto appends a copy unless the server is known to save
	// sent mail itself (Gmail, Outlook / Office 365).
	SaveSentAuto SaveSent = iota
	// SaveSentAlways always appends a copy.
	SaveSentAlways
	// SaveSentNever never appends one.
	SaveSentNever
)

// String returns "auto", "always" or "never".
func (s SaveSent) String() string {
	switch s {
	case SaveSentAuto:
		return "auto"
	case SaveSentAlways:
		return "always"
	case SaveSentNever:
		return "never"
	default:
		return fmt.Sprintf("SaveSent(%d)", int(s))
	}
}

// Resolve fills in the inferred half of s: the security from a port
// (465/993 TLS, everything else STARTTLS) or the port from a security
// (implicit TLS: 465 for SMTP, 993 for IMAP; STARTTLS: 587 or 143). It
// checks the host is set and the port is a number from 1 to 65535.
func (s Server) Resolve(imap bool, field string) (Server, error) {
	if strings.TrimSpace(s.Host) == "" {
		return s, providerkit.Invalid(field+".Host", "empty")
	}
	if strings.ContainsAny(s.Host, " \t\r\n/@") {
		return s, providerkit.Invalid(field+".Host", fmt.Sprintf("%q is not a host name", s.Host))
	}
	if s.Port < 0 || s.Port > 65535 {
		return s, providerkit.Invalid(field+".Port", fmt.Sprintf("%d is not a port from 1 to 65535", s.Port))
	}
	if s.Security != inferSecurity && s.Security != TLS && s.Security != STARTTLS {
		return s, providerkit.Invalid(field+".Security", s.Security.String()+" is not tls or starttls")
	}
	switch {
	case s.Port == 0 && s.Security == inferSecurity:
		s.Security = TLS
		s.Port = PortSMTPS
		if imap {
			s.Port = PortIMAPS
		}
	case s.Port == 0 && s.Security == TLS:
		s.Port = PortSMTPS
		if imap {
			s.Port = PortIMAPS
		}
	case s.Port == 0 && s.Security == STARTTLS:
		s.Port = PortSMTPSubmission
		if imap {
			s.Port = PortIMAP
		}
	case s.Security == inferSecurity:
		s.Security = SecurityForPort(s.Port)
	}
	return s, nil
}

// SecurityForPort infers the security of a port: TLS for 465 and 993,
// STARTTLS for everything else (587, 25, 143 and unknown ports).
func SecurityForPort(port int) Security {
	if port == PortSMTPS || port == PortIMAPS {
		return TLS
	}
	return STARTTLS
}

// ParsePort reads a port number given as text, as from a form or
// an autoconfig file: a decimal number from 1 to 65535.
func ParsePort(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 5 {
		return 0, providerkit.Invalid("Port", fmt.Sprintf("%q is not a port from 1 to 65535", s))
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, providerkit.Invalid("Port", fmt.Sprintf("%q is not a port from 1 to 65535", s))
		}
		n = n*10 + int(c-'0')
	}
	if n < 1 || n > 65535 {
		return 0, providerkit.Invalid("Port", fmt.Sprintf("%q is not a port from 1 to 65535", s))
	}
	return n, nil
}
