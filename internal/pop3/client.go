package pop3

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"time"
)

// DefaultMaxMessage is the cap on one RETR when Options.MaxMessage is 0.
const DefaultMaxMessage = 32 << 20

// DefaultMaxHeader is the cap on one TOP n 0 when Options.MaxHeader is 0.
const DefaultMaxHeader = 1 << 20

// ErrInsecure is returned before a credential would cross a connection
// that is not TLS, and by StartTLS when the server refuses STLS.
var ErrInsecure = errors.New("pop3: connection is not TLS; refusing to send credentials")

// ErrBroken is returned by every call after the session failed.
var ErrBroken = errors.New("pop3: session broken by an earlier error")

// Options adjusts a Client. The zero value (or nil) works.
type Options struct {
	// TLSConfig is used for implicit TLS (DialTLS) and STLS; nil uses the
	// system roots with ServerName from the address.
	TLSConfig *tls.Config
	// Timeout bounds each wait for the server: a reply that stops
	// arriving for this long fails, one that keeps arriving does not,
	// however large. Zero means no bound beyond the context's.
	Timeout time.Duration
	// MaxMessage caps a RETR response; zero means DefaultMaxMessage.
	MaxMessage int64
	// MaxHeader caps a TOP response; zero means DefaultMaxHeader.
	MaxHeader int64
}

// Client is one POP3 session.
type Client struct {
	conn    net.Conn
	r       *bufio.Reader
	w       *bufio.Writer
	opts    Options
	host    string
	isTLS   bool
	broken  error
	hard    time.Time   // the context's deadline during an exchange
	cancel  atomic.Bool // the context ended during an exchange
	greet   string
	caps    Caps
	haveCap bool
	trips   int
}

// Dial connects in plaintext and reads the greeting. Call StartTLS before
// anything else: credentials are refused until the connection is TLS.
func Dial(ctx context.Context, addr string, opts *Options) (*Client, error) {
	conn, err := dial(ctx, addr, opts)
	if err != nil {
		return nil, err
	}
	return NewClient(ctx, conn, hostOf(addr), opts)
}

// DialTLS connects with implicit TLS (port 995) and reads the greeting.
func DialTLS(ctx context.Context, addr string, opts *Options) (*Client, error) {
	conn, err := dial(ctx, addr, opts)
	if err != nil {
		return nil, err
	}
	tc := tls.Client(conn, tlsConfig(opts, hostOf(addr)))
	if err := tc.HandshakeContext(ctx); err != nil {
		_ = conn.Close()
		return nil, err
	}
	return NewClient(ctx, tc, hostOf(addr), opts)
}

func dial(ctx context.Context, addr string, opts *Options) (net.Conn, error) {
	d := &net.Dialer{}
	if opts != nil && opts.Timeout > 0 {
		d.Timeout = opts.Timeout
	}
	return d.DialContext(ctx, "tcp", addr)
}

// NewClient starts a session on conn (a *tls.Conn counts as TLS) and reads
// the greeting. host is the server name STLS verifies.
func NewClient(ctx context.Context, conn net.Conn, host string, opts *Options) (*Client, error) {
	c := &Client{conn: conn, w: bufio.NewWriter(conn), host: host}
	c.r = bufio.NewReader(idleReader{c})
	if opts != nil {
		c.opts = *opts
	}
	_, c.isTLS = conn.(*tls.Conn)
	var st status
	err := c.exchange(ctx, "greeting", func() error {
		var err error
		st, err = readStatus(c.r)
		return err
	})
	if err != nil {
		_ = conn.Close()
		return nil, err
	}
	if !st.ok {
		_ = conn.Close()
		return nil, errorFrom("greeting", st)
	}
	c.greet = st.text
	return c, nil
}

func hostOf(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}

