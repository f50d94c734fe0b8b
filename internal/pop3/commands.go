package pop3

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// pipelineWindow is how many commands go out before their replies are read
// when the server offers PIPELINING (RFC 2449 §6.6). A window of short
// commands (~3 KiB) stays far below the TCP buffers, so writing it
// completes even while the server's replies pile up unread: no deadlock.
const pipelineWindow = 256

// Cmd is one transaction-state command for Pipeline. Build it with Stat,
// UIDL, List, Top or Retr.
type Cmd struct {
	verb  string
	arg   string
	multi bool
	limit int64
}

// Reply is the answer to one Cmd. Err is an *Error for a -ERR; then Text
// and Body are empty.
type Reply struct {
	Text string
	Body []byte
	Err  error
}

// StatCmd is STAT.
func StatCmd() Cmd { return Cmd{verb: "STAT"} }

// UIDLCmd is "UIDL n"; n <= 0 lists every message (multi-line).
func UIDLCmd(n int) Cmd { return scanCmd("UIDL", n) }

// ListCmd is "LIST n"; n <= 0 lists every message (multi-line).
func ListCmd(n int) Cmd { return scanCmd("LIST", n) }

func scanCmd(verb string, n int) Cmd {
	if n <= 0 {
		return Cmd{verb: verb, multi: true}
	}
	return Cmd{verb: verb, arg: strconv.Itoa(n)}
}

// TopCmd is "TOP n lines": the header and that many body lines.
func TopCmd(n, lines int) Cmd {
	return Cmd{verb: "TOP", arg: strconv.Itoa(n) + " " + strconv.Itoa(lines), multi: true}
}

// RetrCmd is "RETR n": the whole message.
func RetrCmd(n int) Cmd { return Cmd{verb: "RETR", arg: strconv.Itoa(n), multi: true} }

// NoopCmd is NOOP.
func NoopCmd() Cmd { return Cmd{verb: "NOOP"} }

// Verb returns the command's verb.
func (c Cmd) Verb() string { return c.verb }

func (c *Client) limitFor(cmd Cmd) int64 {
	switch {
	case cmd.limit > 0:
		return cmd.limit
	case cmd.verb == "RETR" && c.opts.MaxMessage > 0:
		return c.opts.MaxMessage
	case cmd.verb == "RETR":
		return DefaultMaxMessage
	case cmd.verb == "TOP" && c.opts.MaxHeader > 0:
		return c.opts.MaxHeader
	case cmd.verb == "TOP":
		return DefaultMaxHeader
	}
	return 64 << 20 // a UIDL or LIST listing: ~30 bytes a message
}

