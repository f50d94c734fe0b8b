package graph_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/graph"
	"github.com/inboxkit/inboxkit/internal/fakegraph"
	"github.com/inboxkit/inboxkit/provider/providertest"
)

func deliverID(t *testing.T, srv *fakegraph.Server, folder string, raw []byte) string {
	t.Helper()
	id, err := srv.Deliver(account, folder, raw)
	if err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	return id
}

// TestItem2_ResyncSeesMovedInMail: #12 item 2. After a 410, the resync
// returns what arrived meanwhile, including mail the user moved into the
// Inbox (which keeps its older receivedDateTime), and neither what was
// returned before and read since nor a returned bounce the user moved
// from Junk Email to the Inbox.
func TestItem2_ResyncSeesMovedInMail(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, nil)
	idx, m, sent := sendAndIndex(t, p, "Moves")
	reply := func() []byte { return providertest.Reply("bob@prospect.example", account, m.Subject, sent.MessageID) }
	x, y := reply(), reply()
	xID := deliverID(t, srv, "archive", x) // filed away by a rule of the user's
	yID := deliverID(t, srv, "archive", y)
	r1 := reply()
	r1ID := deliverID(t, srv, "inbox", r1)
	bounce := providertest.Bounce(account, "bob@prospect.example", m.Subject, sent.MessageID)
	bounceID := deliverID(t, srv, "junkemail", bounce)
	ids, b := fetchIDs(t, p, "", idx)
	if want := []string{providertest.MessageIDOf(r1), providertest.MessageIDOf(bounce)}; !slices.Equal(ids, want) {
		t.Fatalf("first Fetch = %v; want %v", ids, want)
	}

	// The user moves x to the Inbox, and the bounce out of Junk Email.
	xID, err := srv.Move(account, xID, "inbox")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Move(account, bounceID, "inbox"); err != nil {
		t.Fatal(err)
	}
	ids, b = fetchIDs(t, p, b.Cursor, idx)
	if want := []string{providertest.MessageIDOf(x)}; !slices.Equal(ids, want) {
		t.Fatalf("Fetch after the moves = %v; want %v (the bounce was returned already)", ids, want)
	}

	// The user reads what was returned; r2 arrives, y is moved in; the
	// delta tokens expire.
	for _, id := range []string{r1ID, xID} {
		if err := srv.MarkRead(account, id); err != nil {
			t.Fatal(err)
		}
	}
	r2 := reply()
	deliver(t, srv, "inbox", r2)
	if _, err := srv.Move(account, yID, "inbox"); err != nil {
		t.Fatal(err)
	}
	srv.ExpireDeltaTokens()
	ids, b = fetchIDs(t, p, b.Cursor, idx)
	if want := []string{providertest.MessageIDOf(r2), providertest.MessageIDOf(y)}; !slices.Equal(ids, want) {
		t.Fatalf("Fetch after expiry = %v; want %v (nothing lost, nothing twice)", ids, want)
	}
	if again, _ := fetchIDs(t, p, b.Cursor, idx); len(again) != 0 {
		t.Errorf("Fetch after the resync returned %v", again)
	}
}

// TestItem2_ExpiredMidRoundCursor: #12 item 2. A cursor saved in the
// middle of a round (a nextLink kept when one Fetch's budget was spent)
// whose skip token expires loses nothing of the rest of the round, though
// a page the round had not reached holds mail received before the
// watermark (moved in from another folder), and returns nothing twice.
func TestItem2_ExpiredMidRoundCursor(t *testing.T) {
	var mu sync.Mutex
	now := time.Now().Add(-2 * time.Hour)
	srv := fakegraph.New(fakegraph.Options{Email: account, Name: "Ada Lovelace", Now: func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}})
	t.Cleanup(srv.Close)
	p := newProvider(t, srv, nil, nil)
	idx, m, sent := sendAndIndex(t, p, "Mid-round")
	moved := providertest.Reply("bob@prospect.example", account, m.Subject, sent.MessageID)
	movedID := deliverID(t, srv, "archive", moved)
	mu.Lock()
	now = now.Add(time.Hour) // the rest arrives an hour later
	mu.Unlock()
	first := providertest.Reply("bob@prospect.example", account, m.Subject, sent.MessageID)
	deliver(t, srv, "inbox", first)
	for i := range 110 {
		deliver(t, srv, "inbox", providertest.Unrelated(fmt.Sprintf("n%d@letters.example", i), account))
	}
	if _, err := srv.Move(account, movedID, "inbox"); err != nil { // last in the round
		t.Fatal(err)
	}
	p = newProvider(t, srv, nil, &graph.Options{PageSize: 1})
	var got []string
	ids, b := fetchIDs(t, p, "", idx)
	got = append(got, ids...)
	srv.ExpireDeltaTokens() // the saved nextLink expires
	for range 6 {
		ids, b = fetchIDs(t, p, b.Cursor, idx)
		got = append(got, ids...)
	}
	if want := []string{providertest.MessageIDOf(first), providertest.MessageIDOf(moved)}; !slices.Equal(got, want) {
		t.Errorf("Fetches = %v; want %v", got, want)
	}
}

