package mailserver_test

import (
	"fmt"
	"log"
	"net"
	"strconv"
	"strings"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/inboxkit/inboxkit/internal/mailserver"
)

// A prospect replies by sending through SMTP as themselves; the reply lands
// in the sender's INBOX.
func Example() {
	srv, err := mailserver.Start(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	if err := srv.AddUser("seller@example.test", "pw1"); err != nil {
		log.Fatal(err)
	}
	if err := srv.AddUser("prospect@example.test", "pw2"); err != nil {
		log.Fatal(err)
	}

	host, port := srv.SMTPAddr()
	c, err := smtp.DialStartTLS(net.JoinHostPort(host, strconv.Itoa(port)), srv.ClientTLSConfig())
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.Auth(sasl.NewPlainClient("", "prospect@example.test", "pw2")); err != nil {
		log.Fatal(err)
	}
	reply := "From: prospect@example.test\r\nTo: seller@example.test\r\nSubject: Re: hello\r\nIn-Reply-To: <1@example.test>\r\n\r\nSounds good.\r\n"
	if err := c.SendMail("prospect@example.test", []string{"seller@example.test"}, strings.NewReader(reply)); err != nil {
		log.Fatal(err)
	}

	inbox, err := srv.Mailbox("seller@example.test", "INBOX")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(inbox), strings.Contains(string(inbox[0]), "In-Reply-To: <1@example.test>"))
	fmt.Println(len(srv.Outbox()), srv.SMTPConnections(), srv.AuthAttempts())
	// Output:
	// 1 true
	// 1 1 1
}
