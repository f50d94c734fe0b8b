package pop3

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"
)

// slowServer answers the greeting and then a RETR in chunks, gap apart;
// after stopAfter chunks it goes silent.
func slowServer(t *testing.T, chunks, stopAfter int, gap time.Duration) (net.Conn, <-chan struct{}) {
	client, server := net.Pipe()
	asked := make(chan struct{})
	t.Cleanup(func() { client.Close(); server.Close() })
	go func() {
		fmt.Fprint(server, "+OK ready\r\n")
		buf := make([]byte, 64)
		if _, err := server.Read(buf); err != nil { // RETR 1
			return
		}
		close(asked)
		fmt.Fprint(server, "+OK\r\n")
		tick := time.NewTicker(gap)
		defer tick.Stop()
		for i := 0; i < chunks; i++ {
			if i == stopAfter {
				<-make(chan struct{}) // silent until the pipe closes
			}
			<-tick.C
			if _, err := fmt.Fprintf(server, "line %d\r\n", i); err != nil {
				return
			}
		}
		fmt.Fprint(server, ".\r\n")
	}()
	return client, asked
}

// TestTimeout_boundsSilenceNotLength: a reply that takes longer than
// Options.Timeout in all but keeps arriving succeeds; one that stops
// fails with a timeout and breaks the session.
func TestTimeout_boundsSilenceNotLength(t *testing.T) {
	ctx := context.Background()
	opts := &Options{Timeout: time.Second}
	conn, _ := slowServer(t, 15, -1, 100*time.Millisecond)
	c, err := NewClient(ctx, conn, "x", opts)
	if err != nil {
		t.Fatal(err)
	}
	body, err := c.Retr(ctx, 1)
	if err != nil || len(body) == 0 {
		t.Fatalf("Retr of a slow but steady reply = %d bytes, %v", len(body), err)
	}

	conn, _ = slowServer(t, 15, 2, 10*time.Millisecond)
	c, err = NewClient(ctx, conn, "x", &Options{Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Retr(ctx, 1)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("Retr of a reply that stops = %v; want a timeout", err)
	}
	if err := c.Noop(ctx); !errors.Is(err, ErrBroken) {
		t.Errorf("Noop after the timeout = %v; want ErrBroken", err)
	}
}

// TestCancel_interruptsRead: cancelling the context ends a read the
// server never answers.
func TestCancel_interruptsRead(t *testing.T) {
	conn, asked := slowServer(t, 15, 0, time.Millisecond)
	c, err := NewClient(context.Background(), conn, "x", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := c.Retr(ctx, 1); done <- err }()
	<-asked // the read is under way (or about to be): the server holds back
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Retr after cancel = %v; want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Retr did not return after cancel")
	}
}
