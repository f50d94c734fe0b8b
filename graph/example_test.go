package graph_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/graph"
	"github.com/inboxkit/inboxkit/internal/fakegraph"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
	"github.com/inboxkit/inboxkit/tracking"
)

// Send a message and fetch the reply, against the fake Graph API (a host
// leaves BaseURL and HTTPClient empty and passes the TokenSource of its
// connect flow).
func Example() {
	ctx := context.Background()
	fake := fakegraph.New(fakegraph.Options{Email: "ada@inboxkit.test", Name: "Ada Lovelace"})
	defer fake.Close()

	p, err := graph.New(ctx, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "test-token"}), &graph.Options{
		Email:      "ada@inboxkit.test",
		FromName:   "Ada Lovelace",
		BaseURL:    fake.URL(),
		HTTPClient: fake.Client(),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	if err := p.Verify(ctx); err != nil {
		log.Fatal(err)
	}

	m := &provider.Message{
		To:      []provider.Address{{Name: "Bob", Email: "bob@prospect.example"}},
		Subject: "Quick question",
		Text:    "Do you have ten minutes this week?\r\n",
	}
	sent, err := p.Send(ctx, m)
	if err != nil {
		log.Fatal(err)
	}
	idx := tracking.NewMemoryIndex(0)
	if err := idx.Add(*provider.RecordOf("ada@inboxkit.test", m, sent)); err != nil {
		log.Fatal(err)
	}
	first, err := p.Fetch(ctx, "", idx)
	if err != nil {
		log.Fatal(err)
	}

	// Bob answers; the next poll returns the reply and nothing else.
	_, _ = fake.Deliver("ada@inboxkit.test", "inbox", providertest.Reply("bob@prospect.example", "ada@inboxkit.test", m.Subject, sent.MessageID))
	_, _ = fake.Deliver("ada@inboxkit.test", "inbox", providertest.Unrelated("news@shop.example", "ada@inboxkit.test"))
	batch, err := p.Fetch(ctx, first.Cursor, idx)
	if err != nil {
		log.Fatal(err)
	}
	for _, in := range batch.Messages {
		fmt.Println(in.Folder, in.MatchedBy, in.ThreadID == sent.ThreadID)
	}
	// Output:
	// Inbox in-reply-to true
}

// Exchange's sending limits are checked before a message reaches Graph:
// over them Send says how long to wait.
func ExampleProvider_Usage() {
	ctx := context.Background()
	fake := fakegraph.New(fakegraph.Options{Email: "ada@inboxkit.test"})
	defer fake.Close()
	p, err := graph.New(ctx, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "test-token"}), &graph.Options{
		Email: "ada@inboxkit.test", BaseURL: fake.URL(), HTTPClient: fake.Client(),
		SendLimits: graph.SendLimits{MessagesPerMinute: 1},
	})
	if err != nil {
		log.Fatal(err)
	}
	m := func() *provider.Message {
		return &provider.Message{To: []provider.Address{{Email: "bob@prospect.example"}}, Subject: "Hi", Text: "Hi Bob\r\n"}
	}
	if _, err := p.Send(ctx, m()); err != nil {
		log.Fatal(err)
	}
	_, err = p.Send(ctx, m())
	wait, _ := provider.RetryAfter(err)
	fmt.Println(errors.Is(err, provider.ErrRateLimited), wait > 0 && wait <= time.Minute)
	fmt.Println(p.Usage().MessagesLastMinute, "sent this minute")
	// Output:
	// true true
	// 1 sent this minute
}
