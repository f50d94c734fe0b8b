package pop3

import (
	"bytes"
	"context"
	"io"
	"net"
	"testing"
	"time"
)

// scriptConn is a net.Conn whose reads come from a script and whose
// writes are discarded: a server that says whatever the fuzzer wants.
type scriptConn struct{ r *bytes.Reader }

func (c *scriptConn) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err == io.EOF && n == 0 {
		return 0, io.EOF
	}
	return n, nil
}
func (c *scriptConn) Write(p []byte) (int, error)      { return len(p), nil }
func (c *scriptConn) Close() error                     { return nil }
func (c *scriptConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (c *scriptConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (c *scriptConn) SetDeadline(time.Time) error      { return nil }
func (c *scriptConn) SetReadDeadline(time.Time) error  { return nil }
func (c *scriptConn) SetWriteDeadline(time.Time) error { return nil }

// FuzzClient plays arbitrary server bytes to a session that asks CAPA,
// then pipelines STAT, UIDL, LIST, TOP and RETR with small caps: whatever
// the server says (lies about sizes, endless lines, missing terminators),
// the client returns, never reads more than its caps allow into one reply,
// and never panics.
func FuzzClient(f *testing.F) {
	f.Add([]byte("+OK hi\r\n+OK\r\nPIPELINING\r\n.\r\n+OK 1 10\r\n+OK 1 u1\r\n+OK\r\n1 10\r\n.\r\n+OK\r\nA: b\r\n\r\n.\r\n+OK\r\n..x\r\n.\r\n"))
	f.Add([]byte("+OK\r\n-ERR no\r\n+OK 2 5\r\n-ERR [SYS/TEMP] busy\r\n+OK\r\n"))
	f.Add([]byte("+OK\r\n+OK\r\n.\r\n+OK 1 1\r\n+OK 1 u\r\n+OK\r\n" + string(bytes.Repeat([]byte("x"), 5000))))
	f.Fuzz(func(t *testing.T, script []byte) {
		ctx := context.Background()
		c, err := NewClient(ctx, &scriptConn{r: bytes.NewReader(script)}, "example.test", &Options{MaxMessage: 2048, MaxHeader: 512})
		if err != nil {
			return
		}
		if _, err := c.Capabilities(ctx); err != nil {
			return
		}
		replies, _ := c.Pipeline(ctx, []Cmd{StatCmd(), UIDLCmd(1), ListCmd(0), TopCmd(1, 0), RetrCmd(1)})
		if len(replies) > 5 {
			t.Fatalf("%d replies to 5 commands", len(replies))
		}
		for i, r := range replies {
			limit := 64 << 20
			switch i {
			case 3:
				limit = 512
			case 4:
				limit = 2048
			}
			if len(r.Body) > limit {
				t.Fatalf("reply %d has %d bytes; cap %d", i, len(r.Body), limit)
			}
		}
	})
}
