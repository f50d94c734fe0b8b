// Command quickstart tells inboxkit's whole story in one process, with no
// accounts: it starts in-process SMTP and IMAP servers, connects a sender's
// mailbox with sealed credentials, sends a short sequence to a handful of
// prospects, lets them reply, bounce and answer with an out-of-office,
// fetches only the related mail, classifies it, decides who gets the next
// step, and finishes with tracking and send-on-behalf.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"time"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run is the story, step by step; each step lives in a file of its own.
func run(ctx context.Context, w io.Writer) error {
	start := time.Now()
	fmt.Fprintln(w, "inboxkit quickstart: in-process mail servers, no accounts needed")
	fmt.Fprintln(w)

	world, err := startWorld(w)
	if err != nil {
		return err
	}
	defer world.Close()

	sender, err := connect(ctx, w, world)
	if err != nil {
		return err
	}
	defer sender.Close()

	seq, err := runSequence(ctx, w, world, sender)
	if err != nil {
		return err
	}
	if err := runTracking(ctx, w, world, seq); err != nil {
		return err
	}
	if err := runDelegation(ctx, w, world); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nDone in %s.\n", time.Since(start).Round(time.Millisecond))
	return nil
}
