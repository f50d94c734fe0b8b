package engine_test

import (
	"bytes"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/engine/enginetest"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking/beacon"
)

// #12 item 6: a wrapper over a provider that cannot push forwards Watch,
// which says errors.ErrUnsupported at once; the engine then polls the
// account every PollInterval instead of restarting it.
func TestEngine_pollsWhenAWrapperHasNoPush(t *testing.T) {
	w := newIMAPWorld(t, 1)
	acct := w.ids[0]
	signer, err := beacon.NewSigner("k1", map[string][]byte{"k1": bytes.Repeat([]byte{7}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	w.wrap = func(account string, p provider.Provider) provider.Provider {
		tracked, err := beacon.Wrap(noWatch{p}, signer, &beacon.Options{BaseURL: "https://t.example.com/t"})
		if err != nil {
			t.Error(err)
			return p
		}
		return tracked
	}
	var opens atomic.Int32
	w.open = func(string) error { opens.Add(1); return nil }
	clock := enginetest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	s := newStores()
	s.leases = engine.NewMemoryLeases(clock)
	opts := s.options(w, w.index)
	opts.Clock, opts.LeaseTTL, opts.PollInterval = clock, 24*time.Hour, time.Minute
	e, _ := start(t, opts)
	waitFor(t, "the first Fetch", func() bool { return e.Stats().Fetches == 1 })
	reply := w.reply(t, acct)
	waitFor(t, "the poll timer", func() bool { d, ok := clock.Next(); return ok && d <= time.Minute })
	d, _ := clock.Next()
	clock.Advance(d)
	waitFor(t, "the polled reply", func() bool { return has(s.sink, reply) })
	if n := opens.Load(); n != 1 {
		t.Errorf("the account was opened %d times; want once: no push is not a failure to restart on", n)
	}
	for _, st := range s.status.history(acct) {
		if st == provider.StatusError {
			t.Errorf("status history %v; want no error for a provider without push", s.status.history(acct))
			break
		}
	}
}
