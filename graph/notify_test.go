package graph

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// serve runs one request through n and returns the recorded answer.
func serve(n *Notifications, method, target, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	n.ServeHTTP(rec, req)
	return rec
}

func batch(items ...string) string {
	return `{"value":[` + strings.Join(items, ",") + `]}`
}

func change(subID, clientState string) string {
	return `{"id":"lsgTZMr9KwAAA","subscriptionId":"` + subID + `","subscriptionExpirationDateTime":"2026-03-19T22:11:09.952Z",` +
		`"clientState":"` + clientState + `","changeType":"created","resource":"users/u/messages/AAMk=",` +
		`"tenantId":"84bd8158-6d4d-4958-8b9f-9d6445542f95","resourceData":{"@odata.type":"#Microsoft.Graph.Message","id":"AAMk="}}`
}

func lifecycleItem(subID, clientState, event string) string {
	return `{"subscriptionId":"` + subID + `","subscriptionExpirationDateTime":"2026-03-20T11:00:00.0000000Z",` +
		`"tenantId":"t","clientState":"` + clientState + `","lifecycleEvent":"` + event + `"}`
}

// woken reports whether a wake is pending, consuming it.
func woken(e *watchEvents) bool {
	select {
	case <-e.wake:
		return true
	default:
		return false
	}
}

func TestNotifications_validation(t *testing.T) {
	tests := []struct {
		name, method, token, want string
	}{
		{"post", http.MethodPost, "Validation: Testing client application reachability for subscription Request-Id: 522a8e7e", "Validation: Testing client application reachability for subscription Request-Id: 522a8e7e"},
		{"get", http.MethodGet, "opaque+token/with=chars", "opaque+token/with=chars"},
		{"html escaped", http.MethodPost, `<script>alert("x")</script>`, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var n Notifications
			rec := serve(&n, tc.method, "/graph/notify?validationToken="+url.QueryEscape(tc.token), "")
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d; want 200", rec.Code)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
				t.Errorf("Content-Type = %q; want text/plain", ct)
			}
			if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q; want nosniff", got)
			}
			if got := rec.Body.String(); got != tc.want {
				t.Errorf("body = %q; want %q (the URL-decoded token)", got, tc.want)
			}
			if s := n.Stats(); s.Validations != 1 {
				t.Errorf("Stats = %+v; want one validation", s)
			}
		})
	}
}

func TestNotifications_changeRouting(t *testing.T) {
	var n Notifications
	events := newWatchEvents()
	rt := n.expect("secret-1", events)
	n.bind(rt, "sub-1")

	rec := serve(&n, http.MethodPost, "/graph/notify", batch(change("sub-1", "secret-1"), change("sub-1", "secret-1")))
	if rec.Code != http.StatusAccepted {
		t.Fatalf("status = %d; want 202", rec.Code)
	}
	if !woken(events) {
		t.Fatal("a valid notification did not wake the Watch")
	}
	if woken(events) {
		t.Error("two notifications left two wakes; want them coalesced")
	}

	// Forged or stray notifications are accepted (202) and ignored.
	for _, body := range []string{
		batch(change("sub-1", "secret-2")), // wrong clientState
		batch(change("sub-1", "")),         // none
		batch(change("sub-9", "secret-1")), // not ours
		batch(change("", "secret-1")),      // no id
	} {
		if rec := serve(&n, http.MethodPost, "/graph/notify", body); rec.Code != http.StatusAccepted {
			t.Errorf("status = %d for %s; want 202", rec.Code, body)
		}
	}
	if woken(events) {
		t.Error("a notification with a wrong clientState or unknown subscription woke the Watch")
	}
	want := NotificationStats{Changes: 2, BadClientState: 2, UnknownSubscription: 2}
	if got := n.Stats(); got != want {
		t.Errorf("Stats = %+v; want %+v", got, want)
	}

	// Once dropped, the subscription is unknown.
	n.drop(rt)
	serve(&n, http.MethodPost, "/graph/notify", batch(change("sub-1", "secret-1")))
	if woken(events) || n.Stats().UnknownSubscription != 3 {
		t.Errorf("a dropped subscription still routes: %+v", n.Stats())
	}
}

