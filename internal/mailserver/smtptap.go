package mailserver

import (
	"bytes"
	"net"
	"strconv"
	"sync"
)

// smtpTap watches the plaintext part of an SMTP connection and counts AUTH
// commands, so an attempt is counted even when the server refuses it for
// lack of TLS. It stops watching once STARTTLS succeeds (the session counts
// AUTH over TLS) and skips message content sent with DATA or BDAT.
type smtpTap struct {
	net.Conn
	s *Server

	mu       sync.Mutex
	off      bool   // TLS is up: stop parsing
	line     []byte // partial client line
	inData   bool   // between 354 and the lone "."
	skip     int64  // BDAT chunk bytes still to pass
	startTLS bool   // client sent STARTTLS; waiting for the reply
}

func (t *smtpTap) Read(p []byte) (int, error) {
	n, err := t.Conn.Read(p)
	if n > 0 {
		t.mu.Lock()
		t.scan(p[:n])
		t.mu.Unlock()
	}
	return n, err
}

func (t *smtpTap) Write(p []byte) (int, error) {
	t.mu.Lock()
	if !t.off {
		switch {
		case t.startTLS && bytes.HasPrefix(p, []byte("220")):
			t.off = true
		case bytes.HasPrefix(p, []byte("354")):
			t.inData = true
		}
		t.startTLS = false
	}
	t.mu.Unlock()
	return t.Conn.Write(p)
}

func (t *smtpTap) scan(p []byte) {
	for len(p) > 0 && !t.off {
		if t.skip > 0 {
			k := min(int64(len(p)), t.skip)
			t.skip -= k
			p = p[k:]
			continue
		}
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			if len(t.line) < 1024 {
				t.line = append(t.line, p...)
			}
			return
		}
		t.line = append(t.line, p[:i+1]...)
		p = p[i+1:]
		t.handleLine(bytes.TrimRight(t.line, "\r\n"))
		t.line = t.line[:0]
	}
}

func (t *smtpTap) handleLine(line []byte) {
	if t.inData {
		if string(line) == "." {
			t.inData = false
		}
		return
	}
	verb, arg, _ := bytes.Cut(line, []byte(" "))
	switch string(bytes.ToUpper(verb)) {
	case "AUTH":
		t.s.authAttempts.Add(1)
	case "STARTTLS":
		t.startTLS = true
	case "BDAT":
		size, _, _ := bytes.Cut(bytes.TrimSpace(arg), []byte(" "))
		if n, err := strconv.ParseInt(string(size), 10, 64); err == nil && n > 0 {
			t.skip = n
		}
	}
}
