package gmail

import (
	"bytes"
	"encoding/base64"
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

// oldCursor is a cursor as the previous version wrote it
// ("HISTORYID.UNIXSECONDS"); it must still resume.
const oldCursor = "123456.1764990000"

func TestParseCursor_savedByOldCode(t *testing.T) {
	c, err := parseCursor(oldCursor)
	if err != nil {
		t.Fatalf("parseCursor(%q) = %v", oldCursor, err)
	}
	if c.history != 123456 || !c.at.Equal(time.Unix(1764990000, 0)) || c.scan || !c.mark.At.IsZero() {
		t.Errorf("parseCursor(%q) = %+v; want history 123456 at 1764990000 and no watermark", oldCursor, c)
	}
}

func TestCursor_roundTrip(t *testing.T) {
	c := cursor{history: 9, at: time.Unix(1764990000, 0), base: 7, baseMark: time.UnixMilli(1764989000123), scan: true, recent: []string{"18c0a", "18c0b"}, last: "18c0d"}
	c.mark.Note(time.UnixMilli(1764989999001), "18c0c")
	c.mark.Note(time.UnixMilli(1764989999001), "18c0d")
	got, err := parseCursor(c.String())
	if err != nil {
		t.Fatalf("parseCursor(%q) = %v", c.String(), err)
	}
	if got.String() != c.String() || !got.mark.At.Equal(c.mark.At) || len(got.mark.IDs) != 2 || !got.baseMark.Equal(c.baseMark) {
		t.Errorf("parseCursor(%q) = %+v; want %+v", c.String(), got, c)
	}
	for _, bad := range []string{"1.2.3", "1.2.3.4.x.a.b.0.", "1.2.0.0.h.a.b.0.", "1.2.3.4.h.a,b.c d.0.", "1.2.3.4.h...-1.", "1.2.3.4.h...0.a.b"} {
		if _, err := parseCursor(bad); err == nil {
			t.Errorf("parseCursor(%q) succeeded", bad)
		}
	}
}

func FuzzParseCursor(f *testing.F) {
	f.Add("12345.1700000000")
	f.Add("7")
	f.Add(oldCursor)
	f.Add("9.1764990000.1764989999001.7.s.18c0c,18c0d.18c0a.1764989000123.18c0d")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCursor(s)
		if err != nil {
			return
		}
		again, err := parseCursor(c.String())
		if err != nil || again.history != c.history || again.String() != c.String() {
			t.Errorf("parseCursor(%q).String() = %q does not round-trip: %+v, %v", s, c.String(), again, err)
		}
	})
}

// FuzzDecodeRaw: a raw field that does not decode is reported in
// Batch.Skipped (#12 item 4); one that decodes comes back unchanged in
// base64url, padded or not.
func FuzzDecodeRaw(f *testing.F) {
	f.Add("RnJvbTogYUBiDQoNCmhp")
	f.Add("RnJvbTogYUBiDQoNCmhp==")
	f.Add("+/+/")
	f.Fuzz(func(t *testing.T, s string) {
		b, err := decodeRaw(s)
		if err != nil {
			return
		}
		if again, err := decodeRaw(base64.URLEncoding.EncodeToString(b)); err != nil || !bytes.Equal(again, b) {
			t.Errorf("decodeRaw(%q) = %q does not round-trip", s, b)
		}
	})
}
