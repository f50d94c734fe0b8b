package smtpimap

import (
	"context"
	"net"
	"reflect"
	"testing"
)

func TestParseAutoconfig_pop3(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want *Server // Settings.POP3
		imap bool    // Settings.IMAP set
	}{
		{"pop3 only, SSL, no port: 995", discXML(
			discServer("in", "pop3", "pop.example.com", "", "SSL", ""),
			discServer("out", "smtp", "smtp.example.com", "465", "SSL", "")),
			&Server{"pop.example.com", 995, TLS}, false},
		{"pop3 only, STARTTLS, no port: 110", discXML(
			discServer("in", "pop3", "pop.example.com", "", "STARTTLS", ""),
			discServer("out", "smtp", "smtp.example.com", "587", "STARTTLS", "")),
			&Server{"pop.example.com", 110, STARTTLS}, false},
		{"plaintext pop3 skipped for the next", discXML(
			discServer("in", "pop3", "plain.example.com", "110", "plain", ""),
			discServer("in", "pop3", "pop.example.com", "995", "SSL", ""),
			discServer("out", "smtp", "smtp.example.com", "465", "SSL", "")),
			&Server{"pop.example.com", 995, TLS}, false},
		{"imap wins over pop3", discXML(
			discServer("in", "pop3", "pop.example.com", "995", "SSL", ""),
			discServer("in", "imap", "imap.example.com", "993", "SSL", ""),
			discServer("out", "smtp", "smtp.example.com", "465", "SSL", "")),
			nil, true},
		{"only plaintext pop3", discXML(
			discServer("in", "pop3", "pop.example.com", "110", "plain", ""),
			discServer("out", "smtp", "smtp.example.com", "465", "SSL", "")),
			nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseAutoconfig([]byte(tc.doc), discAddr())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.POP3, tc.want) || (got.IMAP != nil) != tc.imap {
				t.Errorf("parseAutoconfig: POP3 %+v, IMAP %+v; want POP3 %+v, IMAP set %v", got.POP3, got.IMAP, tc.want, tc.imap)
			}
		})
	}
}

func TestParseAutoconfig_pop3Username(t *testing.T) {
	got, err := parseAutoconfig([]byte(discXML(
		discServer("in", "pop3", "pop.example.com", "995", "SSL", "%EMAILLOCALPART%"),
		discServer("out", "smtp", "smtp.example.com", "465", "SSL", ""))), discAddr())
	if err != nil {
		t.Fatal(err)
	}
	if got.Username != "Jo.Doe" {
		t.Errorf("Username = %q; want the POP3 entry's %q", got.Username, "Jo.Doe")
	}
}

func TestDiscover_pop3Only(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(e *discEnv)
		want  Settings
	}{
		{"ISPDB with pop3 only", func(e *discEnv) {
			e.serveXML(discISPDBPath, discXML(
				discServer("in", "pop3", "pop.example.com", "995", "SSL", "%EMAILADDRESS%"),
				discServer("out", "smtp", "smtp.example.com", "587", "STARTTLS", "%EMAILADDRESS%")))
		}, Settings{SMTP: Server{"smtp.example.com", 587, STARTTLS}, POP3: &Server{"pop.example.com", 995, TLS}, Username: "jo@example.com", Source: SourceISPDB}},
		{"SRV _pop3s", func(e *discEnv) {
			e.res.srv["_submissions._tcp.example.com"] = []*net.SRV{{Target: "mail.example.com.", Port: 465}}
			e.res.srv["_pop3s._tcp.example.com"] = []*net.SRV{{Target: "pop.example.com.", Port: 995}}
			e.res.srv["_pop3._tcp.example.com"] = []*net.SRV{{Target: "pop.example.com.", Port: 110, Priority: 10}}
		}, Settings{SMTP: Server{"mail.example.com", 465, TLS}, POP3: &Server{"pop.example.com", 995, TLS}, Username: "jo@example.com", Source: SourceSRV}},
		{"SRV _pop3 (STLS)", func(e *discEnv) {
			e.res.srv["_submission._tcp.example.com"] = []*net.SRV{{Target: "mail.example.com.", Port: 587}}
			e.res.srv["_pop3._tcp.example.com"] = []*net.SRV{{Target: "pop.example.com.", Port: 110}}
		}, Settings{SMTP: Server{"mail.example.com", 587, STARTTLS}, POP3: &Server{"pop.example.com", 110, STARTTLS}, Username: "jo@example.com", Source: SourceSRV}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newDiscEnv(t)
			tc.setup(e)
			got, err := Discover(context.Background(), "jo@example.com", e.opts())
			if err != nil {
				t.Fatalf("Discover: %v", err)
			}
			if !reflect.DeepEqual(*got, tc.want) {
				t.Errorf("Discover = %+v (POP3 %+v); want %+v (POP3 %+v)", *got, got.POP3, tc.want, tc.want.POP3)
			}
		})
	}
}

// TestDiscover_srvIMAPSkipsPOP3: with _imaps published, no POP3 query.
func TestDiscover_srvIMAPSkipsPOP3(t *testing.T) {
	e := newDiscEnv(t)
	e.res.srv["_submission._tcp.example.com"] = []*net.SRV{{Target: "mail.example.com.", Port: 587}}
	e.res.srv["_imaps._tcp.example.com"] = []*net.SRV{{Target: "mail.example.com.", Port: 993}}
	e.res.srv["_pop3s._tcp.example.com"] = []*net.SRV{{Target: "pop.example.com.", Port: 995}}
	got, err := Discover(context.Background(), "jo@example.com", e.opts())
	if err != nil {
		t.Fatal(err)
	}
	if got.IMAP == nil || got.POP3 != nil {
		t.Errorf("Discover = IMAP %+v, POP3 %+v; want IMAP only", got.IMAP, got.POP3)
	}
	for _, call := range e.res.calls {
		if call == "SRV _pop3s._tcp.example.com" {
			t.Errorf("asked for %s though IMAP was found", call)
		}
	}
}
