package beacon_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking/beacon"
)

// pushMailbox is a fakeMailbox with push: Watch notifies once and runs
// until ctx is done (nil) or Close (ErrClosed), as every Watch does.
type pushMailbox struct {
	*fakeMailbox
	stop     chan struct{}
	stopOnce sync.Once
}

func (b *pushMailbox) Watch(ctx context.Context, notify func()) error {
	notify()
	select {
	case <-ctx.Done():
		return nil
	case <-b.stop:
		return providerkit.Closed(b.Kind(), "watch")
	}
}

func (b *pushMailbox) Close() error {
	b.stopOnce.Do(func() { close(b.stop) })
	return b.fakeMailbox.Close()
}

// TestItem6_InstrumentedForwardsWatch: #12 item 6. Wrapping a mailbox with
// push keeps its push: the Instrumented provider is a provider.Watcher
// that forwards, ends with nil when ctx ends and with ErrClosed when
// closed; over a mailbox without push its Watch says
// errors.ErrUnsupported at once.
func TestItem6_InstrumentedForwardsWatch(t *testing.T) {
	signer := testSigner(t)
	opts := &beacon.Options{BaseURL: trackBase}
	for _, closeIt := range []bool{false, true} {
		box := &pushMailbox{fakeMailbox: &fakeMailbox{}, stop: make(chan struct{})}
		p, err := beacon.Wrap(box, signer, opts)
		if err != nil {
			t.Fatal(err)
		}
		var asProvider provider.Provider = p
		w, ok := asProvider.(provider.Watcher)
		if !ok {
			t.Fatal("beacon.Instrumented is no provider.Watcher: wrapping turned push off")
		}
		ctx, cancel := context.WithCancel(context.Background())
		notified := make(chan struct{}, 4)
		done := make(chan error, 1)
		go func() { done <- w.Watch(ctx, func() { notified <- struct{}{} }) }()
		select {
		case <-notified:
		case <-time.After(10 * time.Second):
			t.Fatal("the wrapped Watch's notify never came")
		}
		want := error(nil)
		if closeIt {
			_ = p.Close()
			want = provider.ErrClosed
		} else {
			cancel()
		}
		select {
		case err := <-done:
			if (want == nil && err != nil) || (want != nil && !errors.Is(err, want)) {
				t.Errorf("Watch ended (closed %v) = %v; want %v", closeIt, err, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Watch did not end")
		}
		cancel()
	}
	plain, err := beacon.Wrap(&fakeMailbox{}, signer, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := plain.Watch(context.Background(), func() {}); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("Watch over a mailbox without push = %v; want errors.ErrUnsupported", err)
	}
}

// Instrumenting a mailbox keeps its push.
func ExampleInstrumented_Watch() {
	key := make([]byte, 32)
	signer, err := beacon.NewSigner("k1", map[string][]byte{"k1": key})
	if err != nil {
		log.Fatal(err)
	}
	box := &pushMailbox{fakeMailbox: &fakeMailbox{}, stop: make(chan struct{})}
	p, err := beacon.Wrap(box, signer, &beacon.Options{BaseURL: "https://t.example.com/t"})
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	err = p.Watch(ctx, func() {
		fmt.Println("new mail may be waiting: Fetch")
		cancel()
	})
	fmt.Println("Watch ended:", err)
	// Output:
	// new mail may be waiting: Fetch
	// Watch ended: <nil>
}
