package smtpimap

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/provider"
)

// discEnv is an offline world for Discover: one TLS test server answering
// for autoconfig.example.com, example.com and ispdb.example.com (the
// httptest certificate covers example.com and *.example.com), reached by
// a client whose dialer refuses every other host, and a fake resolver.
type discEnv struct {
	srv    *httptest.Server
	client *http.Client
	res    *discResolver

	mu     sync.Mutex
	routes map[string]http.HandlerFunc // "host/path"
	hits   []string
}

func newDiscEnv(t *testing.T) *discEnv {
	t.Helper()
	e := &discEnv{routes: map[string]http.HandlerFunc{}, res: newDiscResolver()}
	e.srv = httptest.NewTLSServer(http.HandlerFunc(e.serve))
	t.Cleanup(e.srv.Close)
	tr := e.srv.Client().Transport.(*http.Transport).Clone()
	addr := e.srv.Listener.Addr().String()
	tr.DialContext = func(ctx context.Context, network, a string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(a)
		if err != nil {
			return nil, err
		}
		switch host {
		case "autoconfig.example.com", "example.com", "ispdb.example.com":
		default:
			return nil, fmt.Errorf("test: no route to %s", a)
		}
		if port != "443" {
			return nil, fmt.Errorf("test: refusing port %s", port)
		}
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
	e.client = &http.Client{Transport: tr}
	return e
}

func (e *discEnv) handle(hostPath string, h http.HandlerFunc) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.routes[hostPath] = h
}

func (e *discEnv) serveXML(hostPath, body string) {
	e.handle(hostPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, body)
	})
}

func (e *discEnv) serve(w http.ResponseWriter, r *http.Request) {
	key := r.Host + r.URL.Path
	e.mu.Lock()
	e.hits = append(e.hits, key)
	h := e.routes[key]
	e.mu.Unlock()
	if h == nil {
		http.NotFound(w, r)
		return
	}
	h(w, r)
}

func (e *discEnv) requests() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.hits...)
}

func (e *discEnv) opts() *DiscoverOptions {
	return &DiscoverOptions{
		HTTPClient: e.client,
		Resolver:   e.res,
		ISPDBURL:   "https://ispdb.example.com/v1.1/",
		Timeout:    10 * time.Second, // generous: the machine is shared
	}
}

// discResolver is a fake Resolver: unknown names are NXDOMAIN.
type discResolver struct {
	mu    sync.Mutex
	srv   map[string][]*net.SRV // "_service._proto.name"
	mx    map[string][]*net.MX
	block bool // wait for ctx instead of answering
	calls []string
	ips   map[string][]netip.Addr // host addresses; unlisted hosts are public (see discover_public_test.go)
}

func newDiscResolver() *discResolver {
	return &discResolver{srv: map[string][]*net.SRV{}, mx: map[string][]*net.MX{}}
}

func (r *discResolver) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	key := "_" + service + "._" + proto + "." + name
	r.mu.Lock()
	r.calls = append(r.calls, "SRV "+key)
	recs, ok := r.srv[key]
	block := r.block
	r.mu.Unlock()
	if block {
		<-ctx.Done()
	}
	if err := ctx.Err(); err != nil {
		return "", nil, err
	}
	if !ok {
		return "", nil, &net.DNSError{Err: "no such host", Name: key, IsNotFound: true}
	}
	return key + ".", recs, nil
}

func (r *discResolver) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	r.mu.Lock()
	r.calls = append(r.calls, "MX "+name)
	recs, ok := r.mx[name]
	block := r.block
	r.mu.Unlock()
	if block {
		<-ctx.Done()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
	}
	return recs, nil
}

// discXML builds a clientConfig document from server elements.
func discXML(servers ...string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1"><emailProvider id="example.com"><domain>example.com</domain>` +
		strings.Join(servers, "") + `</emailProvider></clientConfig>`
}

