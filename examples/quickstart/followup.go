package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/provider"
)

// followUpGap is the least time between two sends from Ada's mailbox; a
// real host sets minutes, and a sending window in her time zone.
const followUpGap = 250 * time.Millisecond

// stepTwo schedules the follow-up, in step 1's thread, for every prospect
// and lets the engine's outbox send it: paced, and only after the host's
// veto (the ledger's stop rules) said yes right before each send. Bob
// replied and Dan bounced, so theirs are cancelled; Cyd's waits for her
// return from holiday.
func stepTwo(ctx context.Context, w io.Writer, wd *world, seq *sequence) error {
	var mu sync.Mutex
	outcome := map[string]engine.Event{} // by prospect
	var sentAt []time.Time               // when each follow-up's sent event came
	settled := make(chan struct{}, len(prospects))
	sink := engine.SinkFunc(func(ctx context.Context, events []engine.Event) error {
		for _, ev := range events {
			if ev.Send == nil {
				continue // the receive side's events were handled in step 6
			}
			if ev.Record != nil {
				if err := seq.index.Add(*ev.Record); err != nil { // the SentIndex learns the send
					return err
				}
			}
			mu.Lock()
			outcome[ev.Send.Message.To[0].Email] = ev
			if ev.Kind == engine.EventSent {
				sentAt = append(sentAt, time.Now())
			}
			mu.Unlock()
			settled <- struct{}{}
		}
		return nil
	})
	e, err := engine.New(engine.Options{
		Accounts: hostAccounts{wd}, Cursors: &engine.MemoryCursors{}, SentIndex: seq.index, Sink: sink,
		Veto:   engine.LedgerVeto(seq.ledger),
		Pacing: func(context.Context, string) (engine.Pacing, error) { return engine.Pacing{Gap: followUpGap}, nil },
	})
	if err != nil {
		return err
	}
	for _, p := range prospects {
		first := seq.step1[p.Email]
		m := &provider.Message{
			To:             []provider.Address{{Name: p.Name, Email: p.Email}},
			Subject:        "Re: Go engineers for your platform team",
			Text:           "Hi again — a short case study: https://acme.test/case\n",
			InReplyTo:      first.MessageID,
			References:     []string{first.MessageID},
			ThreadID:       first.ThreadID,
			IdempotencyKey: campaign + "/step-2/" + p.Email,
		}
		meta := &engine.ScheduleOptions{Meta: map[string]string{"campaign": campaign, "step": "2"}}
		if _, err := e.Schedule(ctx, senderEmail, m, time.Now(), meta); err != nil {
			return err
		}
	}
	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- e.Run(rctx) }()
	for range len(prospects) - 1 { // Cyd's stays pending
		select {
		case <-settled:
		case <-ctx.Done():
			stop()
			return fmt.Errorf("waiting for the follow-ups: %w", ctx.Err())
		}
	}
	pending, err := e.Pending(ctx, senderEmail)
	stop()
	if rerr := <-done; err == nil {
		err = rerr
	}
	if err != nil {
		return err
	}

	fmt.Fprintln(w, "7. Per prospect   (step 2 scheduled for all; the engine's outbox sends it paced, after the veto)")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "   prospect\tstep 1\twhat came back\tnext step")
	for _, p := range prospects {
		got := seq.outcome[p.Email]
		if got == "" {
			got = "nothing"
		}
		ev, ok := outcome[p.Email]
		var next string
		switch {
		case ok && ev.Kind == engine.EventSent:
			next = fmt.Sprintf("step 2 sent in the same thread (%v)", ev.ThreadID == seq.step1[p.Email].ThreadID)
		case ok:
			_, why, _ := strings.Cut(ev.Reason, p.Email+": ")
			next = "stop: " + why + " — step 2 vetoed at send time"
		default:
			for _, s := range pending {
				if s.Message.To[0].Email == p.Email {
					d := seq.ledger.MayContinue(p.Email, time.Now())
					next = "wait until " + s.At.Format("2 Jan") + " (" + d.Reason + "), step 2 pending"
				}
			}
		}
		fmt.Fprintf(tw, "   %s\t%s\t%s\t%s\n", p.Email, "sent", got, next)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(sentAt) == 2 {
		fmt.Fprintf(w, "   paced: the two follow-ups went %s apart (the mailbox's gap: %s)\n", sentAt[1].Sub(sentAt[0]).Round(10*time.Millisecond), followUpGap)
	}
	return nil
}
