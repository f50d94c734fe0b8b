package smtpimap

import (
	"reflect"
	"strings"
	"testing"
)

func discAddr() discoverAddress {
	return discoverAddress{email: "Jo.Doe@Example.com", local: "Jo.Doe", domain: "example.com", udom: "example.com"}
}

func TestParseAutoconfig(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		want    *Settings
		wantErr string
	}{
		{
			name: "placeholders in username and hostname",
			doc: discXML(
				discServer("in", "imap", "imap.%EMAILDOMAIN%", "993", "SSL", "%EMAILLOCALPART%"),
				discServer("out", "smtp", "smtp.%emaildomain%", "465", "SSL", "%EMAILLOCALPART%+smtp@%EMAILDOMAIN%"),
			),
			want: &Settings{
				SMTP:     Server{"smtp.example.com", 465, TLS},
				IMAP:     &Server{"imap.example.com", 993, TLS},
				Username: "Jo.Doe+smtp@example.com",
			},
		},
		{
			name: "full address placeholder",
			doc:  discXML(discServer("out", "smtp", "smtp.example.com", "587", "STARTTLS", "%EMAILADDRESS%")),
			want: &Settings{SMTP: Server{"smtp.example.com", 587, STARTTLS}, Username: "Jo.Doe@Example.com"},
		},
		{
			name: "plain entries skipped, first secure one taken",
			doc: discXML(
				discServer("in", "imap", "imap.example.com", "143", "plain", ""),
				discServer("in", "imap", "imap.example.com", "143", "STARTTLS", ""),
				discServer("in", "imap", "imap2.example.com", "993", "SSL", ""),
				discServer("out", "smtp", "smtp.example.com", "25", "plain", ""),
				discServer("out", "smtp", "smtp.example.com", "587", "starttls", ""),
				discServer("out", "smtp", "smtp2.example.com", "465", "SSL", ""),
			),
			want: &Settings{
				SMTP:     Server{"smtp.example.com", 587, STARTTLS},
				IMAP:     &Server{"imap.example.com", 143, STARTTLS},
				Username: "Jo.Doe@Example.com",
			},
		},
		{
			name: "plain only",
			doc: discXML(
				discServer("in", "imap", "imap.example.com", "143", "plain", ""),
				discServer("out", "smtp", "smtp.example.com", "25", "plain", ""),
			),
			wantErr: `socketType "PLAIN" is not SSL or STARTTLS`,
		},
		{
			name:    "missing socketType",
			doc:     discXML(discServer("out", "smtp", "smtp.example.com", "587", "", "")),
			wantErr: "socketType",
		},
		{
			name: "bad ports skipped",
			doc: discXML(
				discServer("in", "imap", "imap.example.com", "99999", "SSL", ""),
				discServer("out", "smtp", "smtp.example.com", "0", "SSL", ""),
				discServer("out", "smtp", "smtp.example.com", "-1", "SSL", ""),
				discServer("out", "smtp", "smtp.example.com", "65536", "SSL", ""),
				discServer("out", "smtp", "smtp.example.com", "4 65", "SSL", ""),
				discServer("out", "smtp", "smtp.example.com", "465", "SSL", ""),
			),
			want: &Settings{SMTP: Server{"smtp.example.com", 465, TLS}, Username: "Jo.Doe@Example.com"},
		},
		{
			name:    "only bad port",
			doc:     discXML(discServer("out", "smtp", "smtp.example.com", "70000", "SSL", "")),
			wantErr: `"70000" is not a port from 1 to 65535`,
		},
		{
			name: "missing port inferred from security",
			doc: discXML(
				discServer("in", "imap", "imap.example.com", "", "STARTTLS", ""),
				discServer("out", "smtp", "smtp.example.com", " ", "SSL", ""),
			),
			want: &Settings{
				SMTP:     Server{"smtp.example.com", 465, TLS},
				IMAP:     &Server{"imap.example.com", 143, STARTTLS},
				Username: "Jo.Doe@Example.com",
			},
		},
		{
			name: "pop3 without imap kept, exchange ignored",
			doc: discXML(
				discServer("in", "pop3", "pop.example.com", "995", "SSL", ""),
				discServer("in", "exchange", "ews.example.com", "443", "SSL", ""),
				discServer("out", "smtp", "smtp.example.com", "465", "SSL", ""),
			),
			want: &Settings{SMTP: Server{"smtp.example.com", 465, TLS}, POP3: &Server{"pop.example.com", 995, TLS}, Username: "Jo.Doe@Example.com"},
		},
		{
			name:    "imap only",
			doc:     discXML(discServer("in", "imap", "imap.example.com", "993", "SSL", "")),
			wantErr: "no SMTP server",
		},
		{
			name: "unsupported authentication skipped",
			doc: discXML(
				`<outgoingServer type="smtp"><hostname>ntlm.example.com</hostname><port>587</port><socketType>STARTTLS</socketType><authentication>NTLM</authentication><authentication>GSSAPI</authentication></outgoingServer>`,
				`<outgoingServer type="smtp"><hostname>smtp.example.com</hostname><port>587</port><socketType>STARTTLS</socketType><authentication>OAuth2</authentication></outgoingServer>`,
			),
			want: &Settings{SMTP: Server{"smtp.example.com", 587, STARTTLS}, Username: "Jo.Doe@Example.com"},
		},
		{
			name: "bad host names skipped",
			doc: discXML(
				discServer("out", "smtp", "", "465", "SSL", ""),
				discServer("out", "smtp", "smtp example.com", "465", "SSL", ""),
				discServer("out", "smtp", "%EMAILADDRESS%", "465", "SSL", ""),
				discServer("out", "smtp", "smtp.%REALNAME%.com", "465", "SSL", ""),
				discServer("out", "smtp", "SMTP.Example.COM.", "465", "SSL", ""),
			),
			want: &Settings{SMTP: Server{"smtp.example.com", 465, TLS}, Username: "Jo.Doe@Example.com"},
		},
		{
			name: "unknown username placeholder means the address",
			doc:  discXML(discServer("out", "smtp", "smtp.example.com", "465", "SSL", "%REALNAME%")),
			want: &Settings{SMTP: Server{"smtp.example.com", 465, TLS}, Username: "Jo.Doe@Example.com"},
		},
		{
			name: "literal percent kept",
			doc:  discXML(discServer("out", "smtp", "smtp.example.com", "465", "SSL", "100%%EMAILLOCALPART%")),
			want: &Settings{SMTP: Server{"smtp.example.com", 465, TLS}, Username: "100%Jo.Doe"},
		},
		{
			name: "IMAP username used when SMTP has none",
			doc: discXML(
				discServer("in", "imap", "imap.example.com", "993", "SSL", "%EMAILLOCALPART%"),
				discServer("out", "smtp", "smtp.example.com", "465", "SSL", ""),
			),
			want: &Settings{
				SMTP:     Server{"smtp.example.com", 465, TLS},
				IMAP:     &Server{"imap.example.com", 993, TLS},
				Username: "Jo.Doe",
			},
		},
		{
			name: "second emailProvider",
			doc: `<clientConfig version="1.1"><emailProvider id="a"><incomingServer type="imap"><hostname>imap.a.example</hostname><port>993</port><socketType>SSL</socketType></incomingServer></emailProvider>` +
				`<emailProvider id="b"><outgoingServer type="smtp"><hostname>smtp.b.example</hostname><port>587</port><socketType>STARTTLS</socketType></outgoingServer></emailProvider></clientConfig>`,
			want: &Settings{
				SMTP:     Server{"smtp.b.example", 587, STARTTLS},
				IMAP:     &Server{"imap.a.example", 993, TLS},
				Username: "Jo.Doe@Example.com",
			},
		},
		{
			name: "ISO-8859-1 document",
			doc: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<clientConfig><emailProvider id=\"x\"><displayName>M\xfcller Mail</displayName>" +
				discServer("out", "smtp", "smtp.example.com", "465", "SSL", "") + "</emailProvider></clientConfig>",
			want: &Settings{SMTP: Server{"smtp.example.com", 465, TLS}, Username: "Jo.Doe@Example.com"},
		},
		{name: "wrong root", doc: `<config><emailProvider/></config>`, wantErr: "expected element type <clientConfig>"},
		{name: "empty", doc: "", wantErr: "EOF"},
		{name: "truncated", doc: discXML(discServer("out", "smtp", "smtp.example.com", "465", "SSL", ""))[:80], wantErr: "unexpected EOF"},
		{name: "unknown encoding", doc: `<?xml version="1.0" encoding="x-made-up"?><clientConfig/>`, wantErr: "x-made-up"},
		{name: "no servers", doc: `<clientConfig version="1.1"><emailProvider id="x"/></clientConfig>`, wantErr: "no SMTP server"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseAutoconfig([]byte(tc.doc), discAddr())
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("parseAutoconfig = %+v, %v; want error containing %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseAutoconfig: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("parseAutoconfig = %+v (IMAP %+v); want %+v (IMAP %+v)", got, got.IMAP, tc.want, tc.want.IMAP)
			}
		})
	}
}

