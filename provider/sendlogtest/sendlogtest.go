// Package sendlogtest is the conformance suite for provider.SendLog. A host
// that keeps idempotency keys in its own database runs Run against its
// implementation from an ordinary test:
//
//	func TestSendLog(t *testing.T) {
//		sendlogtest.Run(t, func(t *testing.T) provider.SendLog {
//			return newMyLog(t) // empty, cleaned up with t.Cleanup
//		})
//	}
//
// The suite checks what the providers' Deduper (internal/providerkit) relies on for "at most once per
// IdempotencyKey": a new key is claimed once; a SendDone entry is returned
// with its Sent and never changes again; a SendUnknown entry, and an
// in-flight entry whose lease ran out, are taken over by exactly one of
// many concurrent Begins; a fresh in-flight entry is never taken over; keys
// of different accounts are distinct; and, end to end, two Dedupers sharing
// the log after a crash deliver once. A log that is also a
// provider.HandoverLog keeps the hand-over mark across a takeover, so a
// retry after a crash past the hand-over is refused rather than sent
// again. Run it with -race.
package sendlogtest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// racers is how many goroutines race for one key.
const racers = 8

// lease is the in-flight lease the suite passes to Begin.
const lease = 10 * time.Minute

// base is the suite's clock: Begin takes the caller's time, so the suite
// never waits for a lease to run out.
func base() time.Time { return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) }

// Run runs the suite. newLog must return a new, empty log each time it is
// called (once per subtest) and release it with t.Cleanup.
func Run(t *testing.T, newLog func(t *testing.T) provider.SendLog) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, l provider.SendLog)
	}{
		{"NewKey", testNewKey},
		{"FinishDone", testFinishDone},
		{"FinishUnknownThenRetry", testFinishUnknownThenRetry},
		{"FreshInFlightKept", testFreshInFlightKept},
		{"ExpiredInFlightTakenOver", testExpiredInFlightTakenOver},
		{"FinishMissing", testFinishMissing},
		{"KeysPerAccount", testKeysPerAccount},
		{"ConcurrentNewKey", testConcurrentNewKey},
		{"ConcurrentTakeover", testConcurrentTakeover},
		{"ConcurrentUnknownRetry", testConcurrentUnknownRetry},
		{"ConcurrentFinish", testConcurrentFinish},
		{"DeduperAfterCrash", testDeduperAfterCrash},
		{"HandoverSurvivesTakeover", testHandoverSurvivesTakeover},
		{"DeduperAfterCrashPastHandover", testDeduperAfterCrashPastHandover},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newLog(t)
			if l == nil {
				t.Fatal("newLog returned nil")
			}
			tc.fn(t, l)
		})
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return c
}

func begin(t *testing.T, l provider.SendLog, account, key, messageID string, now time.Time) *provider.SendEntry {
	t.Helper()
	e, err := l.Begin(ctx(t), account, key, messageID, now, lease)
	if err != nil {
		t.Fatalf("Begin(%s, %s) = %v", account, key, err)
	}
	return e
}

func finish(t *testing.T, l provider.SendLog, account, key string, state provider.SendState, sent *provider.Sent) {
	t.Helper()
	if err := l.Finish(ctx(t), account, key, state, sent); err != nil {
		t.Fatalf("Finish(%s, %s, %d) = %v", account, key, state, err)
	}
}

func wantEntry(t *testing.T, what string, got *provider.SendEntry, state provider.SendState, messageID string) {
	t.Helper()
	switch {
	case got == nil:
		t.Fatalf("%s = nil; want an entry in state %d", what, state)
	case got.State != state || got.MessageID != messageID:
		t.Fatalf("%s = state %d, MessageID %q; want state %d, %q", what, got.State, got.MessageID, state, messageID)
	}
}

func testNewKey(t *testing.T, l provider.SendLog) {
	if e := begin(t, l, "a@example.com", "k", "m1@example.com", base()); e != nil {
		t.Fatalf("Begin of a new key = %+v; want nil", e)
	}
	e := begin(t, l, "a@example.com", "k", "m2@example.com", base().Add(time.Minute))
	wantEntry(t, "second Begin", e, provider.SendInFlight, "m1@example.com")
	if !e.Updated.Equal(base()) {
		t.Errorf("Updated = %v; want the first Begin's time %v", e.Updated, base())
	}
}