// TestItem4_GraphSkipsUnreadableMessage: #12 item 4. A message Graph
// refuses with a 4xx for that one item is reported in Batch.Skipped and
// the cursor moves past it.
func TestItem4_GraphSkipsUnreadableMessage(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, nil)
	idx, m, sent := sendAndIndex(t, p, "Unreadable")
	_, b := fetchIDs(t, p, "", idx)
	deliver(t, srv, "inbox", providertest.Unrelated("x@letters.example", account))
	reply := providertest.Reply("bob@prospect.example", account, m.Subject, sent.MessageID)
	deliver(t, srv, "inbox", reply)

	srv.Fail("getMessage", 1, fakegraph.Fault{Status: 400, Code: "ErrorInvalidRequest", Message: "The item cannot be rendered."})
	ids, b2 := fetchIDs(t, p, b.Cursor, idx)
	if want := []string{providertest.MessageIDOf(reply)}; !slices.Equal(ids, want) {
		t.Errorf("Fetch = %v; want %v", ids, want)
	}
	if len(b2.Skipped) != 1 || b2.Skipped[0].Folder != "Inbox" || b2.Skipped[0].Reason == "" || b2.Skipped[0].ProviderID == "" {
		t.Errorf("Skipped = %+v; want the unreadable message with its folder and a reason", b2.Skipped)
	}
	if again, b3 := fetchIDs(t, p, b2.Cursor, idx); len(again)+len(b3.Skipped) != 0 {
		t.Errorf("next Fetch = %v, skipped %v; want nothing", again, b3.Skipped)
	}
}

// TestItem4_GraphFetchIsBounded: #12 item 4. One Fetch judges about 100
// messages a folder and returns a cursor that goes on from the next page;
// nothing is lost or returned twice on the way.
func TestItem4_GraphFetchIsBounded(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, &graph.Options{PageSize: 10})
	idx, m, sent := sendAndIndex(t, p, "Bounded")
	_, b := fetchIDs(t, p, "", idx)
	first := providertest.Reply("bob@prospect.example", account, m.Subject, sent.MessageID)
	deliver(t, srv, "inbox", first)
	for i := range 250 {
		deliver(t, srv, "inbox", providertest.Unrelated(fmt.Sprintf("n%d@letters.example", i), account))
	}
	last := providertest.Reply("bob@prospect.example", account, m.Subject, sent.MessageID)
	deliver(t, srv, "inbox", last)
	var got []string
	fetches := 0
	for ; fetches < 6; fetches++ {
		before := srv.Stats().Requests
		ids, next := fetchIDs(t, p, b.Cursor, idx)
		if n := srv.Stats().Requests - before; n > 2*(100+10)+2*(100/10+2) {
			t.Errorf("Fetch %d made %d requests; want a bounded number", fetches, n)
		}
		got = append(got, ids...)
		b = next
		if !b.More {
			break
		}
	}
	if want := []string{providertest.MessageIDOf(first), providertest.MessageIDOf(last)}; !slices.Equal(got, want) {
		t.Errorf("Fetches = %v; want %v", got, want)
	}
	if fetches < 2 {
		t.Errorf("%d Fetches judged 252 messages; want at least 3 (about 100 each), Batch.More set on all but the last", fetches+1)
	}
}
