package smtpimap

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
	"golang.org/x/net/idna"
)

// Settings are the server settings Discover found for an address, ready to
// copy into a Config. Servers are resolved (host, port and security all
// set) and never plaintext: entries that offer only an unencrypted
// connection are dropped.
type Settings struct {
	// SMTP is the outgoing (submission) server.
	SMTP Server
	// IMAP is the incoming server; nil when the source named none.
	IMAP *Server
	// POP3 is the incoming POP3 server, set only when the source names no
	// usable IMAP server but a POP3 one (autoconfig incomingServer
	// type="pop3", SRV _pop3s/_pop3): copy it into Config.POP3.
	POP3 *Server
	// Username is the login name, with the autoconfig placeholders
	// %EMAILADDRESS%, %EMAILLOCALPART% and %EMAILDOMAIN% expanded. It is
	// the full address when the source says nothing.
	Username string
	// Source says where the settings came from: "autoconfig" (the domain's
	// autoconfig host), "well-known" (the domain's /.well-known path),
	// "ispdb" (the Thunderbird ISPDB), "srv" (RFC 6186 SRV records) or
	// "mx" (the MX records point at a known provider).
	Source string
	// Provider names the mail host when it is a known one: "google",
	// "microsoft", "zoho", "fastmail", "yahoo" or "icloud"; empty otherwise.
	Provider string
	// PreferOAuth is true when the mailbox is at Google or Microsoft: the
	// user should connect it with the Gmail or Outlook OAuth flow instead
	// of a password (both restrict or disable password logins).
	PreferOAuth bool
}

// The Settings.Source values.
const (
	SourceAutoconfig = "autoconfig"
	SourceWellKnown  = "well-known"
	SourceISPDB      = "ispdb"
	SourceSRV        = "srv"
	SourceMX         = "mx"
)

// Resolver answers the DNS questions Discover asks. *net.Resolver
// satisfies it; tests pass a fake.
type Resolver interface {
	LookupSRV(ctx context.Context, service, proto, name string) (cname string, addrs []*net.SRV, err error)
	LookupMX(ctx context.Context, name string) ([]*net.MX, error)
}

// DefaultISPDBURL is the Thunderbird ISPDB; the domain is appended to it.
const DefaultISPDBURL = "https://autoconfig.thunderbird.net/v1.1/"

// DefaultDiscoverTimeout bounds each step of Discover when
// DiscoverOptions.Timeout is zero.
const DefaultDiscoverTimeout = 10 * time.Second

// maxConfigBytes caps an autoconfig document; real ones are a few KiB.
const maxConfigBytes = 1 << 20

// DiscoverOptions adjusts Discover. The zero value (or nil) uses the real
// network with the defaults below.
type DiscoverOptions struct {
	// HTTPClient fetches autoconfig documents; nil uses a client over
	// http.DefaultTransport. Discover works on a copy whose redirect
	// policy also refuses any redirect to a non-https URL.
	HTTPClient *http.Client
	// Resolver answers SRV and MX queries; nil uses net.DefaultResolver.
	Resolver Resolver
	// ISPDBURL is the ISPDB base URL, which must be https; empty means
	// DefaultISPDBURL. The domain is appended to it: the ISPDB learns the
	// domain, never the address (only the domain's own autoconfig host is
	// told the address, as Thunderbird does).
	ISPDBURL string
	// Timeout bounds each step (each HTTP fetch, each group of DNS
	// queries); zero means DefaultDiscoverTimeout. The ctx given to
	// Discover bounds the whole search.
	Timeout time.Duration
	// AllowPrivate lets Discover fetch from, and return servers in,
	// private networks (see ErrPrivateServer). Off, a step whose document
	// or records name such a server, or whose fetch or redirect leads
	// into one, is skipped; host names are resolved with the Resolver
	// (when it is a HostResolver) to check. Leave it off unless the
	// address being set up is on the host's own network: Discover takes
	// its input from the address's domain, which anyone can control.
	AllowPrivate bool
}

