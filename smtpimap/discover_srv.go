package smtpimap

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// srv reads RFC 6186 SRV records: _submissions (implicit TLS, RFC 8314)
// and _submission (STARTTLS) for SMTP, _imaps and _imap for IMAP, and
// _pop3s and _pop3 for POP3 when the domain publishes no IMAP. The
// login name is the full address (RFC 6186 §4).
func (d *discoverer) srv(ctx context.Context, a discoverAddress) (*Settings, error) {
	smtp, err := d.srvPair(ctx, "submissions", "submission", a.domain, false, "SMTP")
	if err != nil {
		return nil, err
	}
	s := &Settings{SMTP: smtp, Username: a.email}
	if imap, err := d.srvPair(ctx, "imaps", "imap", a.domain, true, "IMAP"); err == nil {
		s.IMAP = &imap
	} else if pop3, err := d.srvPair(ctx, "pop3s", "pop3", a.domain, true, "POP3"); err == nil {
		// RFC 6186 §3.3: _pop3s (implicit TLS) and _pop3 (STLS); every
		// record names its port, so IMAP's port defaults never apply.
		s.POP3 = &pop3
	}
	return s, nil
}

// srvCandidate is one SRV target with the security its service implies.
type srvCandidate struct {
	host             string
	port             int
	priority, weight uint16
	sec              Security
}

// srvPair looks up the implicit-TLS and the STARTTLS service for a domain
// and returns the best target of both. Records are ordered by priority
// across the two services (RFC 6186 §3.4), implicit TLS first on a tie
// (RFC 8314 §5.1), then by weight, highest first. A target of "." means
// the service is not offered (RFC 2782); such records, records with port
// 0 and targets that are not host names are skipped.
func (d *discoverer) srvPair(ctx context.Context, tlsService, starttlsService, domain string, imap bool, field string) (Server, error) {
	var cands []srvCandidate
	var failed stepErrors
	for _, svc := range []struct {
		name string
		sec  Security
	}{{tlsService, TLS}, {starttlsService, STARTTLS}} {
		// A resolver may return the valid records together with an error
		// about the others (net.Resolver does): use what is valid.
		_, addrs, err := d.resolver.LookupSRV(ctx, svc.name, "tcp", domain)
		if err != nil {
			failed = append(failed, fmt.Errorf("_%s._tcp.%s: %w", svc.name, domain, err))
		}
		for _, r := range addrs {
			if r == nil || r.Port == 0 {
				continue
			}
			host := cleanHostname(r.Target)
			if host == "" {
				continue
			}
			cands = append(cands, srvCandidate{host: host, port: int(r.Port), priority: r.Priority, weight: r.Weight, sec: svc.sec})
		}
	}
	slices.SortStableFunc(cands, func(x, y srvCandidate) int {
		if c := cmp.Compare(x.priority, y.priority); c != 0 {
			return c
		}
		if x.sec != y.sec {
			if x.sec == TLS {
				return -1
			}
			return 1
		}
		return cmp.Compare(y.weight, x.weight)
	})
	for _, c := range cands {
		if s, err := (Server{Host: c.host, Port: c.port, Security: c.sec}).Resolve(imap, field); err == nil {
			return s, nil
		}
	}
	if len(failed) > 0 {
		return Server{}, fmt.Errorf("no usable _%s or _%s record: %w", tlsService, starttlsService, failed)
	}
	return Server{}, fmt.Errorf("no usable _%s or _%s record", tlsService, starttlsService)
}
