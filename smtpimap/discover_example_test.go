package smtpimap_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/inboxkit/inboxkit/smtpimap"
)

// discoverWeb answers GET requests from documents keyed by host name and 404
// for everything else, so the examples run without a network.
type discoverWeb map[string]string

func (w discoverWeb) RoundTrip(req *http.Request) (*http.Response, error) {
	body, ok := w[req.URL.Hostname()]
	resp := &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Header: http.Header{}, Request: req,
		Body: io.NopCloser(strings.NewReader(body))}
	if !ok {
		resp.StatusCode, resp.Status = http.StatusNotFound, "404 Not Found"
	}
	return resp, nil
}

// discoverDNS answers MX queries from a map; every other name does not exist.
type discoverDNS map[string][]*net.MX

func (d discoverDNS) LookupSRV(_ context.Context, service, proto, name string) (string, []*net.SRV, error) {
	return "", nil, &net.DNSError{Err: "no such host", Name: "_" + service + "._" + proto + "." + name, IsNotFound: true}
}

func (d discoverDNS) LookupMX(_ context.Context, name string) ([]*net.MX, error) {
	if mx, ok := d[name]; ok {
		return mx, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

// LookupNetIP makes discoverDNS a smtpimap.HostResolver, which Discover
// asks where each server name points before it trusts it: here every
// name has a public (documentation) address.
func (d discoverDNS) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	return []netip.Addr{netip.MustParseAddr("192.0.2.10")}, nil
}

// A domain that publishes an autoconfig file at autoconfig.<domain>.
func ExampleDiscover() {
	web := discoverWeb{"autoconfig.example.org": `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.org">
    <incomingServer type="imap">
      <hostname>imap.%EMAILDOMAIN%</hostname>
      <port>993</port>
      <socketType>SSL</socketType>
      <username>%EMAILLOCALPART%</username>
      <authentication>password-cleartext</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.example.org</hostname>
      <port>25</port>
      <socketType>plain</socketType>
    </outgoingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.example.org</hostname>
      <port>587</port>
      <socketType>STARTTLS</socketType>
      <username>%EMAILLOCALPART%</username>
      <authentication>password-cleartext</authentication>
    </outgoingServer>
  </emailProvider>
</clientConfig>`}
	s, err := smtpimap.Discover(context.Background(), "jo@example.org", &smtpimap.DiscoverOptions{
		HTTPClient: &http.Client{Transport: web},
		Resolver:   discoverDNS{},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("source:", s.Source)
	fmt.Printf("smtp:   %s:%d %s\n", s.SMTP.Host, s.SMTP.Port, s.SMTP.Security)
	fmt.Printf("imap:   %s:%d %s\n", s.IMAP.Host, s.IMAP.Port, s.IMAP.Security)
	fmt.Println("login: ", s.Username)

	// The settings drop straight into a Config.
	cfg := smtpimap.Config{Email: "jo@example.org", Username: s.Username, SMTP: s.SMTP, IMAP: s.IMAP}
	fmt.Println("config:", cfg.SMTP.Host, cfg.IMAP.Host)
	// Output:
	// source: autoconfig
	// smtp:   smtp.example.org:587 starttls
	// imap:   imap.example.org:993 tls
	// login:  jo
	// config: smtp.example.org imap.example.org
}

// A Google Workspace domain: nothing published but its MX records, which
// point at Google, so the user should connect with Gmail OAuth.
func ExampleDiscover_mx() {
	s, err := smtpimap.Discover(context.Background(), "jo@example.com", &smtpimap.DiscoverOptions{
		HTTPClient: &http.Client{Transport: discoverWeb{}},
		Resolver:   discoverDNS{"example.com": {{Host: "aspmx.l.google.com.", Pref: 1}, {Host: "alt1.aspmx.l.google.com.", Pref: 5}}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("source:", s.Source)
	fmt.Printf("smtp:   %s:%d %s\n", s.SMTP.Host, s.SMTP.Port, s.SMTP.Security)
	fmt.Printf("imap:   %s:%d %s\n", s.IMAP.Host, s.IMAP.Port, s.IMAP.Security)
	if s.PreferOAuth {
		fmt.Printf("hosted by %s: connect with OAuth instead of a password\n", s.Provider)
	}
	// Output:
	// source: mx
	// smtp:   smtp.gmail.com:465 tls
	// imap:   imap.gmail.com:993 tls
	// hosted by google: connect with OAuth instead of a password
}
