package mailserver

import (
	"net"
	"sync"
)

// pipeListener hands in-memory connections to a server's Serve loop.
type pipeListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
	addr  net.Addr
}

func newPipeListener(addr net.Addr) *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), done: make(chan struct{}), addr: addr}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return l.addr }

// dial returns the client end of a new in-memory connection whose server end
// the listener's Serve loop accepts.
func (l *pipeListener) dial(local, remote net.Addr) (net.Conn, error) {
	server, client := net.Pipe()
	select {
	case l.conns <- &addrConn{Conn: server, local: local, remote: remote}:
		return client, nil
	case <-l.done:
		server.Close()
		client.Close()
		return nil, net.ErrClosed
	}
}

// addrConn reports the addresses of the TCP connection it stands for.
type addrConn struct {
	net.Conn
	local, remote net.Addr
}

func (c *addrConn) LocalAddr() net.Addr  { return c.local }
func (c *addrConn) RemoteAddr() net.Addr { return c.remote }
