package graph_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/inboxkit/inboxkit/graph"
	"github.com/inboxkit/inboxkit/internal/fakegraph"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
	"github.com/inboxkit/inboxkit/tracking"
)

// sendAndIndex sends a message and records it in a fresh index.
func sendAndIndex(t *testing.T, p *graph.Provider, subject string) (*tracking.MemoryIndex, *provider.Message, *provider.Sent) {
	t.Helper()
	idx := tracking.NewMemoryIndex(0)
	m := msg(subject)
	sent, err := p.Send(ctx(t), m)
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.Add(*provider.RecordOf(account, m, sent)); err != nil {
		t.Fatal(err)
	}
	return idx, m, sent
}

func deliver(t *testing.T, srv *fakegraph.Server, folder string, raw []byte) {
	t.Helper()
	if _, err := srv.Deliver(account, folder, raw); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
}

func fetchIDs(t *testing.T, p *graph.Provider, cur string, idx provider.SentIndex) ([]string, *provider.Batch) {
	t.Helper()
	b, err := p.Fetch(ctx(t), cur, idx)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	var ids []string
	for _, in := range b.Messages {
		ids = append(ids, providertest.MessageIDOf(in.Raw))
	}
	return ids, b
}

func TestFetchJunkBounceAndRequestCounts(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, nil)
	idx, m, sent := sendAndIndex(t, p, "Coffee next week?")
	_, cur := fetchIDs(t, p, "", idx)

	// Idle poll: one delta request per folder.
	before := srv.Stats().Requests
	ids, b := fetchIDs(t, p, cur.Cursor, idx)
	if len(ids) != 0 {
		t.Fatalf("idle poll returned %v", ids)
	}
	if n := srv.Stats().Requests - before; n != 2 {
		t.Errorf("idle poll made %d requests; want 2 (inbox, junkemail)", n)
	}

	reply := providertest.Reply("bob@prospect.example", account, m.Subject, sent.MessageID)
	bounce := providertest.Bounce(account, "bob@prospect.example", m.Subject, sent.MessageID)
	deliver(t, srv, "inbox", reply)
	deliver(t, srv, "inbox", providertest.Unrelated("news@letters.example", account))
	deliver(t, srv, "junkemail", bounce)

	before = srv.Stats().Requests
	ids, b = fetchIDs(t, p, b.Cursor, idx)
	want := []string{providertest.MessageIDOf(reply), providertest.MessageIDOf(bounce)}
	if !slices.Equal(ids, want) {
		t.Fatalf("busy poll returned %v; want %v", ids, want)
	}
	busy := srv.Stats().Requests - before
	t.Logf("busy poll (reply, unrelated, bounce in Junk): %d requests", busy)
	if busy > 2+3+3 {
		t.Errorf("busy poll made %d requests; want at most 8", busy)
	}
	if b.Messages[1].Folder != "Junk Email" || b.Messages[1].MatchedBy != "dsn-original" {
		t.Errorf("bounce = folder %q matched by %q", b.Messages[1].Folder, b.Messages[1].MatchedBy)
	}
	if b.Messages[0].ThreadID != sent.ThreadID {
		t.Errorf("reply ThreadID %q; want the conversation %q", b.Messages[0].ThreadID, sent.ThreadID)
	}
	// The unrelated message's body was never downloaded.
	if n := srv.Stats().ByRoute["getMessageValue"]; n != 2 {
		t.Errorf("%d MIME downloads; want 2 (reply and bounce)", n)
	}
}

func TestFetchPagesThroughDelta(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, &graph.Options{PageSize: 2})
	idx, m, sent := sendAndIndex(t, p, "Paging")
	var want []string
	for i := range 7 {
		raw := providertest.Reply("bob@prospect.example", account, fmt.Sprintf("%s %d", m.Subject, i), sent.MessageID)
		deliver(t, srv, "inbox", raw)
		want = append(want, providertest.MessageIDOf(raw))
		deliver(t, srv, "inbox", providertest.Unrelated(fmt.Sprintf("n%d@letters.example", i), account))
	}
	ids, b := fetchIDs(t, p, "", idx)
	if !slices.Equal(ids, want) {
		t.Fatalf("first Fetch = %v; want %v", ids, want)
	}
	if again, _ := fetchIDs(t, p, b.Cursor, idx); len(again) != 0 {
		t.Errorf("resumed Fetch returned %v again", again)
	}
}

func TestFetchResyncsAfterExpiredDeltaToken(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, nil)
	idx, m, sent := sendAndIndex(t, p, "Resync")
	first := providertest.Reply("bob@prospect.example", account, m.Subject, sent.MessageID)
	deliver(t, srv, "inbox", first)
	ids, b := fetchIDs(t, p, "", idx)
	if len(ids) != 1 {
		t.Fatalf("first Fetch = %v", ids)
	}
	second := providertest.OutOfOffice("cyd@elsewhere.example", account, m.Subject, sent.MessageID)
	deliver(t, srv, "inbox", second)
	srv.ExpireDeltaTokens()
	ids, b = fetchIDs(t, p, b.Cursor, idx)
	if want := []string{providertest.MessageIDOf(second)}; !slices.Equal(ids, want) {
		t.Fatalf("Fetch after expiry = %v; want only %v (nothing lost, nothing twice)", ids, want)
	}
	if again, _ := fetchIDs(t, p, b.Cursor, idx); len(again) != 0 {
		t.Errorf("Fetch after the resync returned %v", again)
	}
}

func TestFetchRejectsBadCursor(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, nil)
	for _, cur := range []string{"nonsense", "graph1.!!", "graph1.eyJmIjp7ImluYm94Ijp7ImwiOiJodHRwczovL2V2aWwuZXhhbXBsZS94In19fQ"} {
		_, err := p.Fetch(ctx(t), cur, nil)
		var pe *provider.Error
		if !errors.Is(err, provider.ErrInvalid) || !errors.As(err, &pe) || pe.Field != "cursor" {
			t.Errorf("Fetch(%q) = %v; want ErrInvalid on cursor", cur, err)
		}
	}
	if n := srv.Stats().Requests; n != 0 {
		t.Errorf("%d requests made for bad cursors", n)
	}
}

func TestFetchThrottledDeltaRetried(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, nil)
	idx, m, sent := sendAndIndex(t, p, "Throttled fetch")
	deliver(t, srv, "inbox", providertest.Reply("bob@prospect.example", account, m.Subject, sent.MessageID))
	srv.Fail("delta", 2, fakegraph.Fault{Status: 429, Code: "ApplicationThrottled", Message: "throttled", RetryAfter: "1"})
	if ids, _ := fetchIDs(t, p, "", idx); len(ids) != 1 {
		t.Fatalf("Fetch after throttling = %v", ids)
	}
}
