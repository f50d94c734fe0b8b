package smtpimap

import "strings"

// firstPOP3 returns the first usable incoming "pop3" entry of an
// autoconfig document, resolved with POP3's ports (995 for SSL, 110 for
// STARTTLS) when the entry names none, and its username template.
func firstPOP3(entries []serverXML, a discoverAddress) (*Server, string) {
	for _, x := range entries {
		if !strings.EqualFold(strings.TrimSpace(x.Type), "pop3") {
			continue
		}
		srv, err := x.server(true, "POP3", a)
		if err != nil {
			continue
		}
		if strings.TrimSpace(x.Port) == "" {
			srv.Port = PortPOP3
			if srv.Security == TLS {
				srv.Port = PortPOP3S
			}
		}
		return &srv, x.Username
	}
	return nil, ""
}