// discServer builds one incomingServer/outgoingServer element; kind is
// "in" or "out".
func discServer(kind, typ, host, port, socket, user string) string {
	el := "outgoingServer"
	if kind == "in" {
		el = "incomingServer"
	}
	return fmt.Sprintf(`<%s type=%q><hostname>%s</hostname><port>%s</port><socketType>%s</socketType>`+
		`<username>%s</username><authentication>password-cleartext</authentication></%s>`,
		el, typ, host, port, socket, user, el)
}

const (
	discAutoconfigPath = "autoconfig.example.com/mail/config-v1.1.xml"
	discWellKnownPath  = "example.com/.well-known/autoconfig/mail/config-v1.1.xml"
	discISPDBPath      = "ispdb.example.com/v1.1/example.com"
)

// discGoodXML is a typical self-hosted document.
func discGoodXML() string {
	return discXML(
		discServer("in", "imap", "imap.%EMAILDOMAIN%", "993", "SSL", "%EMAILLOCALPART%"),
		discServer("out", "smtp", "smtp.example.com", "587", "STARTTLS", "%EMAILLOCALPART%"),
	)
}

// discGoodSettings is what discGoodXML means for jo@example.com.
func discGoodSettings() Settings {
	return Settings{
		SMTP:     Server{Host: "smtp.example.com", Port: 587, Security: STARTTLS},
		IMAP:     &Server{Host: "imap.example.com", Port: 993, Security: TLS},
		Username: "jo",
	}
}

func discWant(s Settings, source string) *Settings {
	s.Source = source
	return &s
}

func TestDiscover_autoconfig(t *testing.T) {
	e := newDiscEnv(t)
	var query string
	e.handle(discAutoconfigPath, func(w http.ResponseWriter, r *http.Request) {
		query = r.URL.Query().Get("emailaddress")
		fmt.Fprint(w, discGoodXML())
	})
	got, err := Discover(context.Background(), "jo@example.com", e.opts())
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	if want := discWant(discGoodSettings(), SourceAutoconfig); !reflect.DeepEqual(got, want) {
		t.Errorf("Discover = %+v; want %+v", got, want)
	}
	if query != "jo@example.com" {
		t.Errorf("emailaddress = %q; want %q", query, "jo@example.com")
	}
	if got := e.requests(); len(got) != 1 {
		t.Errorf("requests = %q; want only the autoconfig one", got)
	}
}

func TestDiscover_wellKnown(t *testing.T) {
	e := newDiscEnv(t)
	e.serveXML(discWellKnownPath, discGoodXML())
	got, err := Discover(context.Background(), "jo@example.com", e.opts())
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	if want := discWant(discGoodSettings(), SourceWellKnown); !reflect.DeepEqual(got, want) {
		t.Errorf("Discover = %+v; want %+v", got, want)
	}
}

func TestDiscover_ispdb(t *testing.T) {
	e := newDiscEnv(t)
	// The shape of the ISPDB's gmail.com entry: OAuth2 and password.
	e.serveXML(discISPDBPath, `<clientConfig version="1.1"><emailProvider id="googlemail.com">
	<incomingServer type="imap"><hostname>imap.gmail.com</hostname><port>993</port><socketType>SSL</socketType>
	<username>%EMAILADDRESS%</username><authentication>OAuth2</authentication><authentication>password-cleartext</authentication></incomingServer>
	<incomingServer type="pop3"><hostname>pop.gmail.com</hostname><port>995</port><socketType>SSL</socketType></incomingServer>
	<outgoingServer type="smtp"><hostname>smtp.gmail.com</hostname><port>465</port><socketType>SSL</socketType>
	<username>%EMAILADDRESS%</username><authentication>OAuth2</authentication><authentication>password-cleartext</authentication></outgoingServer>
	</emailProvider></clientConfig>`)
	got, err := Discover(context.Background(), "jo@example.com", e.opts())
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	want := &Settings{
		SMTP:        Server{Host: "smtp.gmail.com", Port: 465, Security: TLS},
		IMAP:        &Server{Host: "imap.gmail.com", Port: 993, Security: TLS},
		Username:    "jo@example.com",
		Source:      SourceISPDB,
		Provider:    "google",
		PreferOAuth: true,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Discover = %+v; want %+v", got, want)
	}
	wantHits := []string{discAutoconfigPath, discWellKnownPath, discISPDBPath}
	if hits := e.requests(); !reflect.DeepEqual(hits, wantHits) {
		t.Errorf("requests = %q; want %q", hits, wantHits)
	}
}

