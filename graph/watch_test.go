package graph_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/graph"
	"github.com/inboxkit/inboxkit/internal/fakegraph"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
)

// hook serves a Notifications handler over plain HTTP on loopback, which
// the fake accepts as a notification URL (Graph itself wants https).
// While down is set it answers 503, as an unreachable endpoint would fail
// the validation handshake.
type hook struct {
	hub  *graph.Notifications
	url  string
	down atomic.Bool
}

func startHook(t *testing.T) *hook {
	t.Helper()
	h := &hook{hub: &graph.Notifications{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/graph/notify", func(w http.ResponseWriter, r *http.Request) {
		if h.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		h.hub.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	h.url = srv.URL + "/graph/notify"
	return h
}

// pushOptions are WatchOptions delivering to h, with polling out of the
// way unless a test sets it.
func (h *hook) pushOptions() graph.WatchOptions {
	return graph.WatchOptions{NotificationURL: h.url, Notifications: h.hub, PollInterval: time.Hour, PushPollInterval: time.Hour}
}

// post sends body to the hook as Graph would and returns the status.
func (h *hook) post(t *testing.T, body string) int {
	t.Helper()
	resp, err := http.Post(h.url, "application/json", bytes.NewBufferString(body))
	if err != nil {
		t.Fatalf("POST hook: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// watching is a Watch running in the background.
type watching struct {
	notified atomic.Int32
	cancel   context.CancelFunc
	done     chan error
	stopOnce sync.Once
	err      error
}

// runWatch starts p.Watch and stops it when the test ends. notify counts
// its calls and fails the test if two overlap.
func runWatch(t *testing.T, p *graph.Provider) *watching {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w := &watching{cancel: cancel, done: make(chan error, 1)}
	var inside atomic.Bool
	go func() {
		w.done <- p.Watch(ctx, func() {
			if !inside.CompareAndSwap(false, true) {
				t.Error("notify called while another notify was running")
			}
			w.notified.Add(1)
			inside.Store(false)
		})
	}()
	t.Cleanup(func() { w.stop(t) })
	return w
}

// stop cancels the Watch and returns what it returned.
func (w *watching) stop(t *testing.T) error {
	t.Helper()
	w.cancel()
	return w.ended(t)
}

// ended waits for Watch to return and returns its error.
func (w *watching) ended(t *testing.T) error {
	t.Helper()
	w.stopOnce.Do(func() {
		select {
		case w.err = <-w.done:
		case <-time.After(15 * time.Second):
			t.Fatal("Watch did not return")
		}
	})
	return w.err
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// subsOf returns the fake's live subscriptions of the account, by resource.
func subsOf(srv *fakegraph.Server) map[string]fakegraph.Subscription {
	out := map[string]fakegraph.Subscription{}
	for _, s := range srv.Subscriptions() {
		if s.Mailbox == account {
			out[s.Resource] = s
		}
	}
	return out
}

// watchSubscribed runs a Watch delivering to a fresh hook and waits until
// both folders are subscribed and the first notify has run.
func watchSubscribed(t *testing.T) (*fakegraph.Server, *hook, *watching) {
	t.Helper()
	srv, h := startFake(t), startHook(t)
	w := runWatch(t, newProvider(t, srv, nil, &graph.Options{Watch: h.pushOptions()}))
	waitUntil(t, "subscribed", func() bool { return len(subsOf(srv)) == 2 && w.notified.Load() == 1 })
	return srv, h, w
}

const (
	inboxResource = "me/mailFolders('inbox')/messages"
	junkResource  = "me/mailFolders('junkemail')/messages"
)

func TestWatch_pushLifecycleOfSubscriptions(t *testing.T) {
	srv, h := startFake(t), startHook(t)
	p := newProvider(t, srv, nil, &graph.Options{Watch: h.pushOptions()})
	before := time.Now()
	w := runWatch(t, p)
	waitUntil(t, "both folders are subscribed and notify ran once", func() bool {
		return len(subsOf(srv)) == 2 && w.notified.Load() == 1
	})
	subs := subsOf(srv)
	inbox, junk := subs[inboxResource], subs[junkResource]
	for _, s := range []fakegraph.Subscription{inbox, junk} {
		if s.ChangeType != "created" || s.NotificationURL != h.url || s.LifecycleNotificationURL != h.url {
			t.Errorf("subscription %+v; want changeType created and both URLs %s", s, h.url)
		}
		if len(s.ClientState) < 32 {
			t.Errorf("clientState %q is not a long random secret", s.ClientState)
		}
		if life := s.Expiration.Sub(before); life < graph.DefaultSubscriptionLifetime-time.Minute || life > graph.DefaultSubscriptionLifetime+time.Minute {
			t.Errorf("expiration %v is %v away; want about %v", s.Expiration, life, graph.DefaultSubscriptionLifetime)
		}
	}
	if inbox.ClientState == junk.ClientState {
		t.Error("the two subscriptions share a clientState")
	}
	if got := srv.Stats().Validations; got != 4 {
		t.Errorf("validation handshakes = %d; want 4 (notification and lifecycle URL of each)", got)
	}

	// New mail in either folder reaches notify through the handler.
	if _, err := srv.Deliver(account, "inbox", providertest.Unrelated("n@news.example", account)); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "an inbox delivery wakes notify", func() bool { return w.notified.Load() == 2 })
	if _, err := srv.Deliver(account, "junkemail", providertest.Unrelated("spam@junk.example", account)); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "a junk delivery wakes notify", func() bool { return w.notified.Load() == 3 })
	if s := h.hub.Stats(); s.Changes != 2 || s.BadClientState != 0 || s.UnknownSubscription != 0 {
		t.Errorf("handler stats = %+v; want 2 changes", s)
	}

	// Ending the Watch deletes both subscriptions.
	if err := w.stop(t); err != nil {
		t.Errorf("Watch = %v; want nil after cancel", err)
	}
	if left, n := subsOf(srv), srv.Stats().ByRoute["deleteSubscription"]; len(left) != 0 || n != 2 {
		t.Errorf("after Watch ended: %d deletions, subscriptions left %v; want 2 and none", n, left)
	}
	// Its routes are gone from the handler too.
	h.post(t, notification(inbox.ID, inbox.ClientState))
	if s := h.hub.Stats(); s.UnknownSubscription != 1 {
		t.Errorf("a notification after Watch ended: stats %+v; want it unknown", s)
	}
}

// notification is a change notification body as Graph posts it.
func notification(subID, clientState string) string {
	return `{"value":[{"subscriptionId":"` + subID + `","subscriptionExpirationDateTime":"2026-03-19T22:11:09.952Z",` +
		`"clientState":"` + clientState + `","changeType":"created","resource":"Users/u/Messages/AAMk=",` +
		`"tenantId":"84bd8158-6d4d-4958-8b9f-9d6445542f95","resourceData":{"@odata.type":"#Microsoft.Graph.Message","id":"AAMk="}}]}`
}

func TestWatch_wrongClientStateIgnored(t *testing.T) {
	srv, h, w := watchSubscribed(t)
	inbox := subsOf(srv)[inboxResource]

	for _, forged := range []string{"guess", "", inbox.ClientState + "x", subsOf(srv)[junkResource].ClientState} {
		if code := h.post(t, notification(inbox.ID, forged)); code != http.StatusAccepted {
			t.Errorf("forged notification answered %d; want 202", code)
		}
	}
	if code := h.post(t, notification("00000000-0000-0000-0000-000000000000", inbox.ClientState)); code != http.StatusAccepted {
		t.Errorf("notification for an unknown subscription answered %d; want 202", code)
	}
	if s := h.hub.Stats(); s.BadClientState != 4 || s.UnknownSubscription != 1 || s.Changes != 0 {
		t.Errorf("handler stats = %+v; want 4 bad clientState, 1 unknown", s)
	}
	// The genuine one still goes through, and only it.
	h.post(t, notification(inbox.ID, inbox.ClientState))
	waitUntil(t, "the genuine notification wakes notify", func() bool { return w.notified.Load() == 2 })
	time.Sleep(50 * time.Millisecond)
	if n := w.notified.Load(); n != 2 {
		t.Errorf("notify ran %d times; want 2 (forged notifications ignored)", n)
	}
}

func TestWatch_validationFailsThenPollsAndResubscribes(t *testing.T) {
	srv, h := startFake(t), startHook(t)
	h.down.Store(true)
	opts := h.pushOptions()
	opts.PollInterval = 20 * time.Millisecond
	opts.ResubscribeInterval = 100 * time.Millisecond
	p := newProvider(t, srv, nil, &graph.Options{Watch: opts})
	w := runWatch(t, p)
	waitUntil(t, "polling takes over", func() bool { return w.notified.Load() >= 3 })
	if len(subsOf(srv)) != 0 {
		t.Fatal("a subscription exists although the handshake failed")
	}
	waitUntil(t, "creation is tried again", func() bool { return srv.Stats().ByRoute["createSubscription"] >= 4 })

	// The endpoint comes back: the next attempt subscribes and polling
	// slows to the push safety net.
	h.down.Store(false)
	waitUntil(t, "subscribed once the endpoint answers", func() bool { return len(subsOf(srv)) == 2 })
	// A measurement window, not a wait for a condition: polling every
	// 20ms would notify about 15 times in it; one notify already on its
	// way when the subscription came up is allowed, however slow the
	// machine (#12 item 11).
	before := w.notified.Load()
	time.Sleep(300 * time.Millisecond)
	settled := w.notified.Load()
	if n := settled - before; n > 1 {
		t.Errorf("notify ran %d more times with live subscriptions; want polling to stop", n)
	}
	if _, err := srv.Deliver(account, "inbox", providertest.Unrelated("n@news.example", account)); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "push works after recovery", func() bool { return w.notified.Load() >= settled+1 })
	if err := w.stop(t); err != nil {
		t.Errorf("Watch = %v; want nil", err)
	}
}

func TestWatch_pollingOnlyUntilClosed(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, &graph.Options{Watch: graph.WatchOptions{PollInterval: 20 * time.Millisecond}})
	w := runWatch(t, p)
	waitUntil(t, "notify every PollInterval", func() bool { return w.notified.Load() >= 3 })
	_ = p.Close() // Watch ends at its next event
	if err := w.ended(t); !errors.Is(err, provider.ErrClosed) {
		t.Errorf("Watch after Close = %v; want ErrClosed", err)
	}
	if n := srv.Stats().ByRoute["createSubscription"]; n != 0 {
		t.Errorf("createSubscription calls = %d without a NotificationURL; want 0", n)
	}
	if err := p.Watch(context.Background(), func() {}); !errors.Is(err, provider.ErrClosed) {
		t.Errorf("Watch on a closed Provider = %v; want ErrClosed", err)
	}
}

func TestWatch_renewsBeforeExpiry(t *testing.T) {
	srv, h := startFake(t), startHook(t)
	opts := h.pushOptions()
	opts.Lifetime = time.Hour
	// Renew 0.5-1.5s after each grant (expirations are whole seconds).
	opts.RenewBefore = time.Hour - 1500*time.Millisecond
	p := newProvider(t, srv, nil, &graph.Options{Watch: opts})
	w := runWatch(t, p)
	waitUntil(t, "subscribed", func() bool { return len(subsOf(srv)) == 2 })
	first := subsOf(srv)
	waitUntil(t, "both expirations are extended", func() bool {
		now := subsOf(srv)
		return now[inboxResource].Expiration.After(first[inboxResource].Expiration) &&
			now[junkResource].Expiration.After(first[junkResource].Expiration)
	})
	for res, s := range subsOf(srv) {
		if s.ID != first[res].ID {
			t.Errorf("%s: renewal replaced subscription %s with %s", res, first[res].ID, s.ID)
		}
	}
	if n := srv.Stats().ByRoute["createSubscription"]; n != 2 {
		t.Errorf("createSubscription calls = %d; want 2", n)
	}
	if n := w.notified.Load(); n != 1 {
		t.Errorf("notify ran %d times; want 1 (renewals bring no mail)", n)
	}
}

func TestWatch_renewalNotFoundRecreates(t *testing.T) {
	srv, h := startFake(t), startHook(t)
	opts := h.pushOptions()
	opts.Lifetime = time.Hour
	opts.RenewBefore = time.Hour - 1500*time.Millisecond
	p := newProvider(t, srv, nil, &graph.Options{Folders: []string{"inbox"}, Watch: opts})
	srv.Fail("renewSubscription", 1, fakegraph.Fault{Status: http.StatusNotFound})
	w := runWatch(t, p)
	waitUntil(t, "subscribed again after a 404 renewal", func() bool {
		return srv.Stats().ByRoute["createSubscription"] == 2 && len(subsOf(srv)) >= 1
	})
	waitUntil(t, "notify after the re-creation", func() bool { return w.notified.Load() == 2 })
	if err := w.stop(t); err != nil {
		t.Errorf("Watch = %v; want nil", err)
	}
	// The first subscription was still alive at the fake (the 404 was
	// injected); the new one was deleted when Watch ended, the old one
	// was forgotten and will expire.
	if left := subsOf(srv); len(left) != 1 {
		t.Errorf("live subscriptions = %v; want only the forgotten one", left)
	}
}

func TestWatch_reauthorizationRequiredRenews(t *testing.T) {
	srv, h, w := watchSubscribed(t)
	inbox := subsOf(srv)[inboxResource]
	if err := srv.Lifecycle(inbox.ID, "reauthorizationRequired"); err != nil {
		t.Fatalf("Lifecycle: %v", err)
	}
	waitUntil(t, "the subscription is renewed", func() bool { return srv.Stats().ByRoute["renewSubscription"] == 1 })
	after := subsOf(srv)[inboxResource]
	if after.ID != inbox.ID || after.Expiration.Before(inbox.Expiration) {
		t.Errorf("after reauthorization: %+v; want %s renewed from %v", after, inbox.ID, inbox.Expiration)
	}
	if s := h.hub.Stats(); s.Lifecycle != 1 {
		t.Errorf("handler stats = %+v; want 1 lifecycle notification", s)
	}
	if n := w.notified.Load(); n != 1 {
		t.Errorf("notify ran %d times; want 1 (reauthorization brings no mail)", n)
	}
}

func TestWatch_subscriptionRemovedRecreates(t *testing.T) {
	srv, h, w := watchSubscribed(t)
	old := subsOf(srv)[junkResource]
	if err := srv.Lifecycle(old.ID, "subscriptionRemoved"); err != nil {
		t.Fatalf("Lifecycle: %v", err)
	}
	waitUntil(t, "junk subscribed again", func() bool {
		s, ok := subsOf(srv)[junkResource]
		return ok && s.ID != old.ID
	})
	waitUntil(t, "notify after re-creation (resync)", func() bool { return w.notified.Load() == 2 })
	if _, err := srv.Deliver(account, "junkemail", providertest.Unrelated("n@news.example", account)); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the new subscription delivers", func() bool { return w.notified.Load() == 3 })
	// A late notification for the removed one is not routed.
	h.post(t, notification(old.ID, old.ClientState))
	if s := h.hub.Stats(); s.UnknownSubscription != 1 {
		t.Errorf("handler stats = %+v; want the removed subscription unknown", s)
	}
}

func TestWatch_missedWakesNotify(t *testing.T) {
	srv, h, w := watchSubscribed(t)
	if err := srv.Lifecycle(subsOf(srv)[inboxResource].ID, "missed"); err != nil {
		t.Fatalf("Lifecycle: %v", err)
	}
	waitUntil(t, "missed wakes notify", func() bool { return w.notified.Load() == 2 })
	if n := srv.Stats().ByRoute["createSubscription"] + srv.Stats().ByRoute["renewSubscription"]; n != 2 || h.hub.Stats().Lifecycle != 1 {
		t.Errorf("subscription requests = %d, handler %+v; want only the 2 creations, 1 lifecycle", n, h.hub.Stats())
	}
}

func TestWatch_throttledCreationRetried(t *testing.T) {
	srv, h := startFake(t), startHook(t)
	var mu sync.Mutex
	var waits []time.Duration
	backoff := providerkit.Backoff{Sleep: func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return ctx.Err()
	}}
	opts := h.pushOptions()
	p := newProvider(t, srv, nil, graph.WithBackoff(&graph.Options{Folders: []string{"inbox"}, Watch: opts}, backoff))
	srv.Fail("createSubscription", 1, fakegraph.Throttled("7"))
	w := runWatch(t, p)
	waitUntil(t, "subscribed after the 429", func() bool { return len(subsOf(srv)) == 1 && w.notified.Load() == 1 })
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(waits, []time.Duration{7 * time.Second}) {
		t.Errorf("backoff waits = %v; want [7s] from Retry-After", waits)
	}
	if n := srv.Stats().ByRoute["createSubscription"]; n != 2 {
		t.Errorf("createSubscription calls = %d; want 2", n)
	}
}

func TestWatch_permissionDeniedPolls(t *testing.T) {
	srv, h := startFake(t), startHook(t)
	opts := h.pushOptions()
	opts.PollInterval = 20 * time.Millisecond
	p := newProvider(t, srv, nil, &graph.Options{Watch: opts})
	srv.Fail("createSubscription", 2, fakegraph.Fault{Status: http.StatusForbidden})
	w := runWatch(t, p)
	waitUntil(t, "polling instead", func() bool { return w.notified.Load() >= 3 })
	if err := w.stop(t); err != nil {
		t.Errorf("Watch = %v; want nil (push refused is not fatal)", err)
	}
}

func TestWatch_revokedCredentialsEndWatch(t *testing.T) {
	t.Run("at creation", func(t *testing.T) {
		srv, h := startFake(t), startHook(t)
		p := newProvider(t, srv, nil, &graph.Options{Watch: h.pushOptions()})
		srv.RevokeToken("test-token")
		if err := runWatch(t, p).ended(t); !errors.Is(err, provider.ErrAuth) {
			t.Errorf("Watch = %v; want ErrAuth", err)
		}
	})
	t.Run("at renewal", func(t *testing.T) {
		srv, h := startFake(t), startHook(t)
		opts := h.pushOptions()
		opts.Lifetime = time.Hour
		opts.RenewBefore = time.Hour - 1500*time.Millisecond
		p := newProvider(t, srv, nil, &graph.Options{Watch: opts})
		w := runWatch(t, p)
		waitUntil(t, "subscribed", func() bool { return len(subsOf(srv)) == 2 })
		srv.RevokeToken("test-token")
		if err := w.ended(t); !errors.Is(err, provider.ErrAuth) {
			t.Errorf("Watch = %v; want ErrAuth", err)
		}
	})
}

func TestWatch_clientStateAndFolders(t *testing.T) {
	srv, h := startFake(t), startHook(t)
	opts := h.pushOptions()
	opts.ClientState = "host-chosen-secret"
	p := newProvider(t, srv, nil, &graph.Options{Folders: []string{"inbox", "inbox"}, Watch: opts})
	w := runWatch(t, p)
	waitUntil(t, "subscribed", func() bool { return w.notified.Load() == 1 })
	subs := subsOf(srv)
	if len(subs) != 1 || subs[inboxResource].ClientState != "host-chosen-secret" {
		t.Errorf("subscriptions = %+v; want one inbox subscription with the given clientState", subs)
	}
}

func TestWatch_invalidOptions(t *testing.T) {
	srv := startFake(t)
	hub := &graph.Notifications{}
	tests := []struct {
		name, field string
		opts        graph.WatchOptions
	}{
		{"no handler", "Watch.Notifications", graph.WatchOptions{NotificationURL: "https://hooks.example/graph"}},
		{"relative url", "Watch.NotificationURL", graph.WatchOptions{NotificationURL: "/graph", Notifications: hub}},
		{"ftp url", "Watch.NotificationURL", graph.WatchOptions{NotificationURL: "ftp://hooks.example/", Notifications: hub}},
		{"bad lifecycle url", "Watch.LifecycleURL", graph.WatchOptions{NotificationURL: "https://hooks.example/n", LifecycleURL: "hooks", Notifications: hub}},
		{"lifecycle alone", "Watch.NotificationURL", graph.WatchOptions{LifecycleURL: "https://hooks.example/l"}},
		{"long clientState", "Watch.ClientState", graph.WatchOptions{NotificationURL: "https://hooks.example/n", Notifications: hub, ClientState: string(make([]byte, 129))}},
		{"renew before lifetime", "Watch.RenewBefore", graph.WatchOptions{Lifetime: time.Hour, RenewBefore: time.Hour}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newProvider(t, srv, nil, &graph.Options{Watch: tc.opts})
			err := p.Watch(context.Background(), func() { t.Error("notify called") })
			var pe *provider.Error
			if !errors.Is(err, provider.ErrInvalid) || !errors.As(err, &pe) || pe.Field != tc.field {
				t.Errorf("Watch = %v; want ErrInvalid for %s", err, tc.field)
			}
		})
	}
	if n := srv.Stats().ByRoute["createSubscription"]; n != 0 {
		t.Errorf("createSubscription calls = %d; want none for bad options", n)
	}
}
