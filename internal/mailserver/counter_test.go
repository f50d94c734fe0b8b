package mailserver

import (
	"bufio"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net"
	"strings"
	"testing"
)

// rawIMAP speaks IMAP by hand so the test knows exactly what was sent.
type rawIMAP struct {
	t    *testing.T
	conn net.Conn
	br   *bufio.Reader
}

func (r *rawIMAP) send(s string) {
	r.t.Helper()
	if _, err := r.conn.Write([]byte(s)); err != nil {
		r.t.Fatalf("write %q: %v", s, err)
	}
}

func (r *rawIMAP) line() string {
	r.t.Helper()
	l, err := r.br.ReadString('\n')
	if err != nil {
		r.t.Fatalf("read: %v", err)
	}
	return l
}

// tagged reads until the tagged response for tag and returns its status.
func (r *rawIMAP) tagged(tag string) string {
	r.t.Helper()
	for {
		l := r.line()
		if rest, ok := strings.CutPrefix(l, tag+" "); ok {
			status, _, _ := strings.Cut(rest, " ")
			return status
		}
	}
}

func (r *rawIMAP) cmd(tag, command, want string) {
	r.t.Helper()
	r.send(tag + " " + command + "\r\n")
	if got := r.tagged(tag); got != want {
		r.t.Fatalf("%s %s = %s; want %s", tag, command, got, want)
	}
}

func (r *rawIMAP) cont() {
	r.t.Helper()
	if l := r.line(); !strings.HasPrefix(l, "+") {
		r.t.Fatalf("got %q; want a continuation request", l)
	}
}

func TestIMAPCommands_countsOnTheWire(t *testing.T) {
	for _, sec := range []Security{SecuritySTARTTLS, SecurityTLS} {
		t.Run(sec.String(), func(t *testing.T) {
			s := newTestServer(t, &Options{IMAPSecurity: sec})
			var conn net.Conn
			var err error
			if sec == SecurityTLS {
				conn, err = tls.Dial("tcp", imapAddr(s), s.ClientTLSConfig())
			} else {
				conn, err = net.Dial("tcp", imapAddr(s))
			}
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			r := &rawIMAP{t: t, conn: conn, br: bufio.NewReader(conn)}
			r.line() // greeting
			want := 0
			if sec == SecuritySTARTTLS {
				r.cmd("a1", "CAPABILITY", "OK")
				r.cmd("a2", "STARTTLS", "OK")
				tc := tls.Client(conn, s.ClientTLSConfig())
				if err := tc.Handshake(); err != nil {
					t.Fatalf("STARTTLS handshake: %v", err)
				}
				r.conn, r.br = tc, bufio.NewReader(tc)
				want += 2
			}
			r.cmd("a3", fmt.Sprintf("LOGIN %q %q", alice, alicePass), "OK")
			r.cmd("a4", "SELECT INBOX", "OK")
			want += 2

			// A synchronizing literal whose payload looks like commands.
			body := "Subject: x\r\n\r\nb1 NOOP\r\nb2 LOGIN a b\r\n"
			r.send(fmt.Sprintf("a5 APPEND INBOX {%d}\r\n", len(body)))
			r.cont()
			r.send(body + "\r\n")
			if got := r.tagged("a5"); got != "OK" {
				t.Fatalf("APPEND = %s", got)
			}
			// A non-synchronizing literal (LITERAL+), same payload.
			r.send(fmt.Sprintf("a6 APPEND INBOX {%d+}\r\n%s\r\n", len(body), body))
			if got := r.tagged("a6"); got != "OK" {
				t.Fatalf("APPEND LITERAL+ = %s", got)
			}
			// A synchronizing literal the server refuses before "+": the
			// client sends no payload and its next line is a command.
			r.send("a7 APPEND INBOX {200000000}\r\n")
			if got := r.tagged("a7"); got != "NO" {
				t.Fatalf("APPEND too big = %s; want NO", got)
			}
			r.cmd("a8", "NOOP", "OK")
			// IDLE's DONE is not a command.
			r.send("a9 IDLE\r\n")
			r.cont()
			r.send("DONE\r\n")
			if got := r.tagged("a9"); got != "OK" {
				t.Fatalf("IDLE = %s", got)
			}
			// The FETCH response carries the bodies as server literals.
			r.cmd("a10", "UID FETCH 1:* (BODY.PEEK[])", "OK")
			want += 6
			if got := s.IMAPCommands(); got != want {
				t.Errorf("IMAPCommands() = %d; want %d", got, want)
			}
			if got := s.AuthAttempts(); got != 1 {
				t.Errorf("AuthAttempts() = %d; want 1", got)
			}
			s.ResetCounters()
			r.cmd("a11", "NOOP", "OK")
			if got := s.IMAPCommands(); got != 1 {
				t.Errorf("IMAPCommands() after ResetCounters and one NOOP = %d; want 1", got)
			}
		})
	}
}