func TestDiscover_srv(t *testing.T) {
	e := newDiscEnv(t)
	e.res.srv["_submission._tcp.example.com"] = []*net.SRV{{Target: "mail.example.com.", Port: 587, Priority: 0, Weight: 1}}
	e.res.srv["_imaps._tcp.example.com"] = []*net.SRV{{Target: "mail.example.com.", Port: 993}}
	e.res.mx["example.com"] = []*net.MX{{Host: "aspmx.l.google.com.", Pref: 1}}
	got, err := Discover(context.Background(), "jo@example.com", e.opts())
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	want := &Settings{
		SMTP:     Server{Host: "mail.example.com", Port: 587, Security: STARTTLS},
		IMAP:     &Server{Host: "mail.example.com", Port: 993, Security: TLS},
		Username: "jo@example.com",
		Source:   SourceSRV,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Discover = %+v; want %+v", got, want)
	}
}

func TestDiscover_mx(t *testing.T) {
	tests := []struct {
		name     string
		mx       []*net.MX
		want     Settings
		wantPref bool
	}{
		{"google", []*net.MX{{Host: "alt1.aspmx.l.google.com.", Pref: 5}, {Host: "aspmx.l.google.com.", Pref: 1}},
			Settings{SMTP: Server{"smtp.gmail.com", 465, TLS}, IMAP: &Server{"imap.gmail.com", 993, TLS}, Provider: "google"}, true},
		{"google smtp.google.com", []*net.MX{{Host: "smtp.google.com.", Pref: 1}},
			Settings{SMTP: Server{"smtp.gmail.com", 465, TLS}, IMAP: &Server{"imap.gmail.com", 993, TLS}, Provider: "google"}, true},
		{"microsoft 365", []*net.MX{{Host: "example-com.mail.protection.outlook.com.", Pref: 0}},
			Settings{SMTP: Server{"smtp.office365.com", 587, STARTTLS}, IMAP: &Server{"outlook.office365.com", 993, TLS}, Provider: "microsoft"}, true},
		{"outlook.com", []*net.MX{{Host: "outlook-com.olc.protection.outlook.com.", Pref: 2}},
			Settings{SMTP: Server{"smtp-mail.outlook.com", 587, STARTTLS}, IMAP: &Server{"outlook.office365.com", 993, TLS}, Provider: "microsoft"}, true},
		{"zoho eu", []*net.MX{{Host: "mx.zoho.eu.", Pref: 10}, {Host: "mx2.zoho.eu.", Pref: 20}},
			Settings{SMTP: Server{"smtppro.zoho.eu", 465, TLS}, IMAP: &Server{"imappro.zoho.eu", 993, TLS}, Provider: "zoho"}, false},
		{"fastmail", []*net.MX{{Host: "in1-smtp.messagingengine.com.", Pref: 10}},
			Settings{SMTP: Server{"smtp.fastmail.com", 465, TLS}, IMAP: &Server{"imap.fastmail.com", 993, TLS}, Provider: "fastmail"}, false},
		{"yahoo", []*net.MX{{Host: "mta5.am0.yahoodns.net.", Pref: 1}},
			Settings{SMTP: Server{"smtp.mail.yahoo.com", 465, TLS}, IMAP: &Server{"imap.mail.yahoo.com", 993, TLS}, Provider: "yahoo"}, false},
		{"icloud", []*net.MX{{Host: "MX01.Mail.iCloud.com.", Pref: 10}},
			Settings{SMTP: Server{"smtp.mail.me.com", 587, STARTTLS}, IMAP: &Server{"imap.mail.me.com", 993, TLS}, Provider: "icloud"}, false},
		{"unknown first by preference, known second", []*net.MX{{Host: "aspmx.l.google.com.", Pref: 20}, {Host: "mx.example.net.", Pref: 10}},
			Settings{SMTP: Server{"smtp.gmail.com", 465, TLS}, IMAP: &Server{"imap.gmail.com", 993, TLS}, Provider: "google"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newDiscEnv(t)
			e.res.mx["example.com"] = tc.mx
			got, err := Discover(context.Background(), "jo@example.com", e.opts())
			if err != nil {
				t.Fatalf("Discover: %v", err)
			}
			want := tc.want
			want.Username, want.Source, want.PreferOAuth = "jo@example.com", SourceMX, tc.wantPref
			if !reflect.DeepEqual(got, &want) {
				t.Errorf("Discover = %+v (IMAP %+v); want %+v (IMAP %+v)", got, got.IMAP, want, want.IMAP)
			}
		})
	}
}

