package smtpimap

import (
	"errors"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/provider"
)

func TestResolvePOP3(t *testing.T) {
	for _, tc := range []struct {
		in   Server
		port int
		sec  Security
	}{
		{Server{Host: "pop.example.com"}, 995, TLS},
		{Server{Host: "pop.example.com", Port: 995}, 995, TLS},
		{Server{Host: "pop.example.com", Port: 110}, 110, STARTTLS},
		{Server{Host: "pop.example.com", Security: STARTTLS}, 110, STARTTLS},
		{Server{Host: "pop.example.com", Security: TLS}, 995, TLS},
		{Server{Host: "pop.example.com", Port: 2995, Security: TLS}, 2995, TLS},
		{Server{Host: "pop.example.com", Port: 2110}, 2110, STARTTLS},
	} {
		cfg := Config{POP3: &tc.in}
		if err := resolvePOP3(&cfg); err != nil {
			t.Fatalf("resolvePOP3(%+v) = %v", tc.in, err)
		}
		if got := *cfg.POP3; got.Port != tc.port || got.Security != tc.sec {
			t.Errorf("resolvePOP3(%+v) = %d/%v; want %d/%v", tc.in, got.Port, got.Security, tc.port, tc.sec)
		}
	}
	for _, bad := range []Server{{Host: "pop.example.com", Port: 70000}, {Host: ""}, {Host: "a b"}} {
		cfg := Config{POP3: &bad}
		if err := resolvePOP3(&cfg); !errors.Is(err, provider.ErrInvalid) {
			t.Errorf("resolvePOP3(%+v) = %v; want ErrInvalid", bad, err)
		}
	}
}

func TestPOP3Cursor_roundTrip(t *testing.T) {
	c := pop3Cursor{Pos: 12, Window: []pop3Seen{{UIDL: "a"}, {UIDL: "b", ID: idDigest("x@y")}}, Mark: 1700000000}
	got, initial, err := parsePOP3Cursor(c.String())
	if err != nil || initial || got.Pos != 12 || len(got.Window) != 2 || got.Window[1].ID != c.Window[1].ID || got.Mark != c.Mark {
		t.Errorf("parsePOP3Cursor(String()) = %+v, %v, %v; want %+v", got, initial, err, c)
	}
	for _, s := range []string{"", "imap1.e30"} {
		if _, initial, err := parsePOP3Cursor(s); err != nil || !initial {
			t.Errorf("parsePOP3Cursor(%q) = initial %v, %v; want a look-back", s, initial, err)
		}
	}
	for _, s := range []string{"pop3v1.!!", "pop3v1." + strings.Repeat("A", 5000), "other", "pop3v1.eyJuIjotMX0"} {
		if _, _, err := parsePOP3Cursor(s); !errors.Is(err, provider.ErrInvalid) {
			t.Errorf("parsePOP3Cursor(%q) = %v; want ErrInvalid", s, err)
		}
	}
}

// TestPOP3Cursor_bounded fills the window with the longest unique-ids RFC
// 1939 allows and checks the cursor stays small.
func TestPOP3Cursor_bounded(t *testing.T) {
	c := pop3Cursor{Pos: 1 << 30, Mark: 1 << 40, Resync: 1 << 40}
	for i := 0; i < pop3Window; i++ {
		c.Window = append(c.Window, pop3Seen{UIDL: strings.Repeat("x", maxUIDL), ID: idDigest("id")})
		c.ResyncIDs = append(c.ResyncIDs, idDigest("id"))
	}
	s := c.String()
	if len(s) > maxPOP3Cursor {
		t.Fatalf("largest cursor is %d bytes; want at most %d", len(s), maxPOP3Cursor)
	}
	if _, _, err := parsePOP3Cursor(s); err != nil {
		t.Errorf("largest cursor does not parse: %v", err)
	}
	t.Logf("largest POP3 cursor: %d bytes", len(s))
}

func TestPOP3Cursor_seenBefore(t *testing.T) {
	c := pop3Cursor{Resync: 10_000, ResyncIDs: []string{"d1"}}
	skew := int64(pop3Skew.Seconds())
	for _, tc := range []struct {
		arrival int64
		digest  string
		want    bool
	}{
		{10_000 - skew - 1, "", true},
		{10_000 - skew, "", false}, // within the skew: returned again
		{10_000, "d1", true},
		{20_000, "d1", true},
		{20_000, "d2", false},
		{0, "", false}, // unknown arrival: returned again
	} {
		if got := c.seenBefore(tc.arrival, tc.digest); got != tc.want {
			t.Errorf("seenBefore(%d, %q) = %v; want %v", tc.arrival, tc.digest, got, tc.want)
		}
	}
	if (pop3Cursor{}).seenBefore(1, "") {
		t.Error("seenBefore outside a resync = true")
	}
}

func FuzzParsePOP3Cursor(f *testing.F) {
	f.Add(pop3Cursor{Pos: 3, Window: []pop3Seen{{UIDL: "u1", ID: "abc"}}}.String())
	f.Add("")
	f.Add("pop3v1.e30")
	f.Add("pop3v1.eyJuIjo1LCJ3IjpbeyJ1IjoiIn1dfQ")
	f.Fuzz(func(t *testing.T, s string) {
		c, initial, err := parsePOP3Cursor(s)
		if err != nil || initial {
			return
		}
		if c.Pos < 0 || len(c.Window) > pop3Window || c.Pos < len(c.Window) {
			t.Fatalf("accepted an impossible cursor %+v", c)
		}
		again, _, err := parsePOP3Cursor(c.String())
		if err != nil || again.Pos != c.Pos || len(again.Window) != len(c.Window) {
			t.Fatalf("re-parse of %+v = %+v, %v", c, again, err)
		}
	})
}