func tlsConfig(opts *Options, host string) *tls.Config {
	var cfg *tls.Config
	if opts != nil && opts.TLSConfig != nil {
		cfg = opts.TLSConfig.Clone()
	} else {
		cfg = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	return cfg
}

// Greeting is the text of the server's greeting.
func (c *Client) Greeting() string { return c.greet }

// IsTLS reports whether the session runs over TLS.
func (c *Client) IsTLS() bool { return c.isTLS }

// RoundTrips counts the exchanges this Client waited for (the greeting,
// each command, each pipelined batch), for measuring.
func (c *Client) RoundTrips() int { return c.trips }

// Close closes the connection without QUIT.
func (c *Client) Close() error {
	c.broken = ErrBroken
	return c.conn.Close()
}

// exchange runs fn under the deadlines of ctx and Options.Timeout and
// breaks the session when fn fails on the connection. Options.Timeout
// bounds each wait for the server, not the whole exchange: a large RETR
// that keeps arriving is never cut off, one that stops is.
func (c *Client) exchange(ctx context.Context, cmd string, fn func() error) error {
	if c.broken != nil {
		return c.broken
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	c.hard, _ = ctx.Deadline()
	c.cancel.Store(false)
	if err := c.conn.SetDeadline(c.nextDeadline()); err != nil {
		c.broken = ErrBroken
		return err
	}
	stop := context.AfterFunc(ctx, func() {
		c.cancel.Store(true)
		_ = c.conn.SetDeadline(time.Unix(1, 0))
	})
	c.trips++
	err := fn()
	if !stop() && err != nil {
		err = fmt.Errorf("pop3: %s: %w (%w)", cmd, ctx.Err(), err)
	}
	var pe *Error
	if err != nil && !errors.As(err, &pe) {
		c.broken = ErrBroken
		_ = c.conn.Close()
	}
	return err
}

// nextDeadline is the context's deadline or Options.Timeout from now,
// whichever comes first; zero for none.
func (c *Client) nextDeadline() time.Time {
	d := c.hard
	if c.opts.Timeout > 0 {
		if t := time.Now().Add(c.opts.Timeout); d.IsZero() || t.Before(d) {
			d = t
		}
	}
	return d
}

// idleReader renews the read deadline before every read, so that
// Options.Timeout bounds the server's silence rather than the length of
// what it sends. A cancelled context wins over the renewal.
type idleReader struct{ c *Client }

func (r idleReader) Read(p []byte) (int, error) {
	c := r.c
	_ = c.conn.SetReadDeadline(c.nextDeadline())
	if c.cancel.Load() {
		_ = c.conn.SetReadDeadline(time.Unix(1, 0))
	}
	return c.conn.Read(p)
}

// cmd sends one command line and reads its status line. A -ERR is *Error.
func (c *Client) cmd(ctx context.Context, verb, line string) (string, error) {
	var st status
	err := c.exchange(ctx, verb, func() error {
		if err := c.writeLine(line); err != nil {
			return err
		}
		if err := c.w.Flush(); err != nil {
			return err
		}
		var err error
		st, err = readStatus(c.r)
		return err
	})
	if err != nil {
		return "", err
	}
	if !st.ok {
		if st.cont {
			return "", fmt.Errorf("%w: unexpected continuation to %s", ErrProtocol, verb)
		}
		return "", errorFrom(verb, st)
	}
	return st.text, nil
}

func (c *Client) writeLine(line string) error {
	if strings.ContainsAny(line, "\r\n") {
		return fmt.Errorf("pop3: command contains CR or LF")
	}
	if _, err := c.w.WriteString(line); err != nil {
		return err
	}
	_, err := c.w.WriteString("\r\n")
	return err
}

// StartTLS issues STLS (RFC 2595) and upgrades the connection. A server
// that refuses is ErrInsecure (wrapping its *Error). Capabilities are read
// again afterwards, as RFC 2595 §4 requires.
func (c *Client) StartTLS(ctx context.Context) error {
	if c.isTLS {
		return nil
	}
	if _, err := c.cmd(ctx, "STLS", "STLS"); err != nil {
		var pe *Error
		if errors.As(err, &pe) {
			return fmt.Errorf("%w: %w", ErrInsecure, err)
		}
		return err
	}
	if c.r.Buffered() > 0 {
		// Data sent before the handshake could be injected by anyone on the
		// path (the STARTTLS command-injection class of bugs).
		c.broken = ErrBroken
		_ = c.conn.Close()
		return fmt.Errorf("%w: data after STLS reply", ErrProtocol)
	}
	tc := tls.Client(c.conn, tlsConfig(&c.opts, c.host))
	err := c.exchange(ctx, "STLS", func() error { return tc.HandshakeContext(ctx) })
	if err != nil {
		return err
	}
	c.conn, c.isTLS = tc, true
	c.r.Reset(idleReader{c})
	c.w.Reset(tc)
	c.haveCap, c.caps = false, Caps{}
	return nil
}

// Quit ends the session with QUIT and closes the connection. This client
// never sends DELE, so the server's UPDATE state removes nothing.
func (c *Client) Quit(ctx context.Context) error {
	_, err := c.cmd(ctx, "QUIT", "QUIT")
	_ = c.Close()
	return err
}
