package gmail

import (
	"bytes"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/provider"
)

func TestParseCursor(t *testing.T) {
	tests := []struct {
		in   string
		want cursor
		ok   bool
	}{
		{"12345", cursor{history: 12345}, true},
		{"12345.1700000000", cursor{history: 12345, at: time.Unix(1700000000, 0)}, true},
		{"", cursor{}, false},
		{"0", cursor{}, false},
		{"x", cursor{}, false},
		{"1.", cursor{}, false},
		{"1.-5", cursor{}, false},
		{"1.2.3", cursor{}, false},
		{"-1", cursor{}, false},
	}
	for _, tc := range tests {
		got, err := parseCursor(tc.in)
		if (err == nil) != tc.ok || got.history != tc.want.history || !got.at.Equal(tc.want.at) {
			t.Errorf("parseCursor(%q) = %+v, %v; want %+v ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func FuzzParseCursor(f *testing.F) {
	f.Add("12345.1700000000")
	f.Add("7")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCursor(s)
		if err != nil {
			return
		}
		again, err := parseCursor(c.String())
		if err != nil || again.history != c.history || !again.at.Equal(c.at) {
			t.Errorf("parseCursor(%q).String() = %q does not round-trip", s, c.String())
		}
	})
}

func TestWithBcc(t *testing.T) {
	raw := []byte("From: a@b.c\r\nTo: d@e.f\r\n\r\nBcc: in the body\r\n")
	bcc := []provider.Address{{Email: "x@y.z"}, {Name: "Q", Email: "q@y.z"}}
	tests := []struct {
		name string
		raw  []byte
		bcc  []provider.Address
		want string
	}{
		{"none", raw, nil, string(raw)},
		{"added", raw, bcc, "Bcc: <x@y.z>,\r\n \"Q\" <q@y.z>\r\n" + string(raw)},
		{"present", append([]byte("bcc: old@y.z\r\n"), raw...), bcc, "bcc: old@y.z\r\n" + string(raw)},
	}
	for _, tc := range tests {
		if got := string(withBcc(tc.raw, tc.bcc)); got != tc.want {
			t.Errorf("%s: withBcc = %q; want %q", tc.name, got, tc.want)
		}
	}
}

func FuzzHasField(f *testing.F) {
	f.Add([]byte("Bcc: x\r\n\r\nbody"), "Bcc")
	f.Fuzz(func(t *testing.T, raw []byte, name string) {
		got := hasField(raw, name)
		if got && (name == "" || !bytes.Contains(bytes.ToLower(raw), bytes.ToLower([]byte(name)))) {
			t.Errorf("hasField(%q, %q) = true, but the name is not there", raw, name)
		}
	})
}
