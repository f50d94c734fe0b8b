package fakegraph_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/internal/fakegraph"
)

// drain follows a round of delta pages and returns its items and the
// deltaLink.
func drain(t *testing.T, srv *fakegraph.Server, first string, opts ...opt) (vals []map[string]any, deltaLink string) {
	t.Helper()
	next := first
	for pages := 0; ; pages++ {
		if pages > 20 {
			t.Fatal("delta round does not end")
		}
		r := do(t, srv, "GET", next, opts...)
		if r.status != 200 {
			t.Fatalf("GET %s = %d %s %s", next, r.status, r.code(), r.message())
		}
		vals = append(vals, items(r)...)
		if l := str(r.body["@odata.nextLink"]); l != "" {
			next = l
			continue
		}
		return vals, str(r.body["@odata.deltaLink"])
	}
}

func TestDelta_rounds(t *testing.T) {
	srv := start(t)
	var ids []string
	for i := range 5 {
		id, _ := srv.Deliver(ada, "inbox", []byte(rawMessage(bob, ada, "S", "d"+string(rune('0'+i))+"@x.test", "")))
		ids = append(ids, id)
	}
	r := do(t, srv, "GET", "/me/mailFolders/inbox/messages/delta()?$select=subject,internetMessageId", header("Prefer", "odata.maxpagesize=2"))
	if r.status != 200 || len(items(r)) != 2 || r.header.Get("Preference-Applied") != "odata.maxpagesize=2" {
		t.Fatalf("first page = %d %d items, Preference-Applied %q", r.status, len(items(r)), r.header.Get("Preference-Applied"))
	}
	first := items(r)[0]
	if first["@odata.type"] != "#microsoft.graph.message" || first["subject"] != "S" || first["id"] != ids[0] {
		t.Errorf("first item = %v", first)
	}
	if _, ok := first["body"]; ok {
		t.Errorf("$select not applied: %v", first)
	}
	next := str(r.body["@odata.nextLink"])
	if !strings.Contains(next, "$skiptoken=") || !strings.Contains(next, "/mailFolders('") {
		t.Fatalf("nextLink = %q", next)
	}
	rest, deltaLink := drain(t, srv, next, header("Prefer", "odata.maxpagesize=2"))
	if len(rest) != 3 || !strings.Contains(deltaLink, "$deltatoken=") {
		t.Fatalf("rest of round = %d items, deltaLink %q", len(rest), deltaLink)
	}
	if _, ok := rest[0]["body"]; ok {
		t.Errorf("$select lost across the skiptoken: %v", rest[0])
	}

	// Nothing changed: an empty round.
	vals, deltaLink := drain(t, srv, deltaLink)
	if len(vals) != 0 {
		t.Errorf("unchanged round = %v", vals)
	}
	// One new, one deleted (moved to Deleted Items), one marked read.
	newID, _ := srv.Deliver(ada, "inbox", []byte(rawMessage(bob, ada, "New", "n1@x.test", "")))
	do(t, srv, "DELETE", "/me/messages/"+url.PathEscape(ids[1]))
	do(t, srv, "PATCH", "/me/messages/"+url.PathEscape(ids[2]), jsonBody(map[string]any{"isRead": true}))
	vals, deltaLink = drain(t, srv, deltaLink)
	got := map[string]string{}
	for _, v := range vals {
		kind := "item"
		if _, ok := v["@removed"]; ok {
			kind = "removed"
		}
		got[str(v["id"])] = kind
	}
	if len(got) != 3 || got[newID] != "item" || got[ids[1]] != "removed" || got[ids[2]] != "item" {
		t.Errorf("changes = %v", got)
	}
	// A message that came and went between rounds is not reported.
	gone, _ := srv.Deliver(ada, "inbox", []byte(rawMessage(bob, ada, "Gone", "g1@x.test", "")))
	do(t, srv, "DELETE", "/me/messages/"+url.PathEscape(gone))
	if vals, _ := drain(t, srv, deltaLink); len(vals) != 0 {
		t.Errorf("came-and-went round = %v", vals)
	}
}