func TestNotifications_neverBlocks(t *testing.T) {
	var n Notifications
	events := newWatchEvents() // nobody reads it
	n.bind(n.expect("s", events), "sub")
	done := make(chan struct{})
	go func() {
		for range 100 {
			serve(&n, http.MethodPost, "/", batch(change("sub", "s"), lifecycleItem("sub", "s", "reauthorizationRequired")))
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the handler blocked on a Watch that does not read")
	}
}

func TestNotifications_pendingCreation(t *testing.T) {
	var n Notifications
	events := newWatchEvents()
	rt := n.expect("fresh-secret", events)
	// Graph's first notification beats the answer to POST /subscriptions.
	serve(&n, http.MethodPost, "/", batch(change("sub-new", "fresh-secret")))
	if !woken(events) {
		t.Fatal("a notification for a subscription being created was dropped")
	}
	if rt.id != "sub-new" {
		t.Errorf("route id = %q; want sub-new", rt.id)
	}
	n.bind(rt, "sub-new") // the creation answers
	serve(&n, http.MethodPost, "/", batch(change("sub-new", "fresh-secret")))
	if !woken(events) {
		t.Error("notification after bind not routed")
	}
	// A wrong secret does not match a pending creation.
	other := n.expect("other-secret", events)
	serve(&n, http.MethodPost, "/", batch(change("sub-x", "guess")))
	if woken(events) || other.id != "" {
		t.Error("a notification with a wrong clientState claimed a pending creation")
	}
}

func TestNotifications_lifecycle(t *testing.T) {
	var n Notifications
	events := newWatchEvents()
	n.bind(n.expect("s1", events), "sub-1")
	n.bind(n.expect("s2", events), "sub-2")

	rec := serve(&n, http.MethodPost, "/graph/lifecycle", batch(
		lifecycleItem("sub-1", "s1", "reauthorizationRequired"),
		lifecycleItem("sub-2", "s2", "subscriptionRemoved"),
		lifecycleItem("sub-2", "s2", "reauthorizationRequired"), // removal outranks it
		lifecycleItem("sub-1", "wrong", "subscriptionRemoved"),  // forged: ignored
		lifecycleItem("sub-1", "s1", "somethingNew"),            // unknown event: ignored
	))
	if rec.Code != http.StatusAccepted {
		t.Fatalf("status = %d; want 202", rec.Code)
	}
	select {
	case <-events.signal:
	default:
		t.Fatal("lifecycle events did not signal the Watch")
	}
	got := events.take()
	if len(got) != 2 || got["sub-1"] != "reauthorizationRequired" || got["sub-2"] != "subscriptionRemoved" {
		t.Errorf("pending lifecycle events = %v", got)
	}
	if len(events.take()) != 0 {
		t.Error("take did not clear the events")
	}
	if woken(events) {
		t.Error("reauthorizationRequired or subscriptionRemoved woke notify directly")
	}
	serve(&n, http.MethodPost, "/graph/lifecycle", batch(lifecycleItem("sub-1", "s1", "missed")))
	if !woken(events) {
		t.Error("a missed lifecycle event did not wake the Watch")
	}
	if s := n.Stats(); s.Lifecycle != 5 || s.BadClientState != 1 || s.Changes != 0 {
		t.Errorf("Stats = %+v; want 5 lifecycle, 1 bad clientState", s)
	}
}

func TestNotifications_badRequests(t *testing.T) {
	n := Notifications{MaxBody: 256}
	tests := []struct {
		name, method, body string
		want               int
	}{
		{"get without token", http.MethodGet, "", http.StatusMethodNotAllowed},
		{"not json", http.MethodPost, "hello", http.StatusBadRequest},
		{"empty", http.MethodPost, "", http.StatusBadRequest},
		{"wrong shape", http.MethodPost, `{"value":"x"}`, http.StatusBadRequest},
		{"too large", http.MethodPost, batch(strings.Repeat(change("a", "b")+",", 5) + change("a", "b")), http.StatusRequestEntityTooLarge},
		{"empty batch", http.MethodPost, `{"value":[]}`, http.StatusAccepted},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if rec := serve(&n, tc.method, "/graph/notify", tc.body); rec.Code != tc.want {
				t.Errorf("status = %d; want %d", rec.Code, tc.want)
			}
		})
	}
	if s := n.Stats(); s.Malformed != 5 {
		t.Errorf("Malformed = %d; want 5", s.Malformed)
	}
}

func FuzzNotifications(f *testing.F) {
	f.Add(batch(change("sub", "s")))
	f.Add(batch(lifecycleItem("sub", "s", "subscriptionRemoved")))
	f.Add(`{"value":[{}]}`)
	f.Fuzz(func(t *testing.T, body string) {
		var n Notifications
		events := newWatchEvents()
		n.bind(n.expect("s", events), "sub")
		rec := serve(&n, http.MethodPost, "/", body)
		if rec.Code != http.StatusAccepted && rec.Code != http.StatusBadRequest && rec.Code != http.StatusRequestEntityTooLarge {
			t.Errorf("status %d for %q", rec.Code, body)
		}
		for id := range events.take() {
			if id != "sub" {
				t.Errorf("lifecycle event for %q, which no Watch owns", id)
			}
		}
	})
}
