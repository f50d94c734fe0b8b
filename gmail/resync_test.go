package gmail_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/gmail"
	"github.com/inboxkit/inboxkit/internal/fakegmail"
	"github.com/inboxkit/inboxkit/provider/providertest"
)

// TestItem1_ResyncAfterExpiredHistory: #12 item 1. After history.list
// answers 404, the resync returns neither a message an earlier Fetch
// returned (although the user has since read, starred and archived it,
// which moved its historyId past the cursor) nor one it judged unrelated,
// and it loses nothing that arrived meanwhile, even when the host's label
// is on a message whose cursor the host never saved, or when Google
// accepted a message before the watermark but filed it after.
func TestItem1_ResyncAfterExpiredHistory(t *testing.T) {
	for _, label := range []string{"", "inboxkit"} {
		t.Run("label="+label, func(t *testing.T) { testResync(t, label) })
	}
}

func testResync(t *testing.T, label string) {
	srv := startFake(t)
	w := &world{srv: srv, p: newProvider(t, srv, nil, &gmail.Options{Label: label}), idx: &index{}}
	s := w.send(t, "bob@prospect.example", "Pricing")
	c0 := w.fetch(t, "").Cursor

	r1 := providertest.Reply("bob@prospect.example", account, "Pricing", s.MessageID)
	id1 := w.deliver(t, r1)
	unrelated := w.deliver(t, providertest.Unrelated("x@else.example", account))
	b1 := w.fetch(t, c0)
	if got, want := messageIDs(b1), []string{providertest.MessageIDOf(r1)}; !slices.Equal(got, want) {
		t.Fatalf("Fetch = %v; want %v", got, want)
	}
	// The user reads, stars and archives the reply, and reads the
	// unrelated message: each change moves the message's historyId.
	before := srv.HistoryID()
	if err := srv.Modify(id1, []string{"STARRED"}, []string{"UNREAD", "INBOX"}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Modify(unrelated, nil, []string{"UNREAD"}); err != nil {
		t.Fatal(err)
	}
	if srv.HistoryID() <= before {
		t.Fatalf("label changes did not move the mailbox's historyId")
	}

	r2 := providertest.Reply("bob@prospect.example", account, "Pricing", s.MessageID)
	w.deliver(t, r2)
	// Google accepted r3 a minute before r1 arrived, but filed it only now.
	r3 := providertest.Reply("bob@prospect.example", account, "Pricing", s.MessageID)
	id3 := w.deliver(t, r3)
	if err := srv.SetInternalDate(id3, time.Now().Add(-time.Minute).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	srv.ExpireHistory()

	want := []string{providertest.MessageIDOf(r3), providertest.MessageIDOf(r2)}
	lost := w.fetch(t, b1.Cursor) // labels r2 and r3; the host crashes before saving the cursor
	if got := messageIDs(lost); !slices.Equal(got, want) {
		t.Fatalf("Fetch after expired history = %v; want only the new replies %v", got, want)
	}
	b2 := w.fetch(t, b1.Cursor) // the same cursor again: the label must not hide them
	if got := messageIDs(b2); !slices.Equal(got, want) {
		t.Fatalf("Fetch again from the unsaved cursor = %v; want %v", got, want)
	}
	r4 := providertest.Reply("bob@prospect.example", account, "Pricing", s.MessageID)
	w.deliver(t, r4)
	if got, want := messageIDs(w.fetch(t, b2.Cursor)), []string{providertest.MessageIDOf(r4)}; !slices.Equal(got, want) {
		t.Errorf("Fetch after the resync = %v; want %v", got, want)
	}
}

// TestFetch_resyncFromOldCursor (#12 item 1): a cursor saved by the
// previous version ("HISTORYID.UNIXSECONDS") still resumes, and after an
// expiry its resync returns what arrived since without what it returned
// and the user has read since (filed more than ten minutes before that
// cursor was made: the old form keeps no watermark).
func TestFetch_resyncFromOldCursor(t *testing.T) {
	w := newWorld(t)
	s := w.send(t, "bob@prospect.example", "Old")
	r1 := providertest.Reply("bob@prospect.example", account, "Old", s.MessageID)
	id1 := w.deliver(t, r1)
	if err := w.srv.SetInternalDate(id1, time.Now().Add(-time.Hour).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	if got := messageIDs(w.fetch(t, "")); len(got) != 1 {
		t.Fatalf("look-back = %v; want the reply", got)
	}
	old := strconvCursor(w.srv.HistoryID(), time.Now().Add(time.Second)) // as the old code wrote it
	if got := messageIDs(w.fetch(t, old)); len(got) != 0 {
		t.Fatalf("Fetch(old cursor) = %v; want nothing new", got)
	}
	if err := w.srv.Modify(id1, nil, []string{"UNREAD"}); err != nil {
		t.Fatal(err)
	}
	r2 := providertest.Reply("bob@prospect.example", account, "Old", s.MessageID)
	w.deliver(t, r2)
	w.srv.ExpireHistory()
	if got, want := messageIDs(w.fetch(t, old)), []string{providertest.MessageIDOf(r2)}; !slices.Equal(got, want) {
		t.Errorf("resync from an old cursor = %v; want %v", got, want)
	}
}

// TestItem4_FetchIsBounded: #12 item 4. A Fetch judges at most 100
// messages and returns a cursor that goes on, in the history and in the
// first look-back alike, and nothing is lost or returned twice on the way.
func TestItem4_FetchIsBounded(t *testing.T) {
	for _, lookBack := range []bool{false, true} {
		w := newWorld(t)
		s := w.send(t, "bob@prospect.example", "Many")
		c := ""
		if !lookBack {
			c = w.fetch(t, "").Cursor
		}
		first := providertest.Reply("bob@prospect.example", account, "Many", s.MessageID)
		w.deliver(t, first)
		for range 250 {
			w.deliver(t, providertest.Unrelated("n@news.example", account))
		}
		last := providertest.Reply("bob@prospect.example", account, "Many", s.MessageID)
		w.deliver(t, last)
		var got []string
		fetches := 0
		for ; fetches < 10; fetches++ {
			before := w.srv.Stats()
			b := w.fetch(t, c)
			after := w.srv.Stats()
			if n := after.Calls["messages.get"] - before.Calls["messages.get"]; n > 2*100 {
				t.Errorf("look-back %v: one Fetch made %d messages.get; want at most 200", lookBack, n)
			}
			got = append(got, messageIDs(b)...)
			if b.Cursor == c || !b.More {
				break
			}
			c = b.Cursor
			if n := after.Calls["messages.get"] - before.Calls["messages.get"]; n == 0 {
				break
			}
		}
		if want := []string{providertest.MessageIDOf(first), providertest.MessageIDOf(last)}; !slices.Equal(got, want) {
			t.Errorf("look-back %v: Fetches returned %v; want %v", lookBack, got, want)
		}
		if fetches < 2 {
			t.Errorf("look-back %v: %d Fetches judged 252 messages; want at least 3 (100 each), Batch.More set on all but the last", lookBack, fetches+1)
		}
	}
}

// TestItem4_UnreadableMessageSkipped: #12 item 4. A message Gmail refuses
// to return (a 400 for that one message) is reported in Batch.Skipped and
// the cursor moves past it; a transient failure fails the Fetch instead.
func TestItem4_UnreadableMessageSkipped(t *testing.T) {
	w := newWorld(t)
	s := w.send(t, "bob@prospect.example", "Bad")
	c := w.fetch(t, "").Cursor
	bad := w.deliver(t, providertest.Unrelated("x@else.example", account))
	reply := providertest.Reply("bob@prospect.example", account, "Bad", s.MessageID)
	w.deliver(t, reply)
	w.srv.FailMessage(bad, 1)
	b := w.fetch(t, c)
	if got, want := messageIDs(b), []string{providertest.MessageIDOf(reply)}; !slices.Equal(got, want) {
		t.Errorf("Fetch = %v; want %v", got, want)
	}
	if len(b.Skipped) != 1 || b.Skipped[0].ProviderID != bad || b.Skipped[0].Reason == "" {
		t.Errorf("Skipped = %+v; want the unreadable message %s with a reason", b.Skipped, bad)
	}
	if again := w.fetch(t, b.Cursor); len(again.Messages)+len(again.Skipped) != 0 {
		t.Errorf("next Fetch = %+v; want nothing: the cursor moved past both", again)
	}
}

// strconvCursor writes a cursor the way the previous version did.
func strconvCursor(history uint64, at time.Time) string {
	return fmt.Sprintf("%d.%d", history, at.Unix())
}

const maxListPages = 10

// TestItem4_LookBackNarrowsWindow: #12 item 4. A first look-back over more
// mail than ten messages.list pages reads a narrower, older window first,
// so it still judges the oldest mail first and one Fetch stays bounded.
func TestItem4_LookBackNarrowsWindow(t *testing.T) {
	var mu sync.Mutex
	clock := time.Now().Add(-3 * time.Hour)
	now := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(time.Second)
		return clock
	}
	srv := fakegmail.New(fakegmail.Options{Email: account, Now: now})
	t.Cleanup(srv.Close)
	w := &world{srv: srv, p: newProvider(t, srv, nil, nil), idx: &index{}}
	s := w.send(t, "bob@prospect.example", "Oldest")
	first := providertest.Reply("bob@prospect.example", account, "Oldest", s.MessageID)
	w.deliver(t, first)
	for range 5100 {
		w.deliver(t, providertest.Unrelated("n@news.example", account))
	}
	before := w.srv.Stats()
	b := w.fetch(t, "")
	after := w.srv.Stats()
	if got, want := messageIDs(b), []string{providertest.MessageIDOf(first)}; !slices.Equal(got, want) {
		t.Errorf("first look-back = %v; want the oldest reply %v", got, want)
	}
	if n := after.Requests - before.Requests; n > 1+2*(maxListPages+2)+1+100 {
		t.Errorf("first look-back made %d requests; want a bounded number", n)
	}
	t.Logf("first look-back over 5101 messages: %d requests (%d messages.list, %d messages.get)",
		after.Requests-before.Requests, after.Calls["messages.list"]-before.Calls["messages.list"], after.Calls["messages.get"]-before.Calls["messages.get"])
}
