package smtpimap

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
)

// mxHint maps the MX host names of a mail host to its published
// submission and IMAP servers.
type mxHint struct {
	mx       string // MX host name, or the domain its MX hosts are under
	provider string
	smtp     Server
	imap     Server
}

// mxHints lists the known mail hosts by the MX names they publish, with
// the client settings from their own help pages:
//   - Google Workspace: MX smtp.google.com, aspmx.l.google.com,
//     alt*.aspmx.l.google.com, aspmx*.googlemail.com; smtp.gmail.com:465,
//     imap.gmail.com:993.
//   - Microsoft 365: MX <tenant>.mail.protection.outlook.com;
//     smtp.office365.com:587 STARTTLS, outlook.office365.com:993.
//     Outlook.com (consumer): MX *.olc.protection.outlook.com;
//     smtp-mail.outlook.com:587 STARTTLS, outlook.office365.com:993.
//   - Zoho Mail (custom domains, by data centre): MX mx*.zoho.<region>;
//     smtppro.zoho.<region>:465, imappro.zoho.<region>:993.
//   - Fastmail: MX in*-smtp.messagingengine.com; smtp.fastmail.com:465,
//     imap.fastmail.com:993.
//   - Yahoo: MX *.yahoodns.net; smtp.mail.yahoo.com:465,
//     imap.mail.yahoo.com:993.
//   - iCloud Mail: MX mx0*.mail.icloud.com; smtp.mail.me.com:587
//     STARTTLS, imap.mail.me.com:993.
//
// More specific names come first. It returns a new slice each call.
func mxHints() []mxHint {
	tls := func(host string, port int) Server { return Server{Host: host, Port: port, Security: TLS} }
	starttls := func(host string) Server { return Server{Host: host, Port: PortSMTPSubmission, Security: STARTTLS} }
	return []mxHint{
		{"google.com", "google", tls("smtp.gmail.com", PortSMTPS), tls("imap.gmail.com", PortIMAPS)},
		{"googlemail.com", "google", tls("smtp.gmail.com", PortSMTPS), tls("imap.gmail.com", PortIMAPS)},
		{"olc.protection.outlook.com", "microsoft", starttls("smtp-mail.outlook.com"), tls("outlook.office365.com", PortIMAPS)},
		{"mail.protection.outlook.com", "microsoft", starttls("smtp.office365.com"), tls("outlook.office365.com", PortIMAPS)},
		{"zoho.com", "zoho", tls("smtppro.zoho.com", PortSMTPS), tls("imappro.zoho.com", PortIMAPS)},
		{"zoho.eu", "zoho", tls("smtppro.zoho.eu", PortSMTPS), tls("imappro.zoho.eu", PortIMAPS)},
		{"zoho.in", "zoho", tls("smtppro.zoho.in", PortSMTPS), tls("imappro.zoho.in", PortIMAPS)},
		{"zoho.com.au", "zoho", tls("smtppro.zoho.com.au", PortSMTPS), tls("imappro.zoho.com.au", PortIMAPS)},
		{"messagingengine.com", "fastmail", tls("smtp.fastmail.com", PortSMTPS), tls("imap.fastmail.com", PortIMAPS)},
		{"yahoodns.net", "yahoo", tls("smtp.mail.yahoo.com", PortSMTPS), tls("imap.mail.yahoo.com", PortIMAPS)},
		{"mail.icloud.com", "icloud", starttls("smtp.mail.me.com"), tls("imap.mail.me.com", PortIMAPS)},
	}
}

// underDomain reports whether host is domain or a name under it.
func underDomain(host, domain string) bool {
	return host == domain || strings.HasSuffix(host, "."+domain)
}

// mx looks up the domain's MX records and, taking them by preference,
// returns the settings of the first known mail host they point at. The
// login name is the full address.
func (d *discoverer) mx(ctx context.Context, a discoverAddress) (*Settings, error) {
	mxs, err := d.resolver.LookupMX(ctx, a.domain)
	if err != nil && len(mxs) == 0 {
		return nil, err
	}
	mxs = slices.DeleteFunc(slices.Clone(mxs), func(m *net.MX) bool { return m == nil })
	slices.SortStableFunc(mxs, func(x, y *net.MX) int { return cmp.Compare(x.Pref, y.Pref) })
	hints := mxHints()
	for _, m := range mxs {
		host := cleanHostname(m.Host) // a null MX (RFC 7505) "." gives ""
		if host == "" {
			continue
		}
		for _, h := range hints {
			if underDomain(host, h.mx) {
				imap := h.imap
				return &Settings{SMTP: h.smtp, IMAP: &imap, Username: a.email, Provider: h.provider}, nil
			}
		}
	}
	if len(mxs) == 0 {
		return nil, errors.New("no MX records")
	}
	return nil, fmt.Errorf("MX %s is not a known mail host", strings.TrimSuffix(mxs[0].Host, "."))
}

// providerForHost names the known mail host that serves host (an SMTP
// server name from any source), or "".
func providerForHost(host string) string {
	for _, p := range []struct{ domain, provider string }{
		{"gmail.com", "google"}, {"googlemail.com", "google"}, {"google.com", "google"},
		{"office365.com", "microsoft"}, {"outlook.com", "microsoft"}, {"hotmail.com", "microsoft"},
		{"live.com", "microsoft"},
		{"zoho.com", "zoho"}, {"zoho.eu", "zoho"}, {"zoho.in", "zoho"}, {"zoho.com.au", "zoho"},
		{"fastmail.com", "fastmail"}, {"messagingengine.com", "fastmail"},
		{"yahoo.com", "yahoo"},
		{"mail.me.com", "icloud"}, {"icloud.com", "icloud"},
	} {
		if underDomain(host, p.domain) {
			return p.provider
		}
	}
	return ""
}
