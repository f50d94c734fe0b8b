package smtpimap

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
)

// ErrPrivateServer is why Discover refuses settings (or an autoconfig
// fetch, or a redirect) that point into a private network: loopback,
// private (RFC 1918, RFC 4193), shared (RFC 6598), link-local, multicast
// or unspecified addresses. A host that wants them (a self-hosted mail
// server on its own network) sets DiscoverOptions.AllowPrivate.
var ErrPrivateServer = errors.New("smtpimap: discover: server is in a private network")

// HostResolver is the optional part of a Resolver that Discover uses to
// see where a host name points before it trusts it; *net.Resolver has it.
// A Resolver without it has host names resolved by net.DefaultResolver.
type HostResolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// publicAddr reports whether a is an address on the public internet (for
// this check: not one of the ranges ErrPrivateServer lists).
func publicAddr(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return false
	}
	if a.Is4() {
		b := a.As4()
		switch {
		case b[0] == 0: // "this network", RFC 791
			return false
		case b[0] == 100 && b[1]&0xc0 == 64: // shared address space, RFC 6598
			return false
		case b[0] >= 240: // reserved and broadcast
			return false
		}
	}
	return true
}

// checkHost refuses host when it is, or resolves to, an address that is
// not public, or cannot be resolved at all (its addresses cannot be
// checked).
func (d *discoverer) checkHost(ctx context.Context, host string) error {
	if d.allowPrivate {
		return nil
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		if !publicAddr(ip) {
			return fmt.Errorf("%w: %s", ErrPrivateServer, ip)
		}
		return nil
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return fmt.Errorf("%w: %s", ErrPrivateServer, host)
	}
	addrs, err := d.hosts.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return fmt.Errorf("smtpimap: discover: cannot check where %s points: %w", host, err)
	}
	if len(addrs) == 0 {
		return fmt.Errorf("smtpimap: discover: %s has no address", host)
	}
	for _, a := range addrs {
		if !publicAddr(a) {
			return fmt.Errorf("%w: %s resolves to %s", ErrPrivateServer, host, a.Unmap())
		}
	}
	return nil
}

// checkSettings refuses settings naming a server checkHost refuses.
func (d *discoverer) checkSettings(ctx context.Context, s *Settings) error {
	servers := []*Server{&s.SMTP, s.IMAP, s.POP3}
	for _, srv := range servers {
		if srv == nil {
			continue
		}
		if err := d.checkHost(ctx, srv.Host); err != nil {
			return err
		}
	}
	return nil
}

// guardClient makes c check the host of every redirect target as it
// checks the first URL (see checkHost). When the host gave no client, the
// default one also refuses, at dial time, any connection to an address
// that is not public, so a name that resolves differently a moment later
// (DNS rebinding) gets no further.
func (d *discoverer) guardClient(c *http.Client, own bool) {
	if d.allowPrivate {
		return
	}
	next := c.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := d.checkHost(req.Context(), req.URL.Hostname()); err != nil {
			return fmt.Errorf("smtpimap: refusing redirect to %s: %w", redactQuery(req.URL.String()), err)
		}
		return next(req, via)
	}
	if own {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		dialer := &net.Dialer{Control: refusePrivate}
		tr.DialContext = dialer.DialContext
		c.Transport = tr
	}
}

// refusePrivate is a net.Dialer Control hook that refuses addresses that
// are not public.
func refusePrivate(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrPrivateServer, address)
	}
	if !publicAddr(ap.Addr()) {
		return fmt.Errorf("%w: %s", ErrPrivateServer, ap.Addr().Unmap())
	}
	return nil
}
