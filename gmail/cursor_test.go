package gmail

import (
	"testing"
	"time"
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