func TestDelta_changeTypeAndFilter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := now
	srv := fakegraph.New(fakegraph.Options{Email: ada, Now: func() time.Time { return clock }})
	t.Cleanup(srv.Close)
	old, _ := srv.Deliver(ada, "inbox", []byte(rawMessage(bob, ada, "Old", "o@x.test", "")))
	clock = now.Add(time.Hour)
	srv.Deliver(ada, "inbox", []byte(rawMessage(bob, ada, "Recent", "r@x.test", "")))
	since := url.QueryEscape("receivedDateTime ge 2026-03-01T12:30:00Z")
	vals, link := drain(t, srv, "/me/mailFolders/inbox/messages/delta?changeType=created&$filter="+since)
	if len(vals) != 1 || vals[0]["subject"] != "Recent" {
		t.Errorf("filtered first round = %v", vals)
	}
	do(t, srv, "DELETE", "/me/messages/"+url.PathEscape(old))
	clock = now.Add(2 * time.Hour)
	fresh, _ := srv.Deliver(ada, "inbox", []byte(rawMessage(bob, ada, "Fresh", "f@x.test", "")))
	vals, _ = drain(t, srv, link)
	if len(vals) != 1 || vals[0]["id"] != fresh {
		t.Errorf("changeType=created round = %v; want only the new message", vals)
	}
	for _, bad := range []string{"subject eq 'x'", "receivedDateTime lt 2026-03-01T00:00:00Z"} {
		want(t, "delta $filter="+bad, do(t, srv, "GET", "/me/mailFolders/inbox/messages/delta?$filter="+url.QueryEscape(bad)), 400, "ErrorInvalidUrlQueryFilter")
	}
	want(t, "changeType=moved", do(t, srv, "GET", "/me/mailFolders/inbox/messages/delta?changeType=moved"), 400, "ErrorInvalidParameter")
}

func TestDelta_expiredTokens(t *testing.T) {
	srv := start(t)
	for i := range 3 {
		srv.Deliver(ada, "inbox", []byte(rawMessage(bob, ada, "S", "e"+string(rune('0'+i))+"@x.test", "")))
	}
	r := do(t, srv, "GET", "/me/mailFolders('inbox')/messages/microsoft.graph.delta()", header("Prefer", "odata.maxpagesize=1"))
	next := str(r.body["@odata.nextLink"])
	_, deltaLink := drain(t, srv, next)
	srv.ExpireDeltaTokens()
	for _, link := range []string{next, deltaLink} {
		r := do(t, srv, "GET", link)
		want(t, "expired token", r, 410, "SyncStateNotFound")
		if !strings.HasPrefix(r.message(), "The sync state generation is not found") {
			t.Errorf("message = %q", r.message())
		}
	}
	// A token only works for its own folder.
	_, sentLink := drain(t, srv, "/me/mailFolders/sentitems/messages/delta")
	inboxPath := strings.Replace(sentLink, "/mailFolders('"+folderOf(sentLink)+"')", "/mailFolders('inbox')", 1)
	want(t, "token of another folder", do(t, srv, "GET", inboxPath), 410, "SyncStateNotFound")
	want(t, "made-up token", do(t, srv, "GET", "/me/mailFolders/inbox/messages/delta?$deltatoken=abc"), 410, "SyncStateNotFound")
	// After a resync the new tokens work.
	if vals, _ := drain(t, srv, "/me/mailFolders/inbox/messages/delta"); len(vals) != 3 {
		t.Errorf("resync = %d items; want 3", len(vals))
	}
}

func folderOf(link string) string {
	_, rest, _ := strings.Cut(link, "/mailFolders('")
	id, _, _ := strings.Cut(rest, "')")
	return id
}