func TestDiscover_mxNotKnown(t *testing.T) {
	tests := []struct {
		name string
		mx   []*net.MX
	}{
		{"unknown host", []*net.MX{{Host: "mx.example.net.", Pref: 10}}},
		{"lookalike suffix", []*net.MX{{Host: "evilgoogle.com.", Pref: 10}}},
		{"null MX", []*net.MX{{Host: ".", Pref: 0}}},
		{"no records", []*net.MX{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newDiscEnv(t)
			e.res.mx["example.com"] = tc.mx
			got, err := Discover(context.Background(), "jo@example.com", e.opts())
			if !errors.Is(err, provider.ErrNotFound) {
				t.Fatalf("Discover = %+v, %v; want ErrNotFound", got, err)
			}
		})
	}
}

func TestDiscover_fallThrough(t *testing.T) {
	plainOnly := discXML(
		discServer("in", "imap", "imap.example.com", "143", "plain", "%EMAILADDRESS%"),
		discServer("out", "smtp", "smtp.example.com", "25", "plain", "%EMAILADDRESS%"),
	)
	tests := []struct {
		name       string
		handler    http.HandlerFunc
		wantSource string
		wantErr    string // why the autoconfig step fails on its own
	}{
		{"404", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, SourceWellKnown, "404 Not Found"},
		{"500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) }, SourceWellKnown, "500 Internal Server Error"},
		{"malformed XML", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<clientConfig><emailProvider>") }, SourceWellKnown, "unexpected EOF"},
		{"HTML page", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<html><body>parked</body></html>") }, SourceWellKnown, "expected element type <clientConfig>"},
		{"plain only", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, plainOnly) }, SourceWellKnown, `socketType "PLAIN"`},
		{"bad ports only", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, discXML(
				discServer("out", "smtp", "smtp.example.com", "0", "SSL", ""),
				discServer("out", "smtp", "smtp.example.com", "65536", "SSL", ""),
				discServer("out", "smtp", "smtp.example.com", "58x", "STARTTLS", ""),
			))
		}, SourceWellKnown, `"58x" is not a port`},
		{"too large", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, discGoodXML())
			fmt.Fprint(w, "<!--"+strings.Repeat("x", maxConfigBytes)+"-->")
		}, SourceWellKnown, "larger than 1048576 bytes"},
		{"redirect to http", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://example.com/plain.xml", http.StatusFound)
		}, SourceWellKnown, "refusing redirect to http URL"},
		{"redirect to https", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://ispdb.example.com/moved.xml", http.StatusMovedPermanently)
		}, SourceAutoconfig, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newDiscEnv(t)
			opts := e.opts()
			e.handle(discAutoconfigPath, tc.handler)
			e.serveXML(discWellKnownPath, discGoodXML())
			e.handle("ispdb.example.com/moved.xml", func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, discGoodXML())
			})
			got, err := Discover(context.Background(), "jo@example.com", opts)
			if err != nil {
				t.Fatalf("Discover: %v", err)
			}
			if want := discWant(discGoodSettings(), tc.wantSource); !reflect.DeepEqual(got, want) {
				t.Errorf("Discover = %+v; want %+v", got, want)
			}
			if tc.wantErr == "" {
				return
			}
			d, err := newDiscoverer(opts)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), opts.Timeout)
			defer cancel()
			a := discoverAddress{email: "jo@example.com", local: "jo", domain: "example.com", udom: "example.com"}
			_, err = d.autoconfig(ctx, "https://"+discAutoconfigPath, a)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("autoconfig step error = %v; want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

// TestDiscover_stepTimeout: a step that hangs is cut off by Timeout and
// the next steps still get their own time. The HTTP steps after the hung
// one may also time out on a loaded machine; the DNS step answers at once
// but refuses a context that has already expired.
func TestDiscover_stepTimeout(t *testing.T) {
	e := newDiscEnv(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) }) // runs before the server closes
	e.handle(discAutoconfigPath, func(w http.ResponseWriter, r *http.Request) { <-release })
	e.res.srv["_submissions._tcp.example.com"] = []*net.SRV{{Target: "mail.example.com.", Port: 465}}
	opts := e.opts()
	opts.Timeout = 200 * time.Millisecond
	got, err := Discover(context.Background(), "jo@example.com", opts)
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	want := &Settings{SMTP: Server{"mail.example.com", 465, TLS}, Username: "jo@example.com", Source: SourceSRV}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Discover = %+v; want %+v", got, want)
	}

	d, err := newDiscoverer(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), opts.Timeout)
	defer cancel()
	a := discoverAddress{email: "jo@example.com", local: "jo", domain: "example.com", udom: "example.com"}
	if _, err := d.autoconfig(ctx, "https://"+discAutoconfigPath, a); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("autoconfig step error = %v; want context.DeadlineExceeded", err)
	}
}

