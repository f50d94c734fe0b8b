package mailserver

import (
	"bufio"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
)

// pop3Session is one POP3 connection (RFC 1939 states AUTHORIZATION,
// TRANSACTION, UPDATE).
type pop3Session struct {
	s       *Server
	conn    net.Conn
	r       *bufio.Reader
	w       *bufio.Writer
	isTLS   bool
	user    string // from USER
	u       *user  // set once authenticated
	drop    *Maildrop
	msgs    []dropMessage
	deleted map[int]bool
}

const pop3MaxLine = 64 << 10

func (s *Server) servePOP3(c net.Conn) {
	s.pop3.sessions.Add(1)
	ps := &pop3Session{s: s, conn: c}
	if s.opts.POP3Security == SecurityTLS {
		tc := tls.Server(c, s.certs.serverConfig())
		_ = tc.SetDeadline(time.Now().Add(time.Minute))
		if err := tc.Handshake(); err != nil {
			return
		}
		_ = tc.SetDeadline(time.Time{})
		ps.conn, ps.isTLS = tc, true
	}
	ps.r = bufio.NewReader(ps.conn)
	ps.w = bufio.NewWriter(ps.conn)
	ps.reply("+OK inboxkit POP3 ready")
	for {
		if ps.r.Buffered() == 0 {
			s.pop3.trips.Add(1)
			if ps.w.Flush() != nil {
				return
			}
		}
		_ = ps.conn.SetReadDeadline(time.Now().Add(5 * time.Minute))
		line, err := ps.readLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		verb = strings.ToUpper(verb)
		s.pop3.count(verb)
		if !ps.handle(verb, arg) {
			s.pop3.trips.Add(1)
			_ = ps.w.Flush()
			return
		}
	}
}

func (ps *pop3Session) readLine() (string, error) {
	var line []byte
	for {
		chunk, err := ps.r.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > pop3MaxLine {
			return "", errors.New("line too long")
		}
		if err == nil {
			break
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return "", err
		}
	}
	return strings.TrimRight(string(line), "\r\n"), nil
}

func (ps *pop3Session) reply(format string, args ...any) {
	fmt.Fprintf(ps.w, format, args...)
	ps.w.WriteString("\r\n")
}

// handle runs one command; false ends the session.
func (ps *pop3Session) handle(verb, arg string) bool {
	if ps.s.pop3.isDisabled(verb) {
		ps.reply("-ERR unknown command")
		return true
	}
	switch verb {
	case "CAPA":
		ps.capa()
		return true
	case "QUIT":
		if ps.u != nil && len(ps.deleted) > 0 && ps.drop != nil {
			gone := map[string]bool{}
			for i := range ps.deleted {
				gone[ps.msgs[i].uidl] = true
			}
			ps.drop.deleteAll(gone)
		}
		ps.reply("+OK bye")
		return false
	case "NOOP":
		if ps.u == nil {
			ps.reply("-ERR not signed in")
		} else {
			ps.reply("+OK")
		}
		return true
	}
	if ps.u == nil {
		return ps.authorization(verb, arg)
	}
	ps.transaction(verb, arg)
	return true
}

func (ps *pop3Session) capa() {
	ps.reply("+OK capability list follows")
	for _, c := range []string{"TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE", "IMPLEMENTATION inboxkit-mailserver"} {
		if !ps.s.pop3.isDisabled(strings.Fields(c)[0]) {
			ps.reply("%s", c)
		}
	}
	if ps.u == nil {
		if ps.s.opts.POP3Security == SecuritySTARTTLS && !ps.isTLS {
			if !ps.s.pop3.isDisabled("STLS") {
				ps.reply("STLS")
			}
		} else {
			ps.reply("USER")
			ps.reply("SASL PLAIN XOAUTH2")
		}
	}
	ps.reply(".")
}

