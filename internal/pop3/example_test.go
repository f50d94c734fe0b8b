package pop3_test

import (
	"context"
	"fmt"
	"log"
	"net"
	"strconv"

	"github.com/emersion/go-sasl"

	"github.com/inboxkit/inboxkit/internal/mailserver"
	"github.com/inboxkit/inboxkit/internal/pop3"
)

// Read the headers of a maildrop over implicit TLS, in one pipelined
// round trip, without downloading or deleting anything.
func Example() {
	srv, err := mailserver.Start(&mailserver.Options{POP3Security: mailserver.SecurityTLS})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	_ = srv.AddUser("ada@example.test", "pw")
	drop := mailserver.NewMaildrop()
	drop.Add("a1", []byte("Subject: first\r\n\r\nbody\r\n"))
	drop.Add("a2", []byte("Subject: second\r\n\r\nbody\r\n"))
	_ = srv.SetMaildrop("ada@example.test", drop)

	ctx := context.Background()
	host, port := srv.POP3Addr()
	c, err := pop3.DialTLS(ctx, net.JoinHostPort(host, strconv.Itoa(port)), &pop3.Options{TLSConfig: srv.ClientTLSConfig()})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := c.Capabilities(ctx); err != nil {
		log.Fatal(err)
	}
	if err := c.Authenticate(ctx, sasl.NewPlainClient("", "ada@example.test", "pw")); err != nil {
		log.Fatal(err)
	}
	replies, err := c.Pipeline(ctx, []pop3.Cmd{pop3.UIDLCmd(1), pop3.TopCmd(1, 0), pop3.UIDLCmd(2), pop3.TopCmd(2, 0)})
	if err != nil {
		log.Fatal(err)
	}
	for i := 0; i < len(replies); i += 2 {
		_, uidl, _ := pop3.ParseScanLine(replies[i].Text)
		fmt.Printf("%s: %q\n", uidl, replies[i+1].Body)
	}
	if err := c.Quit(ctx); err != nil {
		log.Fatal(err)
	}
	// Output:
	// a1: "Subject: first\r\n\r\n"
	// a2: "Subject: second\r\n\r\n"
}
