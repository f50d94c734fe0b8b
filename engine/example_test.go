package engine_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/internal/mailserver"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
	"github.com/inboxkit/inboxkit/smtpimap"
	"github.com/inboxkit/inboxkit/tracking"
)

// mailboxes is the host's list of connected accounts; Open builds a
// provider from what the host stored (here: settings for the in-process
// servers and a password).
type mailboxes struct{ srv *mailserver.Server }

func (m mailboxes) List(ctx context.Context) ([]string, error) { return []string{"ada@acme.test"}, nil }

func (m mailboxes) Open(ctx context.Context, account string) (provider.Provider, error) {
	sh, sp := m.srv.SMTPAddr()
	ih, ip := m.srv.IMAPAddr()
	return smtpimap.New(smtpimap.Config{
		Email: account, Password: crypto.Secret("app password"),
		SMTP:      smtpimap.Server{Host: sh, Port: sp, Security: smtpimap.STARTTLS},
		IMAP:      &smtpimap.Server{Host: ih, Port: ip, Security: smtpimap.STARTTLS},
		TLSConfig: m.srv.ClientTLSConfig(),
	})
}

func Example() {
	srv, err := mailserver.Start(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	if err := srv.AddUser("ada@acme.test", "app password"); err != nil {
		log.Fatal(err)
	}
	// What the host sent earlier, and the reply that came back.
	sent := tracking.NewMemoryIndex(0)
	_ = sent.Add(provider.SentRecord{
		Account: "ada@acme.test", MessageID: "step1.bob@acme.test", Recipients: []string{"bob@client.test"},
		Subject: "Go engineers", Meta: map[string]string{"campaign": "q4"},
	})
	_ = srv.Deliver("ada@acme.test", providertest.Reply("bob@client.test", "ada@acme.test", "Go engineers", "step1.bob@acme.test"))

	got := make(chan engine.Event, 1)
	sink := engine.SinkFunc(func(ctx context.Context, events []engine.Event) error {
		for _, e := range events {
			got <- e // a real sink stores by e.Key
		}
		return nil
	})
	status := engine.StatusFunc(func(ctx context.Context, account string, st provider.AccountState) error {
		fmt.Println(account, "is", st.Status)
		return nil
	})
	e, err := engine.New(engine.Options{
		Accounts: mailboxes{srv}, Cursors: &engine.MemoryCursors{}, SentIndex: sent, Sink: sink, Status: status,
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan error)
	go func() { done <- e.Run(ctx) }()

	ev := <-got
	fmt.Println(ev.Kind, "from", ev.Result.From, "to", ev.Record.MessageID, "campaign", ev.Record.Meta["campaign"])
	cancel()
	if err := <-done; err != nil {
		log.Fatal(err)
	}
	// Output:
	// ada@acme.test is active
	// replied from bob@client.test to step1.bob@acme.test campaign q4
}