// credentialsAllowed is false on a STARTTLS listener before TLS.
func (ps *pop3Session) credentialsAllowed() bool {
	return ps.isTLS || ps.s.opts.POP3Security == SecurityNone
}

func (ps *pop3Session) authorization(verb, arg string) bool {
	switch verb {
	case "STLS":
		if ps.s.opts.POP3Security != SecuritySTARTTLS || ps.isTLS {
			ps.reply("-ERR STLS not available")
			return true
		}
		ps.reply("+OK begin TLS")
		if ps.w.Flush() != nil {
			return false
		}
		tc := tls.Server(ps.conn, ps.s.certs.serverConfig())
		_ = tc.SetDeadline(time.Now().Add(time.Minute))
		if err := tc.Handshake(); err != nil {
			return false
		}
		_ = tc.SetDeadline(time.Time{})
		ps.conn, ps.isTLS = tc, true
		ps.r.Reset(tc)
		ps.w.Reset(tc)
		return true
	case "USER", "PASS", "AUTH", "APOP":
		ps.s.authAttempts.Add(1)
		if !ps.credentialsAllowed() {
			ps.reply("-ERR [AUTH] use STLS first")
			return true
		}
	}
	switch verb {
	case "USER":
		ps.user = arg
		ps.reply("+OK")
	case "PASS":
		if ps.user == "" || !ps.s.checkPassword(ps.user, arg) {
			ps.reply("-ERR [AUTH] invalid credentials")
			return true
		}
		ps.login(ps.user)
	case "AUTH":
		return ps.authenticate(arg)
	default:
		ps.reply("-ERR unknown command in AUTHORIZATION state")
	}
	return true
}

// authenticate runs RFC 5034 AUTH with PLAIN or XOAUTH2.
func (ps *pop3Session) authenticate(arg string) bool {
	mech, ir, hasIR := strings.Cut(arg, " ")
	var who string
	var srv sasl.Server
	switch strings.ToUpper(mech) {
	case sasl.Plain:
		srv = sasl.NewPlainServer(func(identity, username, password string) error {
			if (identity != "" && identity != username) || !ps.s.checkPassword(username, password) {
				return errors.New("invalid credentials")
			}
			who = username
			return nil
		})
	case mechXOAuth2:
		srv = newXOAuth2Server(func(username, token string) error {
			if !ps.s.checkToken(username, token) {
				return errors.New("invalid token")
			}
			who = username
			return nil
		})
	default:
		ps.reply("-ERR unsupported mechanism")
		return true
	}
	var resp []byte
	if hasIR {
		if ir != "=" {
			var err error
			if resp, err = base64.StdEncoding.DecodeString(ir); err != nil {
				ps.reply("-ERR malformed initial response")
				return true
			}
		} else {
			resp = []byte{}
		}
	}
	for {
		challenge, done, err := srv.Next(resp)
		if err != nil {
			ps.reply("-ERR [AUTH] authentication failed")
			return true
		}
		if done {
			ps.login(who)
			return true
		}
		ps.reply("+ %s", base64.StdEncoding.EncodeToString(challenge))
		ps.s.pop3.trips.Add(1)
		if ps.w.Flush() != nil {
			return false
		}
		line, err := ps.readLine()
		if err != nil {
			return false
		}
		if line == "*" {
			ps.reply("-ERR authentication cancelled")
			return true
		}
		if resp, err = base64.StdEncoding.DecodeString(line); err != nil {
			ps.reply("-ERR malformed response")
			return true
		}
	}
}

// login enters the TRANSACTION state with a snapshot of the maildrop.
func (ps *pop3Session) login(username string) {
	u := ps.s.lookup(username)
	if u == nil {
		ps.reply("-ERR [AUTH] invalid credentials")
		return
	}
	if d := u.maildrop(); d != nil {
		ps.drop, ps.msgs = d, d.snapshot()
	} else {
		msgs, err := ps.s.inboxSnapshot(u)
		if err != nil {
			ps.reply("-ERR [SYS/TEMP] cannot open maildrop")
			return
		}
		ps.msgs = msgs
	}
	ps.u = u
	ps.deleted = map[int]bool{}
	ps.reply("+OK maildrop has %d messages", len(ps.msgs))
}