func testFinishDone(t *testing.T, l provider.SendLog) {
	begin(t, l, "a@example.com", "k", "m1@example.com", base())
	sent := &provider.Sent{MessageID: "m1@example.com", ProviderID: "p-17", ThreadID: "t-3", SentAt: base().Add(time.Second)}
	finish(t, l, "a@example.com", "k", provider.SendDone, sent)
	sent.ProviderID = "changed by the caller afterwards"
	// Neither a later failure report nor a late Begin changes a delivery.
	finish(t, l, "a@example.com", "k", provider.SendUnknown, nil)
	e := begin(t, l, "a@example.com", "k", "other@example.com", base().Add(time.Hour))
	wantEntry(t, "Begin after Finish(SendDone)", e, provider.SendDone, "m1@example.com")
	want := provider.Sent{MessageID: "m1@example.com", ProviderID: "p-17", ThreadID: "t-3", SentAt: base().Add(time.Second)}
	if e.Sent == nil || e.Sent.MessageID != want.MessageID || e.Sent.ProviderID != want.ProviderID ||
		e.Sent.ThreadID != want.ThreadID || !e.Sent.SentAt.Equal(want.SentAt) {
		t.Errorf("Sent = %+v; want %+v", e.Sent, want)
	}
}

func testFinishUnknownThenRetry(t *testing.T, l provider.SendLog) {
	begin(t, l, "a@example.com", "k", "m1@example.com", base())
	finish(t, l, "a@example.com", "k", provider.SendUnknown, nil)
	e := begin(t, l, "a@example.com", "k", "m2@example.com", base().Add(time.Second))
	wantEntry(t, "Begin after Finish(SendUnknown)", e, provider.SendUnknown, "m1@example.com")
	e = begin(t, l, "a@example.com", "k", "m3@example.com", base().Add(2*time.Second))
	wantEntry(t, "Begin after the retry was claimed", e, provider.SendInFlight, "m1@example.com")
}

func testFreshInFlightKept(t *testing.T, l provider.SendLog) {
	begin(t, l, "a@example.com", "k", "m1@example.com", base())
	for _, after := range []time.Duration{0, time.Second, lease - time.Second, lease} {
		e := begin(t, l, "a@example.com", "k", "m1@example.com", base().Add(after))
		wantEntry(t, fmt.Sprintf("Begin %v later", after), e, provider.SendInFlight, "m1@example.com")
		if !e.Updated.Equal(base()) {
			t.Errorf("Begin %v later changed Updated to %v; want %v kept", after, e.Updated, base())
		}
	}
}

func testExpiredInFlightTakenOver(t *testing.T, l provider.SendLog) {
	begin(t, l, "a@example.com", "k", "m1@example.com", base())
	later := base().Add(lease + time.Second)
	e := begin(t, l, "a@example.com", "k", "m2@example.com", later)
	wantEntry(t, "Begin after the lease ran out", e, provider.SendUnknown, "m1@example.com")
	e = begin(t, l, "a@example.com", "k", "m2@example.com", later.Add(time.Second))
	wantEntry(t, "Begin after the takeover", e, provider.SendInFlight, "m1@example.com")
	if !e.Updated.Equal(later) {
		t.Errorf("Updated after takeover = %v; want the taker's time %v", e.Updated, later)
	}
}

func testFinishMissing(t *testing.T, l provider.SendLog) {
	err := l.Finish(ctx(t), "a@example.com", "never-begun", provider.SendDone, &provider.Sent{MessageID: "m"})
	if !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("Finish of a key never begun = %v; want ErrNotFound", err)
	}
}

