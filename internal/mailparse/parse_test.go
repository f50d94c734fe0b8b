package mailparse_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/internal/mailparse"
)

func config() *mailparse.Config {
	return &mailparse.Config{
		MaxDepth: mailparse.DefaultMaxDepth, MaxParts: mailparse.DefaultMaxParts,
		MaxPartBytes: 1 << 20, CharsetReader: mailparse.CharsetReader,
	}
}

func TestParse_parts(t *testing.T) {
	raw := "From: a@example.org\r\nSubject: x\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n" +
		"--B\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nZustellung f=FCr gone\r\n" +
		"--B\r\nContent-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; gone@example.org\r\n" +
		"--B\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\nPGI+aGk8L2I+\r\n" +
		"--B\r\nContent-Type: message/rfc822\r\n\r\nMessage-ID: <m1@example.com>\r\nTo: gone@example.org\r\n\r\nbody\r\n" +
		"--B--\r\n"
	m := mailparse.Parse([]byte(raw), config())
	if got, want := m.Header.Get("Subject"), "x"; got != want {
		t.Errorf("Subject = %q; want %q", got, want)
	}
	want := []struct{ typ, body string }{
		{"text/plain", "Zustellung für gone"},
		{"message/delivery-status", "Final-Recipient: rfc822; gone@example.org"},
		{"text/html", "<b>hi</b>"},
		{"message/rfc822", "Message-ID: <m1@example.com>\r\nTo: gone@example.org\r\n\r\nbody"},
	}
	if len(m.Parts) != len(want) {
		t.Fatalf("Parse gave %d parts; want %d", len(m.Parts), len(want))
	}
	for i, w := range want {
		p := m.Parts[i]
		if p.Type != w.typ || strings.TrimSpace(string(p.Body)) != w.body {
			t.Errorf("part %d = %q %q; want %q %q", i, p.Type, p.Body, w.typ, w.body)
		}
	}
	if len(m.Originals) != 1 || m.Originals[0].Get("Message-Id") != "<m1@example.com>" {
		t.Errorf("Originals = %v; want the returned message's header", m.Originals)
	}
}

func TestParse_limits(t *testing.T) {
	var b strings.Builder
	b.WriteString("Subject: deep\r\n")
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n", i, i)
	}
	b.WriteString("Content-Type: text/plain\r\n\r\ninnermost\r\n")
	for _, tc := range []struct {
		name     string
		maxDepth int
		maxParts int
		parts    int
		body     string // the one part's body starts so
	}{
		{"depth 1: the rest kept as text", 1, 128, 1, "--b1"},
		{"depth 16: the rest kept as text", 16, 128, 1, "--b16"},
		{"depth 64: the innermost part", 64, 128, 1, "innermost"},
		{"no parts", 16, 0, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config()
			cfg.MaxDepth, cfg.MaxParts = tc.maxDepth, tc.maxParts
			m := mailparse.Parse([]byte(b.String()), cfg)
			if got := len(m.Parts); got != tc.parts {
				t.Fatalf("Parse parts = %d; want %d", got, tc.parts)
			}
			if tc.parts > 0 && !strings.HasPrefix(string(m.Parts[0].Body), tc.body) {
				t.Errorf("part body = %.40q; want it to start with %q", m.Parts[0].Body, tc.body)
			}
			if got := m.Header.Get("Subject"); got != "deep" {
				t.Errorf("Subject = %q; want deep", got)
			}
		})
	}
}

func TestParse_headerOnly(t *testing.T) {
	for _, tc := range []struct {
		name, raw string
		fields    int
	}{
		{"no blank line", "Subject: a\r\nFrom: b@example.org", 2},
		{"continuation", "Subject: a\r\n b\r\n\r\nbody", 1},
		{"junk lines skipped", "Subject: a\r\nnot a field\r\n: empty name\r\n\r\n", 1},
		{"empty", "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := mailparse.Parse([]byte(tc.raw), config())
			if got := m.Header.Len(); got != tc.fields {
				t.Errorf("header fields = %d; want %d", got, tc.fields)
			}
		})
	}
}

func TestDecodeWords(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"=?ISO-8859-1?Q?Abwesenheitsnotiz:_R=FCckkehr?=", "Abwesenheitsnotiz: Rückkehr"},
		{"=?utf-8?B?w6nDqQ==?=", "éé"},
		{"plain", "plain"},
		{"bad \xff byte", "bad \uFFFD byte"},
	} {
		if got := mailparse.DecodeWords(tc.in, config()); got != tc.want {
			t.Errorf("DecodeWords(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzParse checks that no input panics Parse or exceeds its part limit.
func FuzzParse(f *testing.F) {
	f.Add([]byte("Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nhi\r\n--b--\r\n"))
	f.Add([]byte("Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\nU3ViamVjdDogeA0KDQp5"))
	f.Add([]byte("Content-Type: text/plain; charset=shift_jis\r\n\r\n\x82\xa0"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		cfg := config()
		cfg.MaxParts = 8
		m := mailparse.Parse(raw, cfg)
		if len(m.Parts) > cfg.MaxParts {
			t.Errorf("Parse gave %d parts; limit %d", len(m.Parts), cfg.MaxParts)
		}
	})
}
