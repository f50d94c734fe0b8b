package engine_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/internal/mailserver"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking"
)

// A first step and its follow-up in the same thread, sent by the
// engine's outbox from Ada's mailbox (in-process SMTP and IMAP servers),
// a gap apart; the follow-up's threading comes from the first step once
// it was sent.
func ExampleEngine_Schedule() {
	srv, err := mailserver.Start(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	if err := srv.AddUser("ada@acme.test", "app password"); err != nil {
		log.Fatal(err)
	}
	got := make(chan engine.Event, 2)
	sink := engine.SinkFunc(func(ctx context.Context, events []engine.Event) error {
		for _, e := range events {
			if e.Send != nil {
				got <- e // a real sink stores by e.Key and adds e.Record to its SentIndex
			}
		}
		return nil
	})
	e, err := engine.New(engine.Options{
		Accounts: mailboxes{srv}, Cursors: &engine.MemoryCursors{}, SentIndex: tracking.NewMemoryIndex(0), Sink: sink,
		Pacing: func(ctx context.Context, account string) (engine.Pacing, error) {
			return engine.Pacing{Gap: 100 * time.Millisecond}, nil // a host sets minutes, and a Window
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	to := []provider.Address{{Name: "Bob", Email: "bob@client.test"}}
	first, err := e.Schedule(ctx, "ada@acme.test", &provider.Message{To: to, Subject: "Go engineers", Text: "Hi Bob, …"}, time.Now(), nil)
	if err != nil {
		log.Fatal(err)
	}
	_, err = e.Schedule(ctx, "ada@acme.test", &provider.Message{To: to, Subject: "Re: Go engineers", Text: "Hi again, …"},
		time.Now(), &engine.ScheduleOptions{After: first})
	if err != nil {
		log.Fatal(err)
	}
	_, err = e.Schedule(ctx, "ada@acme.test", &provider.Message{To: []provider.Address{{Email: "not an address"}}, Subject: "x", Text: "x"}, time.Now(), nil)
	fmt.Println("a bad address is refused at once:", err != nil)

	done := make(chan error)
	go func() { done <- e.Run(ctx) }()
	a, b := <-got, <-got
	fmt.Println(a.Kind, a.Record.Subject)
	fmt.Println(b.Kind, b.Record.Subject, "- in reply to the first:", b.Send.Message.InReplyTo == a.MessageID)
	cancel()
	if err := <-done; err != nil {
		log.Fatal(err)
	}
	// Output:
	// a bad address is refused at once: true
	// sent Go engineers
	// sent Re: Go engineers - in reply to the first: true
}