func TestDiscover_notFound(t *testing.T) {
	e := newDiscEnv(t)
	e.serveXML(discAutoconfigPath, "not xml")
	_, err := Discover(context.Background(), "jo@example.com", e.opts())
	if !errors.Is(err, provider.ErrNotFound) {
		t.Fatalf("Discover error = %v; want ErrNotFound", err)
	}
	for _, step := range []string{SourceAutoconfig, SourceWellKnown, SourceISPDB, SourceSRV, SourceMX, "404 Not Found"} {
		if !strings.Contains(err.Error(), step) {
			t.Errorf("Discover error = %q; want it to mention %q", err, step)
		}
	}
	var dnsErr *net.DNSError
	if !errors.As(err, &dnsErr) {
		t.Errorf("Discover error = %v; want a *net.DNSError inside", err)
	}
	wantCalls := []string{
		"SRV _submissions._tcp.example.com", "SRV _submission._tcp.example.com", "MX example.com",
	}
	if !reflect.DeepEqual(e.res.calls, wantCalls) {
		t.Errorf("resolver calls = %q; want %q", e.res.calls, wantCalls)
	}
}

func TestDiscover_invalidEmail(t *testing.T) {
	for _, email := range []string{
		"", "   ", "jo", "jo@", "@example.com", "jo@localhost", "Jo <jo@example.com>",
		"jo@example.com\r\nBcc: x@example.com", "jo@exa mple.com", "jo@-example.com", "jo@example..com",
		"jo@[127.0.0.1]", "jo@example.com.", "jo@ex_ample.com", "a@b@example.com",
		"jo@" + strings.Repeat("a", 250) + ".com",
	} {
		e := newDiscEnv(t)
		got, err := Discover(context.Background(), email, e.opts())
		if !errors.Is(err, provider.ErrInvalid) {
			t.Errorf("Discover(%q) = %+v, %v; want ErrInvalid", email, got, err)
		}
		if hits := e.requests(); len(hits) != 0 || len(e.res.calls) != 0 {
			t.Errorf("Discover(%q) reached the network: %q %q", email, hits, e.res.calls)
		}
	}
}