// Pipeline sends cmds and returns one Reply each, in order. With
// PIPELINING (from Capabilities) commands go out in windows of up to 256
// per round trip; without it, one at a time. On a connection failure or a
// reply over its cap (*TooLargeError) it returns the replies read so far
// and the error; the session is then broken. Capabilities must have been
// read for pipelining to be used.
func (c *Client) Pipeline(ctx context.Context, cmds []Cmd) ([]Reply, error) {
	window := 1
	if c.haveCap && c.caps.Has("PIPELINING") {
		window = pipelineWindow
	}
	out := make([]Reply, 0, len(cmds))
	for len(cmds) > 0 {
		batch := cmds[:min(window, len(cmds))]
		cmds = cmds[len(batch):]
		err := c.exchange(ctx, batch[0].verb, func() error {
			for _, cmd := range batch {
				line := cmd.verb
				if cmd.arg != "" {
					line += " " + cmd.arg
				}
				if err := c.writeLine(line); err != nil {
					return err
				}
			}
			if err := c.w.Flush(); err != nil {
				return err
			}
			for _, cmd := range batch {
				st, err := readStatus(c.r)
				if err != nil {
					return err
				}
				if st.cont {
					return fmt.Errorf("%w: continuation in reply to %s", ErrProtocol, cmd.verb)
				}
				if !st.ok {
					out = append(out, Reply{Err: errorFrom(cmd.verb, st)})
					continue
				}
				r := Reply{Text: st.text}
				if cmd.multi {
					if r.Body, err = readMultiline(c.r, cmd.verb, c.limitFor(cmd)); err != nil {
						return err
					}
				}
				out = append(out, r)
			}
			return nil
		})
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// one runs a single command through Pipeline.
func (c *Client) one(ctx context.Context, cmd Cmd) (Reply, error) {
	replies, err := c.Pipeline(ctx, []Cmd{cmd})
	if err != nil {
		return Reply{}, err
	}
	return replies[0], replies[0].Err
}

// Stat returns the number of messages and their total size.
func (c *Client) Stat(ctx context.Context) (count int, size int64, err error) {
	r, err := c.one(ctx, StatCmd())
	if err != nil {
		return 0, 0, err
	}
	return ParseStat(r.Text)
}

// UIDL returns the unique-id of message n.
func (c *Client) UIDL(ctx context.Context, n int) (string, error) {
	r, err := c.one(ctx, UIDLCmd(n))
	if err != nil {
		return "", err
	}
	_, id, err := ParseScanLine(r.Text)
	return id, err
}

// UIDLAll returns every message's unique-id, indexed by message number
// minus one.
func (c *Client) UIDLAll(ctx context.Context) ([]string, error) {
	r, err := c.one(ctx, UIDLCmd(0))
	if err != nil {
		return nil, err
	}
	return ParseListing(r.Body)
}

// Top returns message n's header and the first lines of its body.
func (c *Client) Top(ctx context.Context, n, lines int) ([]byte, error) {
	r, err := c.one(ctx, TopCmd(n, lines))
	return r.Body, err
}

// Retr returns message n whole, dot-stuffing removed.
func (c *Client) Retr(ctx context.Context, n int) ([]byte, error) {
	r, err := c.one(ctx, RetrCmd(n))
	return r.Body, err
}

// Noop keeps the session alive.
func (c *Client) Noop(ctx context.Context) error {
	_, err := c.one(ctx, NoopCmd())
	return err
}

// ParseStat reads a STAT reply text, "count size".
func ParseStat(text string) (count int, size int64, err error) {
	f := strings.Fields(text)
	if len(f) < 2 {
		return 0, 0, fmt.Errorf("%w: STAT %q", ErrProtocol, truncate(text, 64))
	}
	n, err1 := strconv.Atoi(f[0])
	s, err2 := strconv.ParseInt(f[1], 10, 64)
	if err1 != nil || err2 != nil || n < 0 || s < 0 {
		return 0, 0, fmt.Errorf("%w: STAT %q", ErrProtocol, truncate(text, 64))
	}
	return n, s, nil
}

// ParseScanLine reads "n value" from a LIST or UIDL reply or listing line.
func ParseScanLine(text string) (n int, value string, err error) {
	f := strings.Fields(text)
	if len(f) < 2 {
		return 0, "", fmt.Errorf("%w: scan line %q", ErrProtocol, truncate(text, 64))
	}
	n, err = strconv.Atoi(f[0])
	if err != nil || n <= 0 {
		return 0, "", fmt.Errorf("%w: scan line %q", ErrProtocol, truncate(text, 64))
	}
	return n, f[1], nil
}

// ParseSize reads the size from a LIST reply ("n size").
func ParseSize(text string) (int64, error) {
	_, v, err := ParseScanLine(text)
	if err != nil {
		return 0, err
	}
	s, err := strconv.ParseInt(v, 10, 64)
	if err != nil || s < 0 {
		return 0, fmt.Errorf("%w: size %q", ErrProtocol, truncate(v, 32))
	}
	return s, nil
}

// ParseListing reads a multi-line UIDL or LIST listing into values indexed
// by message number minus one. Numbers must run 1, 2, 3 … as RFC 1939
// requires of a listing without deleted messages.
func ParseListing(body []byte) ([]string, error) {
	var out []string
	for _, line := range strings.Split(string(body), "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" {
			continue
		}
		n, v, err := ParseScanLine(line)
		if err != nil {
			return nil, err
		}
		if n != len(out)+1 {
			return nil, fmt.Errorf("%w: listing skips from %d to %d", ErrProtocol, len(out), n)
		}
		out = append(out, v)
	}
	return out, nil
}
