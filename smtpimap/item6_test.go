package smtpimap_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/provider/providertest"
)

// TestItem6_watchCoversEveryFetchFolder: #12 item 6. Watch notifies for
// new mail in every folder Fetch reads: the \Junk folder beside INBOX is
// polled with STATUS (IDLE watches one mailbox per connection), and with
// Config.Folders the IDLE session watches the first of them, not INBOX.
func TestItem6_watchCoversEveryFetchFolder(t *testing.T) {
	tests := []struct {
		name, deliverTo string
		folders         []string
	}{
		{"junk beside INBOX", "Junk", nil},
		{"second of Config.Folders", "Bounces", []string{"INBOX", "Bounces"}},
		{"only folder is not INBOX", "Replies", []string{"Replies"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := testServer(t, nil)
			c := userIMAP(t, srv)
			_ = c.Create(tc.deliverTo, nil).Wait() // Junk exists already
			cfg := configFor(srv)
			cfg.Folders = tc.folders
			cfg.PollInterval = 50 * time.Millisecond
			p := newProvider(t, cfg)
			ctx, cancel := context.WithCancel(ctxT(t))
			defer cancel()
			notes := make(chan struct{}, 64)
			done := make(chan error, 1)
			go func() { done <- p.Watch(ctx, func() { notes <- struct{}{} }) }()
			waitNote(t, notes, "at start")
			// Deliver until three deliveries in a row are each followed by a
			// notification: IDLE reports only mail that arrives once it
			// runs (no test can see it start), and a session's SELECT may
			// notify once by itself.
			deadline := time.Now().Add(15 * time.Second)
			for i, inRow := 0, 0; inRow < 3; i++ {
				for len(notes) > 0 {
					<-notes
				}
				appendAt(t, c, tc.deliverTo, providertest.Unrelated(fmt.Sprintf("x%d@example.net", i), sender), time.Now())
				select {
				case <-notes:
					inRow++
				case <-time.After(500 * time.Millisecond):
					inRow = 0
					if time.Now().After(deadline) {
						t.Fatalf("no notification for new mail in %s", tc.deliverTo)
					}
				}
			}
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Watch = %v; want nil after cancel", err)
			}
		})
	}
}