// Discover finds the SMTP (and IMAP, or else POP3) settings for an email
// address. It
// tries, in order, and returns the first that yields a usable SMTP server:
//
//  1. the domain's autoconfig file,
//     https://autoconfig.<domain>/mail/config-v1.1.xml?emailaddress=<email>
//  2. https://<domain>/.well-known/autoconfig/mail/config-v1.1.xml
//  3. the ISPDB, <ISPDBURL><domain>
//  4. RFC 6186 SRV records (_submissions, _submission, _imaps, _imap;
//     RFC 8314 for _submissions), and _pop3s, _pop3 when there is no IMAP
//  5. the domain's MX records, when they point at a known provider
//     (Google, Microsoft, Zoho, Fastmail, Yahoo, iCloud).
//
// The files use the Mozilla autoconfig format (clientConfig version 1.1).
// Only https is fetched and only TLS or STARTTLS entries are accepted.
// A step that fails (an HTTP error, a malformed or oversized document, a
// timeout, NXDOMAIN) falls through to the next.
//
// Settings from DNS (SRV, MX) are only as trustworthy as the resolver:
// without DNSSEC an attacker on the path can name another host (RFC 6186
// §6). The TLS certificate is still checked against the named host, so
// such an attacker cannot impersonate a server, but a host may want the
// user to confirm a server outside the address's own domain.
//
// Discover is not a way into the host's network: unless
// DiscoverOptions.AllowPrivate is set, it fetches no document from, follows
// no redirect to, and returns no server at a loopback, private, link-local
// or unspecified address (ErrPrivateServer), resolving host names through
// the Resolver to check. Config.Dialer then applies the host's own egress
// policy to every connection the Provider makes.
//
// # Errors
//
// An address that is not a plain local@domain is provider.ErrInvalid.
// When no step finds anything the error matches provider.ErrNotFound and
// says why each step failed. When ctx ends the error wraps ctx.Err().
func Discover(ctx context.Context, email string, opts *DiscoverOptions) (*Settings, error) {
	addr, err := parseDiscoverAddress(email)
	if err != nil {
		return nil, err
	}
	d, err := newDiscoverer(opts)
	if err != nil {
		return nil, err
	}
	steps := []struct {
		source string
		run    func(ctx context.Context) (*Settings, error)
	}{
		{SourceAutoconfig, func(ctx context.Context) (*Settings, error) {
			u := "https://autoconfig." + addr.domain + "/mail/config-v1.1.xml?emailaddress=" + url.QueryEscape(addr.email)
			return d.autoconfig(ctx, u, addr)
		}},
		{SourceWellKnown, func(ctx context.Context) (*Settings, error) {
			return d.autoconfig(ctx, "https://"+addr.domain+"/.well-known/autoconfig/mail/config-v1.1.xml", addr)
		}},
		{SourceISPDB, func(ctx context.Context) (*Settings, error) {
			return d.autoconfig(ctx, d.ispdbURL+addr.domain, addr)
		}},
		{SourceSRV, func(ctx context.Context) (*Settings, error) { return d.srv(ctx, addr) }},
		{SourceMX, func(ctx context.Context) (*Settings, error) { return d.mx(ctx, addr) }},
	}
	var failed stepErrors
	for _, st := range steps {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("smtpimap: discover: %w", err)
		}
		sctx, cancel := context.WithTimeout(ctx, d.timeout)
		s, err := st.run(sctx)
		if err == nil {
			err = d.checkSettings(sctx, s) // #12 item 9
		}
		cancel()
		if err == nil {
			s.Source = st.source
			if s.Provider == "" {
				s.Provider = providerForHost(s.SMTP.Host)
			}
			s.PreferOAuth = s.Provider == "google" || s.Provider == "microsoft"
			return s, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("smtpimap: discover: %w", ctx.Err())
		}
		failed = append(failed, fmt.Errorf("%s: %w", st.source, err))
	}
	return nil, &provider.Error{Op: "discover", Provider: provider.KindSMTPIMAP, Code: provider.ErrNotFound, Err: failed}
}

