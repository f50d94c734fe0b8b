package smtpimap

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/provider"
)

// LookupNetIP makes discResolver a HostResolver: hosts in r.ips get those
// addresses, "nxdomain.example.com" none, every other a public one.
func (r *discResolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if addrs, ok := r.ips[host]; ok {
		return addrs, nil
	}
	if host == "nxdomain.example.com" {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return []netip.Addr{netip.MustParseAddr("93.184.215.14")}, nil
}

func (r *discResolver) setIP(host, addr string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ips == nil {
		r.ips = map[string][]netip.Addr{}
	}
	r.ips[host] = append(r.ips[host], netip.MustParseAddr(addr))
}

func autoconfigXML(smtpHost, imapHost string) string {
	return `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="example.com">
<incomingServer type="imap"><hostname>` + imapHost + `</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username></incomingServer>
<outgoingServer type="smtp"><hostname>` + smtpHost + `</hostname><port>465</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username></outgoingServer>
</emailProvider></clientConfig>`
}

// #12 item 9: settings from autoconfig, SRV or MX that point into a
// private network are refused (the step falls through), unless the host
// opts in with AllowPrivate.
func TestItem9_discoverRefusesPrivateServers(t *testing.T) {
	for _, tc := range []struct {
		name   string
		setup  func(e *discEnv)
		refuse bool
	}{
		{"public autoconfig", func(e *discEnv) {
			e.serveXML("autoconfig.example.com/mail/config-v1.1.xml", autoconfigXML("smtp.example.com", "imap.example.com"))
		}, false},
		{"autoconfig names a loopback literal", func(e *discEnv) {
			e.serveXML("autoconfig.example.com/mail/config-v1.1.xml", autoconfigXML("127.0.0.1", "imap.example.com"))
		}, true},
		{"autoconfig names localhost", func(e *discEnv) {
			e.serveXML("autoconfig.example.com/mail/config-v1.1.xml", autoconfigXML("smtp.example.com", "localhost"))
		}, true},
		{"autoconfig host resolves to a private address", func(e *discEnv) {
			e.res.setIP("smtp.example.com", "10.0.0.7")
			e.serveXML("autoconfig.example.com/mail/config-v1.1.xml", autoconfigXML("smtp.example.com", "imap.example.com"))
		}, true},
		{"autoconfig host resolves to link-local metadata", func(e *discEnv) {
			e.res.setIP("imap.example.com", "93.184.215.14")
			e.res.setIP("imap.example.com", "169.254.169.254")
			e.serveXML("autoconfig.example.com/mail/config-v1.1.xml", autoconfigXML("smtp.example.com", "imap.example.com"))
		}, true},
		{"autoconfig host resolves to IPv6 unique-local", func(e *discEnv) {
			e.res.setIP("smtp.example.com", "fd00::25")
			e.serveXML("autoconfig.example.com/mail/config-v1.1.xml", autoconfigXML("smtp.example.com", "imap.example.com"))
		}, true},
		{"autoconfig host does not resolve", func(e *discEnv) {
			e.serveXML("autoconfig.example.com/mail/config-v1.1.xml", autoconfigXML("nxdomain.example.com", "imap.example.com"))
		}, true},
		{"SRV target unspecified", func(e *discEnv) {
			e.res.setIP("mail.example.com", "0.0.0.0")
			e.res.srv["_submissions._tcp.example.com"] = []*net.SRV{{Target: "mail.example.com.", Port: 465}}
		}, true},
		{"MX names Google, resolving to loopback", func(e *discEnv) {
			e.res.setIP("smtp.gmail.com", "127.0.0.53")
			e.res.mx["example.com"] = []*net.MX{{Host: "aspmx.l.google.com.", Pref: 1}}
		}, true},
		{"the autoconfig host itself is private", func(e *discEnv) {
			e.res.setIP("autoconfig.example.com", "192.168.1.1")
			e.serveXML("autoconfig.example.com/mail/config-v1.1.xml", autoconfigXML("smtp.example.com", "imap.example.com"))
		}, true},
		{"redirect to a private host", func(e *discEnv) {
			e.res.setIP("ispdb.example.com", "172.16.0.9")
			e.handle("autoconfig.example.com/mail/config-v1.1.xml", func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "https://ispdb.example.com/v1.1/example.com", http.StatusFound)
			})
			e.serveXML("ispdb.example.com/v1.1/example.com", autoconfigXML("smtp.example.com", "imap.example.com"))
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, allow := range []bool{false, true} {
				e := newDiscEnv(t)
				tc.setup(e)
				opts := e.opts()
				opts.AllowPrivate = allow
				s, err := Discover(context.Background(), "jo@example.com", opts)
				refused := err != nil
				if refused && !errors.Is(err, provider.ErrNotFound) {
					t.Fatalf("allow=%v: Discover = %v; want ErrNotFound listing why", allow, err)
				}
				if want := tc.refuse && !allow; refused != want {
					t.Fatalf("allow=%v: Discover = %+v, %v; refused %v, want %v", allow, s, err, refused, want)
				}
				if refused && tc.name != "autoconfig host does not resolve" && !errors.Is(err, ErrPrivateServer) {
					t.Errorf("allow=%v: error %v does not match ErrPrivateServer", allow, err)
				}
				if tc.name == "redirect to a private host" && !allow {
					for _, hit := range e.requests() {
						if strings.HasPrefix(hit, "ispdb.example.com") {
							t.Errorf("the private redirect target was fetched: %v", e.requests())
						}
					}
				}
			}
		})
	}
}

func TestPublicAddr(t *testing.T) {
	for _, tc := range []struct {
		addr string
		want bool
	}{
		{"93.184.215.14", true}, {"2606:2800:21f:cb07:6820:80da:af6b:8b2c", true},
		{"127.0.0.1", false}, {"10.1.2.3", false}, {"172.31.255.255", false}, {"192.168.0.1", false},
		{"169.254.169.254", false}, {"0.0.0.0", false}, {"0.1.2.3", false}, {"100.64.0.1", false},
		{"255.255.255.255", false}, {"224.0.0.1", false}, {"::1", false}, {"::", false}, {"fe80::1", false},
		{"fd12::1", false}, {"::ffff:127.0.0.1", false}, {"::ffff:10.0.0.1", false},
	} {
		if got := publicAddr(netip.MustParseAddr(tc.addr)); got != tc.want {
			t.Errorf("publicAddr(%s) = %v; want %v", tc.addr, got, tc.want)
		}
	}
}
