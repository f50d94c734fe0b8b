package mailserver

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"strconv"
	"sync"
)

// The IMAP listener does not hand TCP connections to imapserver directly:
// a relay sits between them so it can count commands on the decrypted
// stream. For STARTTLS the relay terminates the client's TLS and speaks TLS
// again to imapserver over an in-memory pipe, so imapserver still runs its
// own STARTTLS and knows the connection is secure.

// relay copies one IMAP connection in both directions and watches it.
type relay struct {
	s      *Server
	raw    net.Conn // the TCP connection
	client net.Conn // raw, or TLS over raw
	pipe   net.Conn // our end of the pipe to imapserver
	server net.Conn // pipe, or TLS over pipe after STARTTLS

	mu     sync.Mutex
	wait   *waiter
	done   chan struct{}
	closer sync.Once

	switched chan net.Conn // new server side after STARTTLS
}

// waiter is the client side waiting for the server's answer to a command:
// a continuation request for a synchronizing literal, or the tagged
// response to STARTTLS.
type waiter struct {
	tag      string
	starttls bool
	ch       chan bool
}

func (s *Server) serveIMAPConn(raw net.Conn) {
	r := &relay{s: s, raw: raw, client: raw, done: make(chan struct{}), switched: make(chan net.Conn, 1)}
	if s.opts.IMAPSecurity == SecurityTLS {
		r.client = tls.Server(raw, s.certs.serverConfig())
	}
	pipe, err := s.imapPipe.dial(raw.LocalAddr(), raw.RemoteAddr())
	if err != nil {
		raw.Close()
		return
	}
	r.pipe, r.server = pipe, pipe
	s.wg.Add(2)
	go func() { defer s.wg.Done(); r.clientLoop() }()
	go func() { defer s.wg.Done(); r.serverLoop() }()
}

func (r *relay) close() {
	r.closer.Do(func() {
		close(r.done)
		r.raw.Close()
		r.pipe.Close()
		r.s.track(r.raw, false)
	})
}

// expect registers a waiter before the command reaches the server.
func (r *relay) expect(tag string, starttls bool) *waiter {
	w := &waiter{tag: tag, starttls: starttls, ch: make(chan bool, 1)}
	r.mu.Lock()
	r.wait = w
	r.mu.Unlock()
	return w
}

func (r *relay) await(w *waiter) (ok, alive bool) {
	select {
	case ok := <-w.ch:
		return ok, true
	case <-r.done:
		return false, false
	}
}

// clientLoop reads commands from the client, counts them and passes them on.
func (r *relay) clientLoop() {
	defer r.close()
	br := bufio.NewReader(r.client)
	start := true // the next line begins a command
	tag := ""
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			// An overlong line: pass it through; it cannot be a literal
			// announcement until its end, which a later read sees.
			if _, err := r.server.Write(line); err != nil {
				return
			}
			start = false
			continue
		}
		if err != nil {
			return
		}
		name := ""
		if start {
			var isCmd bool
			tag, name, isCmd = parseCommand(line)
			if isCmd {
				r.s.imapCommands.Add(1)
				if name == "LOGIN" || name == "AUTHENTICATE" {
					r.s.authAttempts.Add(1)
				}
			}
		}
		size, sync, isLit := literalSize(line)
		var w *waiter
		switch {
		case isLit && sync:
			w = r.expect(tag, false)
		case name == "STARTTLS" && r.s.opts.IMAPSecurity == SecuritySTARTTLS:
			w = r.expect(tag, true)
		}
		if _, err := r.server.Write(line); err != nil {
			return
		}
		if w != nil {
			ok, alive := r.await(w)
			if !alive {
				return
			}
			if w.starttls {
				if !ok {
					continue
				}
				if !r.upgrade() {
					return
				}
				br = bufio.NewReader(r.client)
				continue
			}
			if !ok { // literal refused: the client sends a new command
				start = true
				continue
			}
		}
		if isLit {
			if _, err := io.CopyN(r.server, br, size); err != nil {
				return
			}
			start = false
			continue
		}
		start = true
	}
}

