package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/provider"
)

// Two replicas share a Queue: a send that one schedules for an account
// the other runs waits until the runner is told (KickOutbox), then goes.
func TestEngine_kickOutboxSendsAnotherReplicasSchedule(t *testing.T) {
	w := newIMAPWorld(t, 1)
	account := w.ids[0]
	queue := engine.NewMemoryQueue(nil)
	runner := newStores()
	opts := runner.options(w, w.index)
	opts.Queue = queue
	a, _ := start(t, opts)
	waitFor(t, "the account's send loop waiting with nothing to send", func() bool {
		return a.Kick(account) && a.Stats().SendWaits > 0
	})
	other := newStores() // its own leases, and no account to run
	optsB := other.options(accountsFunc{w, nil}, w.index)
	optsB.Queue = queue
	b, _ := start(t, optsB)
	if b.KickOutbox(account) {
		t.Errorf("KickOutbox on the replica not running the account = true; want false")
	}
	m := &provider.Message{To: []provider.Address{{Email: "prospect@client.example"}}, Subject: "Hello", Text: "From the other replica."}
	if _, err := b.Schedule(context.Background(), account, m, time.Now(), nil); err != nil {
		t.Fatal(err)
	}
	if !a.KickOutbox(account) {
		t.Fatalf("KickOutbox on the replica running the account = false; want true")
	}
	waitFor(t, "the send", func() bool { return a.Stats().Sent == 1 })
}
