package smtpimap

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"golang.org/x/net/html/charset"
)

// This file reads Mozilla autoconfig documents (clientConfig version 1.1,
// the format of the Thunderbird ISPDB and of autoconfig.<domain>): see
// https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat.

// autoconfig fetches one autoconfig document and picks its settings.
func (d *discoverer) autoconfig(ctx context.Context, rawURL string, a discoverAddress) (*Settings, error) {
	body, err := d.fetch(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	return parseAutoconfig(body, a)
}

// fetch GETs rawURL and returns a body of at most maxConfigBytes.
func (d *discoverer) fetch(ctx context.Context, rawURL string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	if err := d.checkHost(ctx, req.URL.Hostname()); err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/xml, text/xml;q=0.9, */*;q=0.1")
	resp, err := d.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("smtpimap: GET %s: %s", redactQuery(rawURL), resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxConfigBytes+1))
	if err != nil {
		return nil, fmt.Errorf("smtpimap: GET %s: %w", redactQuery(rawURL), err)
	}
	if len(body) > maxConfigBytes {
		return nil, fmt.Errorf("smtpimap: GET %s: document larger than %d bytes", redactQuery(rawURL), maxConfigBytes)
	}
	return body, nil
}

// redactQuery drops the query (which carries the address) from a URL for
// error messages.
func redactQuery(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i]
	}
	return u
}

// httpsOnlyClient returns a copy of c (or a default client) that refuses
// redirects to anything but https, then applies c's own redirect policy
// (or the default limit of 10 redirects).
func httpsOnlyClient(c *http.Client) *http.Client {
	var cp http.Client
	if c != nil {
		cp = *c
	}
	next := cp.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != "https" {
			return fmt.Errorf("smtpimap: refusing redirect to %s URL %s", req.URL.Scheme, redactQuery(req.URL.String()))
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("smtpimap: stopped after 10 redirects")
		}
		return nil
	}
	return &cp
}

// clientConfigXML is the part of a clientConfig document Discover reads.
type clientConfigXML struct {
	XMLName   xml.Name           `xml:"clientConfig"`
	Providers []emailProviderXML `xml:"emailProvider"`
}

type emailProviderXML struct {
	ID       string      `xml:"id,attr"`
	Incoming []serverXML `xml:"incomingServer"`
	Outgoing []serverXML `xml:"outgoingServer"`
}

type serverXML struct {
	Type           string   `xml:"type,attr"`
	Hostname       string   `xml:"hostname"`
	Port           string   `xml:"port"`
	SocketType     string   `xml:"socketType"`
	Username       string   `xml:"username"`
	Authentication []string `xml:"authentication"`
}

// parseAutoconfig decodes a clientConfig document and picks, in document
// order, the first usable outgoing "smtp" server and the first usable
// incoming "imap" server, or, when there is none, "pop3" server. Usable means TLS ("SSL") or STARTTLS, a valid
// host name after placeholder expansion, a port from 1 to 65535 (or none,
// to infer it) and a password or OAuth2 login (or no authentication
// named). A document without a usable SMTP server is an error.
func parseAutoconfig(data []byte, a discoverAddress) (*Settings, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = charset.NewReaderLabel
	var cfg clientConfigXML
	if err := dec.Decode(&cfg); err != nil {
		return nil, fmt.Errorf("smtpimap: autoconfig: %w", err)
	}
	var s Settings
	var pop3 *Server
	var smtpUser, imapUser, pop3User string
	var smtpErr error
	found := false
	for _, p := range cfg.Providers {
		for _, x := range p.Outgoing {
			if found || !strings.EqualFold(strings.TrimSpace(x.Type), "smtp") {
				continue
			}
			srv, err := x.server(false, "SMTP", a)
			if err != nil {
				smtpErr = err
				continue
			}
			s.SMTP, smtpUser, found = srv, x.Username, true
		}
		for _, x := range p.Incoming {
			if s.IMAP != nil || !strings.EqualFold(strings.TrimSpace(x.Type), "imap") {
				continue
			}
			if srv, err := x.server(true, "IMAP", a); err == nil {
				s.IMAP, imapUser = &srv, x.Username
			}
		}
		if pop3 == nil {
			pop3, pop3User = firstPOP3(p.Incoming, a)
		}
	}
	if s.IMAP == nil && pop3 != nil {
		s.POP3, imapUser = pop3, pop3User
	}
	if !found {
		if smtpErr != nil {
			return nil, fmt.Errorf("smtpimap: autoconfig: %w (last entry: %w)", errNoSMTP, smtpErr)
		}
		return nil, fmt.Errorf("smtpimap: autoconfig: %w", errNoSMTP)
	}
	s.Username = expandUsername(smtpUser, a)
	if strings.TrimSpace(smtpUser) == "" && strings.TrimSpace(imapUser) != "" {
		s.Username = expandUsername(imapUser, a)
	}
	return &s, nil
}

// server checks one entry and returns it resolved.
func (x serverXML) server(imap bool, field string, a discoverAddress) (Server, error) {
	var sec Security
	switch st := strings.ToUpper(strings.TrimSpace(x.SocketType)); st {
	case "SSL", "TLS":
		sec = TLS
	case "STARTTLS":
		sec = STARTTLS
	default:
		return Server{}, fmt.Errorf("socketType %q is not SSL or STARTTLS", st)
	}
	if !supportedAuth(x.Authentication) {
		return Server{}, fmt.Errorf("authentication %q is not password or OAuth2", x.Authentication)
	}
	h, _ := expandPlaceholders(x.Hostname, a.local, a.domain, a.email)
	host := cleanHostname(h)
	if host == "" {
		return Server{}, fmt.Errorf("hostname %q is not a host name", x.Hostname)
	}
	port := 0
	if p := strings.TrimSpace(x.Port); p != "" {
		var err error
		if port, err = ParsePort(p); err != nil {
			return Server{}, err
		}
	}
	return Server{Host: host, Port: port, Security: sec}.Resolve(imap, field)
}

// supportedAuth reports whether one of the named methods is one we speak:
// a password (PLAIN/LOGIN under TLS) or OAuth2 (XOAUTH2). No method named
// means a password. "plain" and "secure" are the Thunderbird 2 names.
func supportedAuth(methods []string) bool {
	if len(methods) == 0 {
		return true
	}
	for _, m := range methods {
		switch strings.ToLower(strings.TrimSpace(m)) {
		case "password-cleartext", "password-encrypted", "plain", "secure", "oauth2":
			return true
		}
	}
	return false
}

// expandUsername expands a username template; an empty template, or one
// with a placeholder we do not know (such as %REALNAME%), means the full
// address.
func expandUsername(tmpl string, a discoverAddress) string {
	u, unknown := expandPlaceholders(tmpl, a.local, a.udom, a.email)
	u = strings.TrimSpace(u)
	if u == "" || unknown {
		return a.email
	}
	return u
}

// expandPlaceholders replaces %EMAILLOCALPART%, %EMAILDOMAIN% and
// %EMAILADDRESS% (case-insensitively, as Thunderbird does). unknown
// reports another %WORD% of letters, which is left as it is.
func expandPlaceholders(s, local, domain, email string) (out string, unknown bool) {
	if !strings.Contains(s, "%") {
		return s, false
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '%')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i+1:], '%')
		if j < 0 {
			break
		}
		word := s[i+1 : i+1+j]
		var v string
		switch strings.ToUpper(word) {
		case "EMAILLOCALPART":
			v = local
		case "EMAILDOMAIN":
			v = domain
		case "EMAILADDRESS":
			v = email
		default:
			if word != "" && strings.Trim(word, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == "" {
				unknown = true
			}
			// Keep the first '%' and look again from the second.
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		b.WriteString(s[:i])
		b.WriteString(v)
		s = s[i+2+j:]
	}
	b.WriteString(s)
	return b.String(), unknown
}