func TestIMAPCommands_saslResponsesAreNotCommands(t *testing.T) {
	s := newTestServer(t, &Options{IMAPSecurity: SecurityTLS})
	conn, err := tls.Dial("tcp", imapAddr(s), s.ClientTLSConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	r := &rawIMAP{t: t, conn: conn, br: bufio.NewReader(conn)}
	r.line()
	r.send("a1 AUTHENTICATE PLAIN\r\n")
	r.cont()
	r.send(base64.StdEncoding.EncodeToString([]byte("\x00"+alice+"\x00"+alicePass)) + "\r\n")
	if got := r.tagged("a1"); got != "OK" {
		t.Fatalf("AUTHENTICATE = %s", got)
	}
	if got := s.IMAPCommands(); got != 1 {
		t.Errorf("IMAPCommands() = %d; want 1", got)
	}
	if got := s.AuthAttempts(); got != 1 {
		t.Errorf("AuthAttempts() = %d; want 1", got)
	}
	if _, err := s.Mailbox(alice, "INBOX"); err != nil {
		t.Fatal(err)
	}
	if got := s.IMAPCommands(); got != 1 {
		t.Errorf("IMAPCommands() after Mailbox() = %d; want 1 (Mailbox is not counted)", got)
	}
}

func TestParseCommand(t *testing.T) {
	tests := []struct {
		line      string
		tag, name string
		ok        bool
	}{
		{"a1 NOOP\r\n", "a1", "NOOP", true},
		{"A003 uid fetch 1:* (FLAGS)\r\n", "A003", "UID FETCH", true},
		{"x login \"a\" \"b\"\r\n", "x", "LOGIN", true},
		{"DONE\r\n", "", "", false},
		{"AGFsaWNl\r\n", "", "", false},
		{"*\r\n", "", "", false},
		{"+ x\r\n", "", "", false},
		{"a1 \r\n", "", "", false},
		{" NOOP\r\n", "", "", false},
	}
	for _, tc := range tests {
		tag, name, ok := parseCommand([]byte(tc.line))
		if tag != tc.tag || name != tc.name || ok != tc.ok {
			t.Errorf("parseCommand(%q) = %q, %q, %v; want %q, %q, %v", tc.line, tag, name, ok, tc.tag, tc.name, tc.ok)
		}
	}
}

func TestLiteralSize(t *testing.T) {
	tests := []struct {
		line string
		size int64
		sync bool
		ok   bool
	}{
		{"a1 APPEND INBOX {12}\r\n", 12, true, true},
		{"a1 APPEND INBOX {12+}\r\n", 12, false, true},
		{"a1 APPEND INBOX ~{0}\r\n", 0, true, true},
		{"* 1 FETCH (BODY[] {345}\r\n", 345, true, true},
		{"a1 NOOP\r\n", 0, false, false},
		{"a1 X {}\r\n", 0, false, false},
		{"a1 X {-1}\r\n", 0, false, false},
		{"a1 X {1x}\r\n", 0, false, false},
		{"}\r\n", 0, false, false},
	}
	for _, tc := range tests {
		size, sync, ok := literalSize([]byte(tc.line))
		if size != tc.size || sync != tc.sync || ok != tc.ok {
			t.Errorf("literalSize(%q) = %d, %v, %v; want %d, %v, %v", tc.line, size, sync, ok, tc.size, tc.sync, tc.ok)
		}
	}
}

func FuzzRelayParsers(f *testing.F) {
	for _, s := range []string{"a1 NOOP\r\n", "a APPEND INBOX {5+}\r\n", "DONE\r\n", "{", "~{99999999999999999999}", "UID"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		size, _, ok := literalSize(line)
		if ok && size < 0 {
			t.Errorf("literalSize(%q) = %d; want >= 0", line, size)
		}
		tag, _, ok := parseCommand(line)
		if ok && (tag == "" || !isTag([]byte(tag))) {
			t.Errorf("parseCommand(%q) tag %q not a tag", line, tag)
		}
	})
}
