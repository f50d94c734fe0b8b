package graph_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/graph"
	"github.com/inboxkit/inboxkit/internal/fakegraph"
)

// A host mounts one graph.Notifications at a public https URL for all its
// mailboxes, and runs Watch per mailbox; notify says when to Fetch. Here
// fakegraph stands in for Microsoft Graph and a loopback server for the
// host's web server (only the fake accepts plain http).
func ExampleProvider_Watch() {
	graphAPI := fakegraph.New(fakegraph.Options{Email: "ada@inboxkit.test"})
	defer graphAPI.Close()

	hub := &graph.Notifications{}
	mux := http.NewServeMux()
	mux.Handle("/graph/notifications", hub) // change and lifecycle notifications
	web := httptest.NewServer(mux)
	defer web.Close()

	p, err := graph.New(context.Background(), oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "test-token"}), &graph.Options{
		Email:      "ada@inboxkit.test",
		BaseURL:    graphAPI.URL(),
		HTTPClient: graphAPI.Client(),
		Watch: graph.WatchOptions{
			NotificationURL: web.URL + "/graph/notifications",
			Notifications:   hub,
		},
	})
	if err != nil {
		log.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	fetchDue := make(chan struct{}, 1)
	done := make(chan error, 1)
	go func() {
		done <- p.Watch(ctx, func() {
			select {
			case fetchDue <- struct{}{}: // the host would call p.Fetch here
			default: // one is already due
			}
		})
	}()

	<-fetchDue // subscribed: catch up with mail that came before
	fmt.Println("subscriptions:", len(graphAPI.Subscriptions()))

	reply := "From: Bob <bob@prospect.example>\r\nTo: ada@inboxkit.test\r\nSubject: Re: Hello\r\n" +
		"Message-ID: <reply-1@prospect.example>\r\nDate: Mon, 23 Nov 2026 15:00:00 +0000\r\n\r\nSounds good.\r\n"
	if _, err := graphAPI.Deliver("ada@inboxkit.test", "inbox", []byte(reply)); err != nil {
		log.Fatal(err)
	}
	<-fetchDue
	fmt.Println("new mail: Fetch")

	cancel()
	if err := <-done; err != nil {
		log.Fatal(err)
	}
	fmt.Println("subscriptions after Watch:", len(graphAPI.Subscriptions()))
	// Output:
	// subscriptions: 2
	// new mail: Fetch
	// subscriptions after Watch: 0
}
