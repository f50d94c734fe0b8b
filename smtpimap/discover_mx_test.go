package smtpimap

import "testing"

func TestProviderForHost(t *testing.T) {
	tests := []struct{ host, want string }{
		{"smtp.gmail.com", "google"},
		{"smtp.googlemail.com", "google"},
		{"smtp.office365.com", "microsoft"},
		{"smtp-mail.outlook.com", "microsoft"},
		{"smtppro.zoho.eu", "zoho"},
		{"smtp.fastmail.com", "fastmail"},
		{"smtp.mail.yahoo.com", "yahoo"},
		{"smtp.mail.me.com", "icloud"},
		{"smtp.example.com", ""},
		{"notgmail.com", ""},
		{"gmail.com.example.net", ""},
	}
	for _, tc := range tests {
		if got := providerForHost(tc.host); got != tc.want {
			t.Errorf("providerForHost(%q) = %q; want %q", tc.host, got, tc.want)
		}
	}
}

// TestMXHints_valid checks the built-in table: every server is already
// resolved, every MX name is a host name, and every hint's SMTP host is
// recognised by providerForHost as the same provider.
func TestMXHints_valid(t *testing.T) {
	for _, h := range mxHints() {
		if !validHostname(h.mx) {
			t.Errorf("hint %q: not a host name", h.mx)
		}
		for _, s := range []Server{h.smtp, h.imap} {
			got, err := s.Resolve(s == h.imap, "hint")
			if err != nil || got != s {
				t.Errorf("hint %q: %+v resolves to %+v, %v; want itself", h.mx, s, got, err)
			}
		}
		if got := providerForHost(h.smtp.Host); got != h.provider {
			t.Errorf("providerForHost(%q) = %q; want %q", h.smtp.Host, got, h.provider)
		}
	}
}
