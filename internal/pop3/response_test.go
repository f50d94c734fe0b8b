package pop3

import (
	"bufio"
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestReadMultiline(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		limit int64
		want  string
		err   bool
	}{
		{"empty", ".\r\n", 100, "", false},
		{"lines", "a\r\nb\r\n.\r\n", 100, "a\r\nb\r\n", false},
		{"dot-stuffed", "..x\r\n..\r\n...\r\n.\r\n", 100, ".x\r\n.\r\n..\r\n", false},
		{"bare LF", "a\n.\n", 100, "a\n", false},
		{"dot inside line", "a.b\r\n .\r\n.\r\n", 100, "a.b\r\n .\r\n", false},
		{"no terminator", "a\r\nb\r\n", 100, "", true},
		{"over limit", "0123456789\r\n.\r\n", 5, "", true},
		{"at limit", "0123\r\n.\r\n", 6, "0123\r\n", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readMultiline(bufio.NewReader(strings.NewReader(tc.in)), "RETR", tc.limit)
			if (err != nil) != tc.err {
				t.Fatalf("readMultiline(%q) error = %v; want error %v", tc.in, err, tc.err)
			}
			if string(got) != tc.want {
				t.Errorf("readMultiline(%q) = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestReadMultiline_longLine(t *testing.T) {
	// A line longer than bufio's buffer, starting with a stuffed dot,
	// followed by a line that is only "..": both unstuffed once.
	long := "." + strings.Repeat(".x", 5000)
	in := "." + long + "\r\n..\r\n.\r\n"
	got, err := readMultiline(bufio.NewReaderSize(strings.NewReader(in), 16), "RETR", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if want := long + "\r\n.\r\n"; string(got) != want {
		t.Errorf("got %d bytes; want %d", len(got), len(want))
	}
}

func TestReadMultiline_tooLargeStopsReading(t *testing.T) {
	// A server that never ends its response: the reader stops at the cap.
	r := &endless{}
	_, err := readMultiline(bufio.NewReader(r), "RETR", 1<<16)
	var tl *TooLargeError
	if !errors.As(err, &tl) {
		t.Fatalf("err = %v; want *TooLargeError", err)
	}
	if r.n > 1<<17 {
		t.Errorf("read %d bytes for a 64 KiB cap", r.n)
	}
}

type endless struct{ n int }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = "line\r\n"[(e.n+i)%6]
	}
	e.n += len(p)
	return len(p), nil
}

func TestParseStatus(t *testing.T) {
	tests := []struct {
		in       string
		ok, cont bool
		text     string
		err      bool
	}{
		{"+OK", true, false, "", false},
		{"+OK 2 320", true, false, "2 320", false},
		{"-ERR [AUTH] bad", false, false, "[AUTH] bad", false},
		{"-ERR", false, false, "", false},
		{"+ ", false, true, "", false},
		{"+ Zm9v", false, true, "Zm9v", false},
		{"+OKAY", false, false, "", true},
		{"HELLO", false, false, "", true},
	}
	for _, tc := range tests {
		got, err := parseStatus([]byte(tc.in))
		if (err != nil) != tc.err {
			t.Errorf("parseStatus(%q) error = %v; want error %v", tc.in, err, tc.err)
			continue
		}
		if got.ok != tc.ok || got.cont != tc.cont || got.text != tc.text {
			t.Errorf("parseStatus(%q) = %+v; want ok=%v cont=%v text=%q", tc.in, got, tc.ok, tc.cont, tc.text)
		}
	}
}

func TestErrorFrom_codes(t *testing.T) {
	tests := []struct {
		text, code, rest string
		temp             bool
	}{
		{"[AUTH] invalid", "AUTH", "invalid", false},
		{"[SYS/TEMP] busy", "SYS/TEMP", "busy", true},
		{"[IN-USE] locked", "IN-USE", "locked", true},
		{"plain text", "", "plain text", false},
		{"[unclosed", "", "[unclosed", false},
	}
	for _, tc := range tests {
		e := errorFrom("PASS", status{text: tc.text})
		if e.Code != tc.code || e.Text != tc.rest || e.Temporary() != tc.temp {
			t.Errorf("errorFrom(%q) = %+v (temporary %v); want code %q text %q temporary %v", tc.text, e, e.Temporary(), tc.code, tc.rest, tc.temp)
		}
	}
}

func TestParseListing(t *testing.T) {
	got, err := ParseListing([]byte("1 a\r\n2 b\r\n3 c\r\n"))
	if err != nil || strings.Join(got, ",") != "a,b,c" {
		t.Errorf("ParseListing = %q, %v; want [a b c]", got, err)
	}
	if _, err := ParseListing([]byte("1 a\r\n3 c\r\n")); err == nil {
		t.Error("ParseListing accepted a listing with a gap")
	}
	if _, err := ParseListing([]byte("x a\r\n")); err == nil {
		t.Error("ParseListing accepted a non-number")
	}
}

func FuzzReadMultiline(f *testing.F) {
	for _, seed := range []string{".\r\n", "a\r\n..b\r\n.\r\n", "x", "..\n.\n", strings.Repeat("a", 5000) + "\r\n.\r\n"} {
		f.Add([]byte(seed), int64(64))
	}
	f.Fuzz(func(t *testing.T, in []byte, limit int64) {
		if limit <= 0 || limit > 1<<20 {
			limit = 1 << 20
		}
		got, err := readMultiline(bufio.NewReaderSize(bytes.NewReader(in), 16), "RETR", limit)
		if err != nil {
			return
		}
		if int64(len(got)) > limit {
			t.Fatalf("body of %d bytes over limit %d", len(got), limit)
		}
		if len(got) > len(in) {
			t.Fatalf("body of %d bytes from %d bytes of input", len(got), len(in))
		}
		// Stuffing what we read and reading it again gives it back.
		var stuffed bytes.Buffer
		atStart := true
		for _, b := range got {
			if atStart && b == '.' {
				stuffed.WriteByte('.')
			}
			stuffed.WriteByte(b)
			atStart = b == '\n'
		}
		if !atStart {
			return // a last line without LF cannot be framed again
		}
		stuffed.WriteString(".\r\n")
		again, err := readMultiline(bufio.NewReader(&stuffed), "RETR", 1<<21)
		if err != nil || !bytes.Equal(again, got) {
			t.Fatalf("re-read %q, %v; want %q", again, err, got)
		}
	})
}

func FuzzParseResponses(f *testing.F) {
	for _, seed := range []string{"+OK 3 300", "-ERR [AUTH] no", "+ ", "1 abc", "+OK\r\n1 a\r\n2 b"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if st, err := parseStatus([]byte(s)); err == nil && !st.ok && !st.cont {
			e := errorFrom("X", st)
			_ = e.Error()
		}
		if n, size, err := ParseStat(s); err == nil && (n < 0 || size < 0) {
			t.Fatalf("ParseStat(%q) = %d, %d", s, n, size)
		}
		if n, _, err := ParseScanLine(s); err == nil && n <= 0 {
			t.Fatalf("ParseScanLine(%q) = %d", s, n)
		}
		if vals, err := ParseListing([]byte(s)); err == nil {
			for _, v := range vals {
				if v == "" {
					t.Fatalf("ParseListing(%q) has an empty value", s)
				}
			}
		}
		_ = parseCaps([]byte(s))
	})
}