// message resolves a message-number argument; it replies -ERR itself.
func (ps *pop3Session) message(arg string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(arg))
	if err != nil || n < 1 || n > len(ps.msgs) || ps.deleted[n-1] {
		ps.reply("-ERR no such message")
		return 0, false
	}
	return n - 1, true
}

func (ps *pop3Session) transaction(verb, arg string) {
	args := strings.Fields(arg)
	switch verb {
	case "STAT":
		n, size := 0, int64(0)
		for i, m := range ps.msgs {
			if !ps.deleted[i] {
				n++
				size += m.listSize
			}
		}
		ps.reply("+OK %d %d", n, size)
	case "LIST", "UIDL":
		value := func(i int) string {
			if verb == "LIST" {
				return strconv.FormatInt(ps.msgs[i].listSize, 10)
			}
			return ps.msgs[i].uidl
		}
		if len(args) > 0 {
			if i, ok := ps.message(args[0]); ok {
				ps.reply("+OK %d %s", i+1, value(i))
			}
			return
		}
		ps.reply("+OK listing follows")
		for i := range ps.msgs {
			if !ps.deleted[i] {
				ps.reply("%d %s", i+1, value(i))
			}
		}
		ps.reply(".")
	case "TOP":
		if len(args) != 2 {
			ps.reply("-ERR usage: TOP msg n")
			return
		}
		lines, err := strconv.Atoi(args[1])
		if err != nil || lines < 0 {
			ps.reply("-ERR bad line count")
			return
		}
		if i, ok := ps.message(args[0]); ok {
			ps.reply("+OK")
			writeStuffed(ps.w, top(ps.msgs[i].raw, lines), -1)
		}
	case "RETR":
		if len(args) < 1 {
			ps.reply("-ERR usage: RETR msg")
			return
		}
		if i, ok := ps.message(args[0]); ok {
			ps.reply("+OK %d octets", ps.msgs[i].listSize)
			if ps.s.pop3.takeDrop() {
				writeStuffed(ps.w, ps.msgs[i].raw, len(ps.msgs[i].raw)/2)
				_ = ps.w.Flush()
				_ = ps.conn.Close()
				return
			}
			writeStuffed(ps.w, ps.msgs[i].raw, -1)
		}
	case "DELE":
		if i, ok := ps.message(arg); ok {
			ps.deleted[i] = true
			ps.reply("+OK marked")
		}
	case "RSET":
		ps.deleted = map[int]bool{}
		ps.reply("+OK")
	default:
		ps.reply("-ERR unknown command")
	}
}

// top returns the header, the blank line and the first n body lines.
func top(raw []byte, n int) []byte {
	end := strings.Index(string(raw), "\r\n\r\n")
	if end < 0 {
		return raw
	}
	end += 4
	rest := raw[end:]
	for ; n > 0 && len(rest) > 0; n-- {
		i := strings.Index(string(rest), "\r\n")
		if i < 0 {
			return raw
		}
		rest = rest[i+2:]
	}
	return raw[:len(raw)-len(rest)]
}

// writeStuffed writes raw dot-stuffed and terminated by ".", or, when cut
// is not negative, only its first cut bytes with no terminator.
func writeStuffed(w *bufio.Writer, raw []byte, cut int) {
	if cut >= 0 {
		raw = raw[:cut]
	}
	atStart := true
	for _, b := range raw {
		if atStart && b == '.' {
			w.WriteByte('.')
		}
		w.WriteByte(b)
		atStart = b == '\n'
	}
	if cut >= 0 {
		return
	}
	if !atStart {
		w.WriteString("\r\n")
	}
	w.WriteString(".\r\n")
}
