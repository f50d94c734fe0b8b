package smtpimap_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/internal/mailserver"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
	"github.com/inboxkit/inboxkit/smtpimap"
)

// exampleServer starts the in-process SMTP and IMAP servers the examples
// run against, with the mailboxes of Ada (the host's user) and Bob.
func exampleServer() *mailserver.Server {
	srv, err := mailserver.Start(nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, u := range []string{"ada@inboxkit.test", "bob@inboxkit.test"} {
		if err := srv.AddUser(u, "app-password"); err != nil {
			log.Fatal(err)
		}
	}
	return srv
}

// exampleConfig is Ada's connection to srv. A host gives Host and Port (or
// runs Discover) and leaves TLSConfig nil for the system roots; the test
// servers use a throw-away certificate and random ports.
func exampleConfig(srv *mailserver.Server) smtpimap.Config {
	smtpHost, smtpPort := srv.SMTPAddr()
	imapHost, imapPort := srv.IMAPAddr()
	return smtpimap.Config{
		Email:     "ada@inboxkit.test",
		FromName:  "Ada Lovelace",
		Password:  crypto.Secret("app-password"),
		SMTP:      smtpimap.Server{Host: smtpHost, Port: smtpPort, Security: smtpimap.STARTTLS},
		IMAP:      &smtpimap.Server{Host: imapHost, Port: imapPort, Security: smtpimap.STARTTLS},
		TLSConfig: srv.ClientTLSConfig(),
	}
}

// exampleProvider is Ada's Provider, as ExampleNew makes it.
func exampleProvider(srv *mailserver.Server) *smtpimap.Provider {
	p, err := smtpimap.New(exampleConfig(srv))
	if err != nil {
		log.Fatal(err)
	}
	return p
}

// sentRecords is the host's SentIndex, here a map by Message-ID.
type sentRecords map[string]*provider.SentRecord

func (x sentRecords) ByMessageID(_ context.Context, id string) (*provider.SentRecord, error) {
	if r, ok := x[id]; ok {
		return r, nil
	}
	return nil, provider.ErrNotFound
}

func (x sentRecords) ByThread(context.Context, string, string) (*provider.SentRecord, error) {
	return nil, provider.ErrNotFound
}

// Connect a mailbox: New checks the settings without touching the network,
// Verify signs in to SMTP and IMAP, so a wrong password is
// provider.ErrAuth before the host saves the connection.
func ExampleNew() {
	srv := exampleServer()
	defer srv.Close()
	ctx := context.Background()

	p, err := smtpimap.New(exampleConfig(srv))
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	fmt.Println("verify:", provider.AccountStateOf(p.Verify(ctx), time.Now()).Status)

	wrong := exampleConfig(srv)
	wrong.Password = crypto.Secret("typo")
	q, err := smtpimap.New(wrong)
	if err != nil {
		log.Fatal(err)
	}
	defer q.Close()
	err = q.Verify(ctx)
	fmt.Println("wrong password:", provider.NeedsReconnect(err))
	// Output:
	// verify: active
	// wrong password: true
}

// Send a message: it goes out over SMTP, and the exact bytes are appended
// to the Sent folder, whose IMAP UID becomes the Sent's ProviderID.
func ExampleProvider_Send() {
	srv := exampleServer()
	defer srv.Close()
	p := exampleProvider(srv)
	defer p.Close()

	sent, err := p.Send(context.Background(), &provider.Message{
		To:             []provider.Address{{Name: "Bob", Email: "bob@inboxkit.test"}},
		Subject:        "Quick question",
		Text:           "Do you have ten minutes this week?",
		IdempotencyKey: "sequence-7/step-1/bob",
	})
	if err != nil {
		log.Fatal(err)
	}
	out := srv.Outbox()
	copies, _ := srv.Mailbox("ada@inboxkit.test", "Sent")
	fmt.Println("delivered to:", out[0].To)
	fmt.Println("saved to Sent:", len(copies), "copy, UID", sent.ProviderID)
	fmt.Println("Message-ID from the key:", providertest.MessageIDOf(out[0].Data) == sent.MessageID)
	// Output:
	// delivered to: [bob@inboxkit.test]
	// saved to Sent: 1 copy, UID 1
	// Message-ID from the key: true
}

// Fetch returns only the mail that relates to what was sent: Bob's reply,
// not the newsletter beside it.
func ExampleProvider_Fetch() {
	srv := exampleServer()
	defer srv.Close()
	ctx := context.Background()
	p := exampleProvider(srv)
	defer p.Close()

	m := &provider.Message{
		To:      []provider.Address{{Email: "bob@inboxkit.test"}},
		Subject: "Quick question",
		Text:    "Do you have ten minutes this week?",
	}
	sent, err := p.Send(ctx, m)
	if err != nil {
		log.Fatal(err)
	}
	idx := sentRecords{sent.MessageID: provider.RecordOf("ada@inboxkit.test", m, sent)}

	_ = srv.Deliver("ada@inboxkit.test", providertest.Reply("bob@inboxkit.test", "ada@inboxkit.test", m.Subject, sent.MessageID))
	_ = srv.Deliver("ada@inboxkit.test", providertest.Unrelated("news@shop.example", "ada@inboxkit.test"))
	batch, err := p.Fetch(ctx, "", idx) // "": look back over recent mail
	if err != nil {
		log.Fatal(err)
	}
	for _, in := range batch.Messages {
		fmt.Println("reply to", in.Record.Subject, "matched by", in.MatchedBy)
	}
	again, err := p.Fetch(ctx, batch.Cursor, idx) // the host saves the cursor between runs
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("next fetch:", len(again.Messages), "messages")
	// Output:
	// reply to Quick question matched by in-reply-to
	// next fetch: 0 messages
}

// Watch runs for as long as the mailbox is connected and calls notify when
// the host should Fetch: once at the start (to catch up with what came in
// while nobody watched), and whenever IMAP IDLE reports new mail.
func ExampleProvider_Watch() {
	srv := exampleServer()
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	p := exampleProvider(srv)
	defer p.Close()

	m := &provider.Message{To: []provider.Address{{Email: "bob@inboxkit.test"}}, Subject: "Quick question", Text: "Ten minutes?"}
	sent, err := p.Send(ctx, m)
	if err != nil {
		log.Fatal(err)
	}
	idx := sentRecords{sent.MessageID: provider.RecordOf("ada@inboxkit.test", m, sent)}
	// Bob answers before anyone watches the mailbox.
	_ = srv.Deliver("ada@inboxkit.test", providertest.Reply("bob@inboxkit.test", "ada@inboxkit.test", m.Subject, sent.MessageID))

	fetchDue := make(chan struct{}, 1)
	done := make(chan error, 1)
	go func() {
		done <- p.Watch(ctx, func() {
			select {
			case fetchDue <- struct{}{}: // the host's loop calls p.Fetch
			default: // one is already due
			}
		})
	}()
	<-fetchDue
	batch, err := p.Fetch(ctx, "", idx)
	if err != nil {
		log.Fatal(err)
	}
	for _, in := range batch.Messages {
		fmt.Println("caught up: reply to", in.Record.Subject)
	}

	cancel()
	fmt.Println("Watch ended:", <-done)
	// Output:
	// caught up: reply to Quick question
	// Watch ended: <nil>
}