func testKeysPerAccount(t *testing.T, l provider.SendLog) {
	for i, k := range []struct{ account, key string }{
		{"a@example.com", "k"}, {"b@example.com", "k"}, {"a@example.com", "k2"},
		{"a@example.com", "K"}, {"a@example.co", "mk"}, {"a@example.com", "\x00"},
	} {
		if e := begin(t, l, k.account, k.key, fmt.Sprintf("m%d@example.com", i), base()); e != nil {
			t.Errorf("Begin(%q, %q) = %+v; want nil: keys are per account and exact", k.account, k.key, e)
		}
	}
}

// race runs fn from racers goroutines at once and returns their results.
func race(t *testing.T, fn func() (*provider.SendEntry, error)) []*provider.SendEntry {
	t.Helper()
	out := make([]*provider.SendEntry, racers)
	errs := make([]error, racers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			<-start
			out[i], errs[i] = fn()
		})
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("concurrent Begin = %v", err)
		}
	}
	return out
}

// owners counts the entries that let their caller send: nil or SendUnknown.
func owners(es []*provider.SendEntry) int {
	n := 0
	for _, e := range es {
		if e == nil || e.State == provider.SendUnknown {
			n++
		}
	}
	return n
}

func testConcurrentNewKey(t *testing.T, l provider.SendLog) {
	c := ctx(t)
	es := race(t, func() (*provider.SendEntry, error) {
		return l.Begin(c, "a@example.com", "k", "m1@example.com", base(), lease)
	})
	if n := owners(es); n != 1 {
		t.Errorf("%d of %d concurrent Begins of a new key may send; want exactly 1", n, racers)
	}
}

func testConcurrentTakeover(t *testing.T, l provider.SendLog) {
	begin(t, l, "a@example.com", "k", "m1@example.com", base())
	c := ctx(t)
	later := base().Add(lease + time.Second)
	es := race(t, func() (*provider.SendEntry, error) {
		return l.Begin(c, "a@example.com", "k", "m2@example.com", later, lease)
	})
	if n := owners(es); n != 1 {
		t.Errorf("%d of %d concurrent retries took over the expired in-flight entry; want exactly 1", n, racers)
	}
}

func testConcurrentUnknownRetry(t *testing.T, l provider.SendLog) {
	begin(t, l, "a@example.com", "k", "m1@example.com", base())
	finish(t, l, "a@example.com", "k", provider.SendUnknown, nil)
	c := ctx(t)
	es := race(t, func() (*provider.SendEntry, error) {
		return l.Begin(c, "a@example.com", "k", "m2@example.com", base().Add(time.Second), lease)
	})
	if n := owners(es); n != 1 {
		t.Errorf("%d of %d concurrent retries of an unknown outcome may send; want exactly 1", n, racers)
	}
}

func testConcurrentFinish(t *testing.T, l provider.SendLog) {
	c := ctx(t)
	var wg sync.WaitGroup
	for i := range racers {
		key := fmt.Sprintf("k%d", i)
		wg.Go(func() {
			if _, err := l.Begin(c, "a@example.com", key, "m-"+key, base(), lease); err != nil {
				t.Errorf("Begin(%s) = %v", key, err)
				return
			}
			if err := l.Finish(c, "a@example.com", key, provider.SendDone, &provider.Sent{MessageID: "m-" + key, SentAt: base()}); err != nil {
				t.Errorf("Finish(%s) = %v", key, err)
			}
		})
	}
	wg.Wait()
	for i := range racers {
		key := fmt.Sprintf("k%d", i)
		e := begin(t, l, "a@example.com", key, "x", base().Add(time.Hour))
		wantEntry(t, "Begin of "+key, e, provider.SendDone, "m-"+key)
	}
}