// upgrade runs TLS with the client and, as a TLS client, with imapserver.
func (r *relay) upgrade() bool {
	outer := tls.Server(r.raw, r.s.certs.serverConfig())
	if err := outer.Handshake(); err != nil {
		return false
	}
	inner := tls.Client(r.pipe, r.s.certs.clientConfig())
	if err := inner.Handshake(); err != nil {
		return false
	}
	r.mu.Lock()
	r.client, r.server = outer, inner
	r.mu.Unlock()
	r.switched <- inner
	return true
}

// serverLoop passes responses to the client and wakes the client loop when
// the response it waits for arrives.
func (r *relay) serverLoop() {
	defer r.close()
	br := bufio.NewReader(r.server)
	client := r.client
	start := true
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			if _, err := client.Write(line); err != nil {
				return
			}
			start = false
			continue
		}
		if err != nil {
			return
		}
		if _, err := client.Write(line); err != nil {
			return
		}
		if start {
			if upgraded := r.answer(line); upgraded {
				select {
				case inner := <-r.switched:
					br = bufio.NewReader(inner)
					client = r.clientConn()
				case <-r.done:
					return
				}
				continue
			}
		}
		if size, _, ok := literalSize(line); ok {
			if _, err := io.CopyN(client, br, size); err != nil {
				return
			}
			start = false
			continue
		}
		start = true
	}
}

func (r *relay) clientConn() net.Conn {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.client
}

// answer checks a response line against the waiting command and reports
// whether a STARTTLS succeeded.
func (r *relay) answer(line []byte) (upgraded bool) {
	r.mu.Lock()
	w := r.wait
	if w == nil {
		r.mu.Unlock()
		return false
	}
	var ok, decided bool
	switch {
	case line[0] == '+' && !w.starttls:
		ok, decided = true, true
	case bytes.HasPrefix(line, []byte(w.tag+" ")):
		status, _, _ := bytes.Cut(line[len(w.tag)+1:], []byte(" "))
		ok, decided = string(bytes.ToUpper(bytes.TrimSpace(status))) == "OK", true
	}
	if decided {
		r.wait = nil
	}
	r.mu.Unlock()
	if decided {
		w.ch <- ok
	}
	return decided && ok && w.starttls
}

// parseCommand splits "tag SP name ..." and reports whether the line looks
// like a command; SASL responses ("dXNlcg=="), "*" and IDLE's "DONE" do not.
func parseCommand(line []byte) (tag, name string, ok bool) {
	line = bytes.TrimRight(line, "\r\n")
	t, rest, found := bytes.Cut(line, []byte(" "))
	if !found || len(t) == 0 || !isTag(t) {
		return "", "", false
	}
	n, rest2, _ := bytes.Cut(rest, []byte(" "))
	if len(n) == 0 {
		return "", "", false
	}
	name = string(bytes.ToUpper(n))
	if name == "UID" {
		sub, _, _ := bytes.Cut(rest2, []byte(" "))
		name += " " + string(bytes.ToUpper(sub))
	}
	return string(t), name, true
}

// isTag reports whether b is a valid IMAP tag (astring chars except '+').
func isTag(b []byte) bool {
	for _, c := range b {
		if c <= ' ' || c >= 0x7f || bytes.IndexByte([]byte(`(){%*"\+]`), c) >= 0 {
			return false
		}
	}
	return true
}

// literalSize reports whether line ends with a literal announcement
// "{N}" or "{N+}" (LITERAL+ and LITERAL-), possibly after "~"
// (BINARY literal8), and whether it is synchronizing.
func literalSize(line []byte) (size int64, sync, ok bool) {
	line = bytes.TrimRight(line, "\r\n")
	if len(line) < 3 || line[len(line)-1] != '}' {
		return 0, false, false
	}
	open := bytes.LastIndexByte(line, '{')
	if open < 0 {
		return 0, false, false
	}
	num := line[open+1 : len(line)-1]
	sync = true
	if n := len(num); n > 0 && num[n-1] == '+' {
		sync = false
		num = num[:n-1]
	}
	v, err := strconv.ParseInt(string(num), 10, 64)
	if err != nil || v < 0 {
		return 0, false, false
	}
	return v, sync, true
}
