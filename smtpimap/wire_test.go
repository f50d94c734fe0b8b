package smtpimap_test

import (
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
)

// byteCounter is a TCP relay in front of a server that counts the bytes
// the server sends to clients: what a Fetch downloads, measured on the
// wire (TLS framing included, so a slight overcount).
type byteCounter struct {
	ln       net.Listener
	down     atomic.Int64
	accepted atomic.Int64

	mu    sync.Mutex
	conns []net.Conn
}

// countBytes starts a relay to host:port and returns it; its Port is
// what the client should dial instead.
func countBytes(tb testing.TB, host string, port int) *byteCounter {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	bc := &byteCounter{ln: ln}
	target := net.JoinHostPort(host, strconv.Itoa(port))
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			bc.accepted.Add(1)
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			bc.mu.Lock()
			bc.conns = append(bc.conns, c, s)
			bc.mu.Unlock()
			go func() {
				_, _ = io.Copy(s, c)
				s.Close()
			}()
			go func() {
				_, _ = io.Copy(&countingWriter{w: c, n: &bc.down}, s)
				c.Close()
			}()
		}
	}()
	tb.Cleanup(func() {
		ln.Close()
	})
	return bc
}

// DropAll cuts every connection relayed so far, as a NAT timeout or a
// server restart would.
func (bc *byteCounter) DropAll() {
	bc.mu.Lock()
	defer bc.mu.Unlock()
	for _, c := range bc.conns {
		c.Close()
	}
	bc.conns = nil
}

// Port is the relay's local port.
func (bc *byteCounter) Port() int { return bc.ln.Addr().(*net.TCPAddr).Port }

// Down is the bytes sent by the server so far.
func (bc *byteCounter) Down() int64 { return bc.down.Load() }

// Conns is the number of client connections accepted so far.
func (bc *byteCounter) Conns() int { return int(bc.accepted.Load()) }

// Reset zeroes the count.
func (bc *byteCounter) Reset() { bc.down.Store(0) }

type countingWriter struct {
	w io.Writer
	n *atomic.Int64
}

func (cw *countingWriter) Write(p []byte) (int, error) {
	n, err := cw.w.Write(p)
	cw.n.Add(int64(n))
	return n, err
}