// stepErrors lists why each step found nothing, on one line.
type stepErrors []error

func (e stepErrors) Error() string {
	msgs := make([]string, len(e))
	for i, err := range e {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "; ")
}

func (e stepErrors) Unwrap() []error { return e }

// discoverer holds one Discover call's resolved options.
type discoverer struct {
	client   *http.Client
	resolver Resolver
	ispdbURL string
	timeout  time.Duration

	hosts        HostResolver // resolves server names for checkHost
	allowPrivate bool
}

func newDiscoverer(opts *DiscoverOptions) (*discoverer, error) {
	if opts == nil {
		opts = &DiscoverOptions{}
	}
	d := &discoverer{
		client:       httpsOnlyClient(opts.HTTPClient),
		resolver:     opts.Resolver,
		ispdbURL:     opts.ISPDBURL,
		timeout:      opts.Timeout,
		allowPrivate: opts.AllowPrivate,
	}
	if d.resolver == nil {
		d.resolver = net.DefaultResolver
	}
	d.hosts = net.DefaultResolver
	if hr, ok := d.resolver.(HostResolver); ok {
		d.hosts = hr
	}
	d.guardClient(d.client, opts.HTTPClient == nil)
	if d.ispdbURL == "" {
		d.ispdbURL = DefaultISPDBURL
	}
	if u, err := url.Parse(d.ispdbURL); err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, discoverInvalid("ISPDBURL", fmt.Sprintf("%q is not an https URL", d.ispdbURL))
	}
	if !strings.HasSuffix(d.ispdbURL, "/") {
		d.ispdbURL += "/"
	}
	if d.timeout <= 0 {
		d.timeout = DefaultDiscoverTimeout
	}
	return d, nil
}

// discoverAddress is a checked address split for the placeholders.
type discoverAddress struct {
	email  string // as given (trimmed)
	local  string // the local part
	domain string // ASCII (punycode), lower case: for DNS and URLs
	udom   string // the domain as given, lower case: for usernames
}

// parseDiscoverAddress accepts a bare addr-spec (no display name) whose
// domain is a DNS name with at least two labels.
func parseDiscoverAddress(s string) (discoverAddress, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return discoverAddress{}, discoverInvalid("email", "empty")
	}
	if len(s) > 254 || strings.ContainsAny(s, "\r\n\t <>") {
		return discoverAddress{}, discoverInvalid("email", fmt.Sprintf("%q is not an email address", s))
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return discoverAddress{}, discoverInvalid("email", fmt.Sprintf("%q is not an email address", s))
	}
	at := strings.LastIndexByte(s, '@')
	local, udom := s[:at], strings.ToLower(s[at+1:])
	domain, err := idna.Lookup.ToASCII(udom)
	if err != nil || !validHostname(domain) || !strings.Contains(domain, ".") {
		return discoverAddress{}, discoverInvalid("email", fmt.Sprintf("%q has no valid domain", s))
	}
	return discoverAddress{email: s, local: local, domain: domain, udom: udom}, nil
}

// validHostname reports whether h is a lower-case ASCII DNS host name:
// labels of letters, digits and inner hyphens, 1–63 bytes each, at most
// 253 bytes in all, no trailing dot.
func validHostname(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for label := range strings.SplitSeq(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
				return false
			}
		}
	}
	return true
}

// cleanHostname lower-cases h and drops a trailing dot; it returns "" when
// the result is not a valid host name.
func cleanHostname(h string) string {
	h = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
	if !validHostname(h) {
		return ""
	}
	return h
}

func discoverInvalid(field, reason string) error {
	e := providerkit.Invalid(field, reason)
	e.Op = "discover"
	e.Provider = provider.KindSMTPIMAP
	return e
}

// errNoSMTP is a step's "nothing usable here".
var errNoSMTP = errors.New("no SMTP server offering TLS or STARTTLS")
