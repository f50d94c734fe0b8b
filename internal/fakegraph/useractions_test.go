package fakegraph_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/internal/fakegraph"
)

// TestDelta_moveIntoFolder: #12 item 2. A message the user moves into the
// Inbox is reported created by the Inbox's delta round, with its old
// receivedDateTime and a new lastModifiedDateTime, and @removed by its old
// folder's; a round's receivedDateTime filter, kept in its tokens, leaves
// out a moved-in message received before it.
func TestDelta_moveIntoFolder(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := now
	srv := fakegraph.New(fakegraph.Options{Email: ada, Now: func() time.Time { return clock }})
	t.Cleanup(srv.Close)
	old, _ := srv.Deliver(ada, "archive", []byte(rawMessage(bob, ada, "Old", "o@x.test", "")))
	filed, _ := srv.Deliver(ada, "archive", []byte(rawMessage(bob, ada, "Filed", "f@x.test", "")))
	clock = now.Add(time.Hour)
	all, allLink := drain(t, srv, "/me/mailFolders/inbox/messages/delta?changeType=created&$select=receivedDateTime,lastModifiedDateTime")
	since := url.QueryEscape("receivedDateTime ge 2026-03-01T12:30:00Z")
	_, filteredLink := drain(t, srv, "/me/mailFolders/inbox/messages/delta?changeType=created&$select=receivedDateTime,lastModifiedDateTime&$filter="+since)
	_, archiveLink := drain(t, srv, "/me/mailFolders/archive/messages/delta")
	if len(all) != 0 {
		t.Fatalf("first Inbox round = %v; want nothing", all)
	}
	clock = now.Add(2 * time.Hour)
	if _, err := srv.Move(ada, old, "inbox"); err != nil {
		t.Fatal(err)
	}
	if err := srv.MarkRead(ada, filed); err != nil {
		t.Fatal(err)
	}
	vals, _ := drain(t, srv, allLink)
	if len(vals) != 1 || vals[0]["receivedDateTime"] != "2026-03-01T12:00:00Z" || vals[0]["lastModifiedDateTime"] != "2026-03-01T14:00:00Z" {
		t.Errorf("Inbox round after the move = %v; want the moved message, received at 12:00, modified at 14:00", vals)
	}
	if vals, _ := drain(t, srv, filteredLink); len(vals) != 0 {
		t.Errorf("filtered Inbox round = %v; want nothing (received before the filter)", vals)
	}
	vals, _ = drain(t, srv, archiveLink)
	removed := 0
	for _, v := range vals {
		if _, ok := v["@removed"]; ok {
			removed++
		}
	}
	if removed != 1 {
		t.Errorf("Archive round = %v; want the moved message @removed", vals)
	}
}
