package providerkit_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// mailbox is a fake delivery path that counts deliveries per Message-ID
// and can fail ambiguously (delivered, but the caller hears an error).
type mailbox struct {
	mu         sync.Mutex
	delivered  map[string]int
	ambiguous  int // the next n sends deliver but report ErrTemporary
	lostBefore int // the next n sends fail without delivering
}

func (mb *mailbox) send(_ context.Context, m *provider.Message) (*provider.Sent, error) {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	if mb.lostBefore > 0 {
		mb.lostBefore--
		return nil, provider.ErrTemporary
	}
	mb.delivered[m.MessageID]++
	if mb.ambiguous > 0 {
		mb.ambiguous--
		return nil, provider.ErrTemporary
	}
	return &provider.Sent{MessageID: m.MessageID, ThreadID: m.MessageID, SentAt: time.Now()}, nil
}

func (mb *mailbox) lookup(_ context.Context, id string) (*provider.Sent, error) {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	if mb.delivered[id] > 0 {
		return &provider.Sent{MessageID: id, ThreadID: id}, nil
	}
	return nil, provider.ErrNotFound
}

func TestDeduper_ambiguousFailureThenRetry(t *testing.T) {
	mb := &mailbox{delivered: map[string]int{}, ambiguous: 1}
	d := &providerkit.Deduper{Log: provider.NewMemorySendLog()}
	ctx := context.Background()
	msg := func() *provider.Message { return &provider.Message{IdempotencyKey: "k1"} }
	if _, err := d.Send(ctx, "ada@example.com", msg(), mb.send, mb.lookup); err == nil {
		t.Fatal("first Send succeeded; want the ambiguous error")
	}
	sent, err := d.Send(ctx, "ada@example.com", msg(), mb.send, mb.lookup)
	if err != nil || !sent.Duplicate {
		t.Fatalf("retry = %+v, %v; want the earlier delivery marked Duplicate", sent, err)
	}
	again, err := d.Send(ctx, "ada@example.com", msg(), mb.send, mb.lookup)
	if err != nil || !again.Duplicate || again.MessageID != sent.MessageID {
		t.Fatalf("third Send = %+v, %v; want Duplicate of %s", again, err, sent.MessageID)
	}
	if n := mb.delivered[sent.MessageID]; n != 1 {
		t.Errorf("delivered %d times; want 1", n)
	}
}

func TestDeduper_failureBeforeDeliveryIsRetried(t *testing.T) {
	mb := &mailbox{delivered: map[string]int{}, lostBefore: 1}
	d := &providerkit.Deduper{Log: provider.NewMemorySendLog()}
	ctx := context.Background()
	if _, err := d.Send(ctx, "a@example.com", &provider.Message{IdempotencyKey: "k"}, mb.send, mb.lookup); err == nil {
		t.Fatal("first Send succeeded; want an error")
	}
	sent, err := d.Send(ctx, "a@example.com", &provider.Message{IdempotencyKey: "k"}, mb.send, mb.lookup)
	if err != nil || sent.Duplicate {
		t.Fatalf("retry = %+v, %v; want a first real delivery", sent, err)
	}
	if n := mb.delivered[sent.MessageID]; n != 1 {
		t.Errorf("delivered %d times; want 1", n)
	}
}

func TestDeduper_lookupErrorDoesNotResend(t *testing.T) {
	mb := &mailbox{delivered: map[string]int{}, ambiguous: 1}
	d := &providerkit.Deduper{Log: provider.NewMemorySendLog()}
	ctx := context.Background()
	_, _ = d.Send(ctx, "a@example.com", &provider.Message{IdempotencyKey: "k"}, mb.send, mb.lookup)
	broken := func(context.Context, string) (*provider.Sent, error) { return nil, provider.ErrTemporary }
	if _, err := d.Send(ctx, "a@example.com", &provider.Message{IdempotencyKey: "k"}, mb.send, broken); !errors.Is(err, provider.ErrTemporary) {
		t.Fatalf("Send with failing lookup = %v; want ErrTemporary", err)
	}
	for id, n := range mb.delivered {
		if n != 1 {
			t.Errorf("%s delivered %d times; want 1", id, n)
		}
	}
}

func TestDeduper_concurrentSameKeyDeliversOnce(t *testing.T) {
	var deliveries atomic.Int32
	slow := func(_ context.Context, m *provider.Message) (*provider.Sent, error) {
		deliveries.Add(1)
		time.Sleep(20 * time.Millisecond)
		return &provider.Sent{MessageID: m.MessageID}, nil
	}
	d := &providerkit.Deduper{Log: provider.NewMemorySendLog()}
	var wg sync.WaitGroup
	var inFlight atomic.Int32
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := d.Send(context.Background(), "a@example.com", &provider.Message{IdempotencyKey: "same"}, slow, nil)
			if errors.Is(err, provider.ErrInFlight) {
				inFlight.Add(1)
			}
		}()
	}
	wg.Wait()
	if deliveries.Load() != 1 {
		t.Errorf("delivered %d times; want 1", deliveries.Load())
	}
	t.Logf("%d concurrent sends refused as in flight", inFlight.Load())
}

func TestDeduper_noKeyAlwaysSends(t *testing.T) {
	mb := &mailbox{delivered: map[string]int{}}
	d := &providerkit.Deduper{Log: provider.NewMemorySendLog()}
	for i := 0; i < 2; i++ {
		m := &provider.Message{MessageID: providerkit.NewMessageID("a@example.com")}
		if _, err := d.Send(context.Background(), "a@example.com", m, mb.send, mb.lookup); err != nil {
			t.Fatal(err)
		}
	}
	if len(mb.delivered) != 2 {
		t.Errorf("delivered %d distinct messages; want 2", len(mb.delivered))
	}
}

func TestFindEarlier(t *testing.T) {
	earlier := &provider.Sent{MessageID: "a@example.com", ProviderID: "7"}
	down := &provider.Error{Op: "lookup", Code: provider.ErrTemporary}
	tests := []struct {
		name      string
		found     *provider.Sent
		err       error
		wantFound *provider.Sent
		wantErr   error
	}{
		{"delivered before", earlier, nil, earlier, nil},
		{"not there: retry", nil, &provider.Error{Op: "lookup", Code: provider.ErrNotFound}, nil, nil},
		{"cannot tell: stop", nil, down, nil, down},
	}
	for _, tc := range tests {
		lookup := func(_ context.Context, id string) (*provider.Sent, error) {
			if id != "a@example.com" {
				t.Errorf("%s: looked up %q", tc.name, id)
			}
			return tc.found, tc.err
		}
		got, err := providerkit.FindEarlier(context.Background(), lookup, "a@example.com")
		if got != tc.wantFound || err != tc.wantErr {
			t.Errorf("%s: FindEarlier = %v, %v; want %v, %v", tc.name, got, err, tc.wantFound, tc.wantErr)
		}
	}
}
