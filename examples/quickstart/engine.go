package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/smtpimap"
	"github.com/inboxkit/inboxkit/tracking"
	"github.com/inboxkit/inboxkit/tracking/activity"
)

// hostAccounts is the host's list of connected mailboxes for the engine:
// here only Ada's, opened from the settings she typed in.
type hostAccounts struct{ wd *world }

func (h hostAccounts) List(ctx context.Context) ([]string, error) { return []string{senderEmail}, nil }

func (h hostAccounts) Open(ctx context.Context, account string) (provider.Provider, error) {
	cfg := h.wd.config(account)
	cfg.FromName = "Ada Lovelace"
	cfg.Password = crypto.Secret(senderPass) // a host loads it from its sealed credential store
	return smtpimap.New(cfg)
}

// runEngine runs Ada's mailbox through the engine until the related mail
// has come in as events: the engine watches INBOX with IMAP IDLE, fetches
// from the saved cursor, classifies, hands the events to the sink and
// saves the cursor after. The sink records them in the ledger.
func runEngine(ctx context.Context, w io.Writer, wd *world, seq *sequence, want int) error {
	var mu sync.Mutex
	var kinds []string
	arrived := make(chan struct{}, 16)
	sink := engine.SinkFunc(func(ctx context.Context, events []engine.Event) error {
		for _, ev := range events {
			for _, te := range activity.EventsOf(ev.Result, ev.Record, ev.At) {
				if err := seq.ledger.Record(ctx, te); err != nil {
					return err // the engine retries the batch later; keys make that safe
				}
			}
			res := ev.Result
			who := res.From
			if res.Class == tracking.ClassBounce && len(res.Recipients) > 0 {
				who = res.Recipients[0].Address
			}
			desc := string(res.Class)
			switch res.Class {
			case tracking.ClassBounce:
				desc = fmt.Sprintf("bounce (%s, %s, hard=%v)", res.Status, res.Reason, res.Hard)
			case tracking.ClassReply:
				// The new text only (quote and signature removed) and
				// what it asks for.
				desc = fmt.Sprintf("reply, %s: %q", res.Intent, res.Text)
			}
			mu.Lock()
			seq.outcome[strings.ToLower(addressOf(who))] = desc
			kinds = append(kinds, string(ev.Kind))
			mu.Unlock()
			arrived <- struct{}{}
		}
		return nil
	})
	var status provider.Status
	e, err := engine.New(engine.Options{
		Accounts: hostAccounts{wd}, Cursors: &engine.MemoryCursors{}, SentIndex: seq.index, Sink: sink,
		Status: engine.StatusFunc(func(ctx context.Context, account string, st provider.AccountState) error {
			mu.Lock()
			status = st.Status
			mu.Unlock()
			return nil
		}),
	})
	if err != nil {
		return err
	}
	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- e.Run(rctx) }()
	stopped := false
	defer func() {
		if !stopped {
			stop()
			<-done
		}
	}()

	for range want {
		select {
		case <-arrived:
		case <-ctx.Done():
			return fmt.Errorf("waiting for the engine's events: %w", ctx.Err())
		}
	}
	inbox, _ := wd.srv.Mailbox(senderEmail, "INBOX")
	mu.Lock()
	fmt.Fprintf(w, "6. Engine         %s %s; %d related of %d messages in Ada's INBOX became events: %s\n",
		senderEmail, status, len(kinds), len(inbox), strings.Join(kinds, ", "))
	mu.Unlock()

	// A webhook handler would Kick; nothing new arrived, so no new event.
	before := e.Stats().Fetches
	e.Kick(senderEmail)
	for e.Stats().Fetches == before && ctx.Err() == nil {
		<-time.After(5 * time.Millisecond)
	}
	stop()
	stopped = true
	if err := <-done; err != nil {
		return err
	}
	if len(arrived) > 0 {
		return fmt.Errorf("an event was delivered twice")
	}
	fmt.Fprintf(w, "                  kicked again: 0 new events (the cursor was saved once the sink took the batch; %d Fetches in all)\n", e.Stats().Fetches)
	return nil
}
