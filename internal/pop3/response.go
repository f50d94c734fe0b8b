package pop3

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// MaxLine caps a status line (RFC 2449 §4 allows 512 octets; a little more
// is tolerated).
const MaxLine = 4096

// Error is a -ERR reply. Code is the RFC 2449 extended response code
// without brackets ("AUTH", "SYS/TEMP", "IN-USE", "LOGIN-DELAY" …), empty
// when the server gave none.
type Error struct {
	Command string // the verb that was refused ("PASS", "TOP" …)
	Code    string
	Text    string
}

func (e *Error) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("pop3: %s: -ERR [%s] %s", e.Command, e.Code, e.Text)
	}
	return fmt.Sprintf("pop3: %s: -ERR %s", e.Command, e.Text)
}

// Temporary reports a reply that says "try later": [SYS/TEMP], [IN-USE]
// and [LOGIN-DELAY] (RFC 2449 §8.1, RFC 3206).
func (e *Error) Temporary() bool {
	switch strings.ToUpper(e.Code) {
	case "SYS/TEMP", "IN-USE", "LOGIN-DELAY":
		return true
	}
	return false
}

// TooLargeError is a response longer than the cap its call allowed. The
// session is broken after it.
type TooLargeError struct {
	Command string
	Limit   int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("pop3: %s: response larger than %d bytes", e.Command, e.Limit)
}

// ErrProtocol marks a response that is not POP3.
var ErrProtocol = errors.New("pop3: malformed response")

// status is a parsed status line.
type status struct {
	ok   bool   // +OK
	cont bool   // "+ " SASL continuation
	text string // the rest of the line
}

// readStatus reads one status line: "+OK ...", "-ERR ..." or, during AUTH,
// "+ base64".
func readStatus(r *bufio.Reader) (status, error) {
	line, err := readLine(r, MaxLine)
	if err != nil {
		return status{}, err
	}
	return parseStatus(line)
}

func parseStatus(line []byte) (status, error) {
	s := string(line)
	switch {
	case s == "+OK" || strings.HasPrefix(s, "+OK "):
		return status{ok: true, text: strings.TrimPrefix(strings.TrimPrefix(s, "+OK"), " ")}, nil
	case s == "-ERR" || strings.HasPrefix(s, "-ERR "):
		return status{text: strings.TrimPrefix(strings.TrimPrefix(s, "-ERR"), " ")}, nil
	case s == "+" || strings.HasPrefix(s, "+ "):
		return status{cont: true, text: strings.TrimPrefix(strings.TrimPrefix(s, "+"), " ")}, nil
	}
	return status{}, fmt.Errorf("%w: status line %q", ErrProtocol, truncate(s, 64))
}

// errorFrom turns a -ERR status into an *Error, splitting off the extended
// response code.
func errorFrom(cmd string, st status) *Error {
	e := &Error{Command: cmd, Text: st.text}
	if strings.HasPrefix(st.text, "[") {
		if end := strings.IndexByte(st.text, ']'); end > 0 {
			e.Code = st.text[1:end]
			e.Text = strings.TrimSpace(st.text[end+1:])
		}
	}
	return e
}

// readLine reads one line without its CRLF (or bare LF). A line over max
// bytes is an error: the caller breaks the session.
func readLine(r *bufio.Reader, max int) ([]byte, error) {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if len(line)+len(chunk) > max {
			return nil, fmt.Errorf("%w: line longer than %d bytes", ErrProtocol, max)
		}
		line = append(line, chunk...)
		if err == nil {
			break
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return nil, err
	}
	line = bytes.TrimSuffix(line, []byte("\n"))
	return bytes.TrimSuffix(line, []byte("\r")), nil
}

// readMultiline reads the body of a multi-line response up to the line
// holding a single ".", removes dot-stuffing (RFC 1939 §3) and returns
// the body with its line endings as sent. A body over limit bytes is a
// *TooLargeError, returned as soon as the limit is passed: the rest is
// never read.
func readMultiline(r *bufio.Reader, cmd string, limit int64) ([]byte, error) {
	var out []byte
	atStart := true
	for {
		chunk, err := r.ReadSlice('\n')
		full := errors.Is(err, bufio.ErrBufferFull)
		if err != nil && !full {
			return nil, err
		}
		if atStart && !full {
			if string(chunk) == ".\r\n" || string(chunk) == ".\n" {
				return out, nil
			}
		}
		if atStart && len(chunk) > 0 && chunk[0] == '.' {
			chunk = chunk[1:]
		}
		if int64(len(out))+int64(len(chunk)) > limit {
			return nil, &TooLargeError{Command: cmd, Limit: limit}
		}
		out = append(out, chunk...)
		atStart = !full
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