func TestExpandPlaceholders(t *testing.T) {
	tests := []struct {
		in          string
		want        string
		wantUnknown bool
	}{
		{"", "", false},
		{"plain", "plain", false},
		{"%EMAILADDRESS%", "jo@example.com", false},
		{"%emailaddress%", "jo@example.com", false},
		{"%EMAILLOCALPART%@%EMAILDOMAIN%", "jo@example.com", false},
		{"50%", "50%", false},
		{"%%EMAILLOCALPART%", "%jo", false},
		{"%REALNAME%", "%REALNAME%", true},
		{"a%1%b", "a%1%b", false},
		{"%EMAILLOCALPART", "%EMAILLOCALPART", false},
	}
	for _, tc := range tests {
		got, unknown := expandPlaceholders(tc.in, "jo", "example.com", "jo@example.com")
		if got != tc.want || unknown != tc.wantUnknown {
			t.Errorf("expandPlaceholders(%q) = %q, %v; want %q, %v", tc.in, got, unknown, tc.want, tc.wantUnknown)
		}
	}
}

// FuzzParseAutoconfig checks that no document panics the parser and that
// whatever it accepts is a resolved, encrypted server with a valid host.
func FuzzParseAutoconfig(f *testing.F) {
	f.Add([]byte(discXML(
		discServer("in", "imap", "imap.%EMAILDOMAIN%", "993", "SSL", "%EMAILLOCALPART%"),
		discServer("out", "smtp", "smtp.example.com", "587", "STARTTLS", "%EMAILADDRESS%"),
	)))
	f.Add([]byte(discXML(discServer("out", "smtp", "smtp.example.com", "25", "plain", ""))))
	f.Add([]byte(discXML(discServer("out", "smtp", "smtp.example.com", "99999", "SSL", "%X%"))))
	f.Add([]byte(`<?xml version="1.0" encoding="ISO-8859-1"?><clientConfig><emailProvider/></clientConfig>`))
	f.Add([]byte(`<clientConfig><emailProvider><outgoingServer type="smtp"><hostname>%EMAILLOCALPART%.example.com</hostname><socketType>TLS</socketType></outgoingServer></emailProvider></clientConfig>`))
	f.Add([]byte("<clientConfig>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a := discAddr()
		s, err := parseAutoconfig(data, a)
		if err != nil {
			if s != nil {
				t.Fatalf("parseAutoconfig returned settings and an error")
			}
			return
		}
		servers := []Server{s.SMTP}
		if s.IMAP != nil {
			servers = append(servers, *s.IMAP)
		}
		for _, srv := range servers {
			if !validHostname(srv.Host) {
				t.Errorf("host %q is not a valid host name", srv.Host)
			}
			if srv.Port < 1 || srv.Port > 65535 {
				t.Errorf("port %d out of range", srv.Port)
			}
			if srv.Security != TLS && srv.Security != STARTTLS {
				t.Errorf("security %v is not TLS or STARTTLS", srv.Security)
			}
		}
		if s.Username == "" {
			t.Errorf("empty username")
		}
	})
}