func TestDiscover_idnDomain(t *testing.T) {
	a, err := parseDiscoverAddress("Jo@Bücher.Example")
	if err != nil {
		t.Fatalf("parseDiscoverAddress: %v", err)
	}
	want := discoverAddress{email: "Jo@Bücher.Example", local: "Jo", domain: "xn--bcher-kva.example", udom: "bücher.example"}
	if a != want {
		t.Errorf("parseDiscoverAddress = %+v; want %+v", a, want)
	}
}

func TestDiscover_invalidISPDBURL(t *testing.T) {
	for _, u := range []string{"http://autoconfig.thunderbird.net/v1.1/", "ftp://x/", "://", "https://"} {
		e := newDiscEnv(t)
		opts := e.opts()
		opts.ISPDBURL = u
		if _, err := Discover(context.Background(), "jo@example.com", opts); !errors.Is(err, provider.ErrInvalid) {
			t.Errorf("Discover with ISPDBURL %q: %v; want ErrInvalid", u, err)
		}
	}
}

func TestDiscover_canceledBefore(t *testing.T) {
	e := newDiscEnv(t)
	e.serveXML(discAutoconfigPath, discGoodXML())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	got, err := Discover(ctx, "jo@example.com", e.opts())
	if !errors.Is(err, context.Canceled) || errors.Is(err, provider.ErrNotFound) {
		t.Fatalf("Discover = %+v, %v; want context.Canceled only", got, err)
	}
	if hits := e.requests(); len(hits) != 0 {
		t.Errorf("requests = %q; want none", hits)
	}
}

func TestDiscover_canceledDuring(t *testing.T) {
	for _, step := range []string{"http", "dns"} {
		t.Run(step, func(t *testing.T) {
			e := newDiscEnv(t)
			started := make(chan struct{}, 1)
			if step == "http" {
				e.handle(discAutoconfigPath, func(w http.ResponseWriter, r *http.Request) {
					started <- struct{}{}
					<-r.Context().Done()
				})
			} else {
				e.res.block = true
				close(started)
			}
			ctx, cancel := context.WithCancel(context.Background())
			go func() {
				<-started
				time.Sleep(20 * time.Millisecond)
				cancel()
			}()
			opts := e.opts()
			opts.Timeout = time.Minute
			begin := time.Now()
			got, err := Discover(ctx, "jo@example.com", opts)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Discover = %+v, %v; want context.Canceled", got, err)
			}
			if d := time.Since(begin); d > 10*time.Second {
				t.Errorf("Discover took %v after cancel", d)
			}
		})
	}
}

func TestDiscover_callerClientUnchanged(t *testing.T) {
	e := newDiscEnv(t)
	e.serveXML(discAutoconfigPath, discGoodXML())
	if _, err := Discover(context.Background(), "jo@example.com", e.opts()); err != nil {
		t.Fatalf("Discover: %v", err)
	}
	if e.client.CheckRedirect != nil {
		t.Errorf("Discover changed the caller's http.Client.CheckRedirect")
	}
}

func TestHTTPSOnlyClient_keepsCallerPolicy(t *testing.T) {
	errStop := errors.New("caller says stop")
	c := httpsOnlyClient(&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return errStop }})
	req := httptest.NewRequest(http.MethodGet, "https://example.com/x", nil)
	if err := c.CheckRedirect(req, nil); !errors.Is(err, errStop) {
		t.Errorf("CheckRedirect(https) = %v; want the caller's error", err)
	}
	req = httptest.NewRequest(http.MethodGet, "http://example.com/x", nil)
	if err := c.CheckRedirect(req, nil); err == nil || errors.Is(err, errStop) {
		t.Errorf("CheckRedirect(http) = %v; want a refusal before the caller's policy", err)
	}
	d := httpsOnlyClient(nil)
	via := make([]*http.Request, 10)
	req = httptest.NewRequest(http.MethodGet, "https://example.com/x", nil)
	if err := d.CheckRedirect(req, via); err == nil {
		t.Errorf("CheckRedirect after 10 redirects = nil; want an error")
	}
}
