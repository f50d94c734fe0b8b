package delegation_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/delegation"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// pushBox is a mailbox with push: Watch notifies once and then runs until
// ctx is done (nil) or the box is closed (ErrClosed), as every Watch does.
type pushBox struct {
	*mailbox
	watches  chan struct{} // receives once per Watch that started
	stop     chan struct{}
	stopOnce sync.Once
}

func newPushBox(inner *mailbox) *pushBox {
	return &pushBox{mailbox: inner, watches: make(chan struct{}, 8), stop: make(chan struct{})}
}

func (b *pushBox) Watch(ctx context.Context, notify func()) error {
	b.watches <- struct{}{}
	notify()
	select {
	case <-ctx.Done():
		return nil
	case <-b.stop:
		return providerkit.Closed(b.Kind(), "watch")
	}
}

func (b *pushBox) Close() error {
	b.stopOnce.Do(func() { close(b.stop) })
	return b.mailbox.Close()
}

// watchOf returns p's Watcher, failing the test when p has none.
func watchOf(t *testing.T, p provider.Provider) provider.Watcher {
	t.Helper()
	w, ok := p.(provider.Watcher)
	if !ok {
		t.Fatalf("%T is no provider.Watcher: wrapping the mailbox turned push off", p)
	}
	return w
}

// runWatch starts w.Watch and returns its notifications and its end.
func runWatch(ctx context.Context, w provider.Watcher) (<-chan struct{}, <-chan error) {
	notified := make(chan struct{}, 16)
	done := make(chan error, 1)
	go func() {
		done <- w.Watch(ctx, func() { notified <- struct{}{} })
	}()
	return notified, done
}

func waitFor[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		var zero T
		return zero
	}
}

// TestItem6_GuardForwardsWatch: #12 item 6. A Guard over a mailbox with
// push is a provider.Watcher that forwards to it, ends with nil when ctx
// ends, ends with ErrClosed when the Guard is closed (the inner mailbox
// stays open), refuses a requester without a grant before the inner Watch
// runs, and says errors.ErrUnsupported at once over a mailbox without push.
func TestItem6_GuardForwardsWatch(t *testing.T) {
	w := newWorld(t)
	box := newPushBox(w.mailboxes["max"])

	t.Run("ctx ends", func(t *testing.T) {
		g, err := delegation.NewGuard(box, "max", w.policy, w.opts)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		notified, done := runWatch(ctx, watchOf(t, g))
		waitFor(t, notified, "the inner Watch's notify")
		cancel()
		if err := waitFor(t, done, "Watch to end"); err != nil {
			t.Errorf("Watch after ctx ended = %v; want nil", err)
		}
	})
	t.Run("guard closed", func(t *testing.T) {
		g, _ := delegation.NewGuard(box, "max", w.policy, w.opts)
		notified, done := runWatch(context.Background(), watchOf(t, g))
		waitFor(t, notified, "the inner Watch's notify")
		_ = g.Close()
		if err := waitFor(t, done, "Watch to end after Close"); !errors.Is(err, provider.ErrClosed) {
			t.Errorf("Watch after Close = %v; want ErrClosed", err)
		}
		if err := box.Verify(context.Background()); err != nil {
			t.Errorf("inner Verify after the Guard closed = %v; want the inner mailbox open", err)
		}
		if err := g.Watch(context.Background(), func() {}); !errors.Is(err, provider.ErrClosed) {
			t.Errorf("Watch on a closed Guard = %v; want ErrClosed", err)
		}
	})
	t.Run("no grant", func(t *testing.T) {
		for len(box.watches) > 0 {
			<-box.watches // the earlier subtests' Watches
		}
		g, _ := delegation.NewGuard(box, "sam", w.policy, w.opts)
		err := watchOf(t, g).Watch(context.Background(), func() { t.Error("notify without a grant") })
		if !errors.Is(err, delegation.ErrNoGrant) {
			t.Errorf("Watch without a grant = %v; want ErrNoGrant", err)
		}
		select {
		case <-box.watches:
			t.Error("the inner Watch ran for a requester without a grant")
		default:
		}
	})
	t.Run("inner without push", func(t *testing.T) {
		g, _ := delegation.NewGuard(w.mailboxes["rita"], "rita", w.policy, w.opts)
		err := watchOf(t, g).Watch(context.Background(), func() {})
		if !errors.Is(err, errors.ErrUnsupported) {
			t.Errorf("Watch over a mailbox without push = %v; want errors.ErrUnsupported", err)
		}
	})
}

// A Guard keeps the owner's push: a host that checks for
// provider.Watcher finds one when the owner's mailbox has push, and gets
// errors.ErrUnsupported at once (poll with Fetch) when it has none.
func ExampleGuard_Watch() {
	mailboxes := &delegation.MemoryDirectory{}
	mailboxes.Connect("max@example.com", "max")
	grants := delegation.NewMemoryStore()
	everyone := delegation.RolesFunc(func(context.Context, string) (bool, error) { return true, nil })
	policy, err := delegation.NewPolicy(grants, mailboxes, everyone)
	if err != nil {
		log.Fatal(err)
	}
	for _, inner := range []provider.Provider{newPushBox(newMailbox("max@example.com")), newMailbox("max@example.com")} {
		g, err := delegation.NewGuard(inner, "max", policy, nil)
		if err != nil {
			log.Fatal(err)
		}
		var p provider.Provider = g
		w, ok := p.(provider.Watcher)
		if !ok {
			log.Fatal("no Watcher")
		}
		ctx, cancel := context.WithCancel(context.Background())
		err = w.Watch(ctx, func() {
			fmt.Println("new mail may be waiting: Fetch")
			cancel() // a host would keep watching; the example stops here
		})
		cancel()
		switch {
		case errors.Is(err, errors.ErrUnsupported):
			fmt.Println("no push: poll with Fetch")
		case err == nil:
			fmt.Println("Watch ended: ctx done")
		}
	}
	// Output:
	// new mail may be waiting: Fetch
	// Watch ended: ctx done
	// no push: poll with Fetch
}