// A process claimed a key and died; after the lease, two replicas retry
// the same send at once through Dedupers sharing the log. The message is
// delivered once, under the first process's Message-ID.
func testDeduperAfterCrash(t *testing.T, l provider.SendLog) {
	const account = "a@example.com"
	begin(t, l, account, "seq-1/step-2", "crashed@example.com", base())
	var mu sync.Mutex
	delivered := map[string]int{}
	send := func(_ context.Context, m *provider.Message) (*provider.Sent, error) {
		mu.Lock()
		defer mu.Unlock()
		delivered[m.MessageID]++
		return &provider.Sent{MessageID: m.MessageID, SentAt: base()}, nil
	}
	lookup := func(context.Context, string) (*provider.Sent, error) { return nil, provider.ErrNotFound }
	later := func() time.Time { return base().Add(lease + time.Minute) }
	c := ctx(t)
	start := make(chan struct{})
	var wg sync.WaitGroup
	var inFlight, sentOK int
	for range racers {
		d := &providerkit.Deduper{Log: l, Lease: lease, Now: later}
		wg.Go(func() {
			<-start
			s, err := d.Send(c, account, &provider.Message{IdempotencyKey: "seq-1/step-2"}, send, lookup)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, provider.ErrInFlight):
				inFlight++
			case err != nil:
				t.Errorf("Send = %v", err)
			case !s.Duplicate:
				sentOK++
			}
		})
	}
	close(start)
	wg.Wait()
	if delivered["crashed@example.com"] != 1 || len(delivered) != 1 {
		t.Errorf("deliveries = %v; want crashed@example.com once", delivered)
	}
	t.Logf("%d sent, %d refused as in flight", sentOK, inFlight)
}

// A HandoverLog keeps the hand-over mark of a crashed attempt through the
// takeover, clears it on request, and answers ErrNotFound for an unknown
// key. A log that is not a HandoverLog skips this.
func testHandoverSurvivesTakeover(t *testing.T, l provider.SendLog) {
	hl, ok := l.(provider.HandoverLog)
	if !ok {
		t.Skip("not a provider.HandoverLog")
	}
	const account = "a@example.com"
	c := ctx(t)
	begin(t, l, account, "k", "m-k", base())
	if err := hl.HandOver(c, account, "k", true); err != nil {
		t.Fatalf("HandOver = %v", err)
	}
	e := begin(t, l, account, "k", "m-k2", base().Add(lease+time.Minute))
	wantEntry(t, "Begin after the lease", e, provider.SendUnknown, "m-k")
	if !e.HandedOver {
		t.Error("HandedOver = false after a takeover; want the crashed attempt's mark")
	}
	if err := hl.HandOver(c, account, "k", false); err != nil {
		t.Fatalf("HandOver(false) = %v", err)
	}
	finish(t, l, account, "k", provider.SendUnknown, nil)
	if e := begin(t, l, account, "k", "m-k3", base().Add(2*lease)); e == nil || e.HandedOver {
		t.Errorf("Begin after HandOver(false) = %+v; want an entry without the mark", e)
	}
	if err := hl.HandOver(c, account, "missing", true); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("HandOver of a missing key = %v; want ErrNotFound", err)
	}
}

// A process handed the message over and died before any copy could be
// found; a retry through a Deduper after the lease must not deliver it
// again: it fails with ErrOutcomeUnknown.
func testDeduperAfterCrashPastHandover(t *testing.T, l provider.SendLog) {
	hl, ok := l.(provider.HandoverLog)
	if !ok {
		t.Skip("not a provider.HandoverLog")
	}
	const account = "a@example.com"
	c := ctx(t)
	begin(t, l, account, "seq-2/step-1", "handed@example.com", base())
	if err := hl.HandOver(c, account, "seq-2/step-1", true); err != nil {
		t.Fatalf("HandOver = %v", err)
	}
	delivered := 0
	send := func(_ context.Context, m *provider.Message) (*provider.Sent, error) {
		delivered++
		return &provider.Sent{MessageID: m.MessageID, SentAt: base()}, nil
	}
	lookup := func(context.Context, string) (*provider.Sent, error) { return nil, provider.ErrNotFound }
	d := &providerkit.Deduper{Log: l, Lease: lease, Now: func() time.Time { return base().Add(lease + time.Minute) }}
	s, err := d.Send(c, account, &provider.Message{IdempotencyKey: "seq-2/step-1"}, send, lookup)
	if s != nil || !errors.Is(err, provider.ErrOutcomeUnknown) || delivered != 0 {
		t.Errorf("Send = %+v, %v after %d deliveries; want ErrOutcomeUnknown and none", s, err, delivered)
	}
}
