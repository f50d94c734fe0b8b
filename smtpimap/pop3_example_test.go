package smtpimap_test

import (
	"context"
	"fmt"
	"log"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/internal/mailserver"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
	"github.com/inboxkit/inboxkit/smtpimap"
)

// A mailbox that offers only POP3 for reading: send over SMTP, then read
// the reply over POP3 (here against the in-process test servers).
func Example_pop3() {
	srv, err := mailserver.Start(&mailserver.Options{POP3Security: mailserver.SecurityTLS})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	if err := srv.AddUser("ada@example.test", "pw"); err != nil {
		log.Fatal(err)
	}
	smtpHost, smtpPort := srv.SMTPAddr()
	popHost, popPort := srv.POP3Addr()
	p, err := smtpimap.New(smtpimap.Config{
		Email:     "ada@example.test",
		Password:  crypto.Secret("pw"),
		SMTP:      smtpimap.Server{Host: smtpHost, Port: smtpPort, Security: smtpimap.STARTTLS},
		POP3:      &smtpimap.Server{Host: popHost, Port: popPort, Security: smtpimap.TLS},
		TLSConfig: srv.ClientTLSConfig(),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	ctx := context.Background()
	if err := p.Verify(ctx); err != nil {
		log.Fatal(err)
	}
	f := p.Features()
	fmt.Println("receive:", f.Receive, "- sent copy:", f.SentCopy)

	m := &provider.Message{To: []provider.Address{{Email: "bob@example.net"}}, Subject: "Lunch?", Text: "Tuesday?"}
	sent, err := p.Send(ctx, m)
	if err != nil {
		log.Fatal(err)
	}
	idx := exampleIndex{sent.MessageID: provider.RecordOf("ada@example.test", m, sent)}
	// Bob replies; a newsletter arrives too.
	_ = srv.Deliver("ada@example.test", providertest.Reply("bob@example.net", "ada@example.test", "Lunch?", sent.MessageID))
	_ = srv.Deliver("ada@example.test", providertest.Unrelated("news@shop.example", "ada@example.test"))

	batch, err := p.Fetch(ctx, "", idx)
	if err != nil {
		log.Fatal(err)
	}
	for _, in := range batch.Messages {
		fmt.Println("reply to", in.Record.Subject, "matched by", in.MatchedBy)
	}
	fmt.Println("messages deleted from the server:", srv.POP3Count("DELE"))
	// Output:
	// receive: pop3 - sent copy: unknown
	// reply to Lunch? matched by in-reply-to
	// messages deleted from the server: 0
}

type exampleIndex map[string]*provider.SentRecord

func (x exampleIndex) ByMessageID(_ context.Context, id string) (*provider.SentRecord, error) {
	if r, ok := x[id]; ok {
		return r, nil
	}
	return nil, provider.ErrNotFound
}

func (x exampleIndex) ByThread(context.Context, string, string) (*provider.SentRecord, error) {
	return nil, provider.ErrNotFound
}
