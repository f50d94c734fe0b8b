package gmail_test

import (
	"context"
	"encoding/base64"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/gmail"
	"github.com/inboxkit/inboxkit/internal/fakegmail"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
)

func pushBody(data string) []byte {
	return []byte(`{"message":{"data":"` + base64.StdEncoding.EncodeToString([]byte(data)) +
		`","messageId":"2070443601311540","publishTime":"2026-11-23T15:00:00Z"},"subscription":"projects/p/subscriptions/s"}`)
}

func TestParsePush(t *testing.T) {
	tests := []struct {
		name string
		body []byte
		want *gmail.Push
	}{
		{"number", pushBody(`{"emailAddress":"ada@inboxkit.test","historyId":9876543210}`), &gmail.Push{Email: account, HistoryID: 9876543210, MessageID: "2070443601311540"}},
		{"string", pushBody(`{"emailAddress":"ada@inboxkit.test","historyId":"42"}`), &gmail.Push{Email: account, HistoryID: 42, MessageID: "2070443601311540"}},
		{"no history", pushBody(`{"emailAddress":"ada@inboxkit.test"}`), nil},
		{"no email", pushBody(`{"historyId":5}`), nil},
		{"bad data json", pushBody(`{{`), nil},
		{"bad base64", []byte(`{"message":{"data":"***"}}`), nil},
		{"not json", []byte(`hello`), nil},
		{"negative", pushBody(`{"emailAddress":"a@b.c","historyId":-1}`), nil},
	}
	for _, tc := range tests {
		got, err := gmail.ParsePush(tc.body)
		if tc.want == nil {
			if err == nil {
				t.Errorf("%s: ParsePush = %+v; want an error", tc.name, got)
			}
			continue
		}
		if err != nil || *got != *tc.want {
			t.Errorf("%s: ParsePush = %+v, %v; want %+v", tc.name, got, err, tc.want)
		}
	}
}

func FuzzParsePush(f *testing.F) {
	f.Add(pushBody(`{"emailAddress":"ada@inboxkit.test","historyId":1}`))
	f.Add([]byte(`{"message":{"data":""}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := gmail.ParsePush(body)
		if err == nil && (p.Email == "" || p.HistoryID == 0) {
			t.Errorf("ParsePush(%q) = %+v without an error", body, p)
		}
	})
}

func TestProvider_Watch_push(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, &gmail.Options{Watch: gmail.WatchOptions{
		Topic: "projects/inboxkit/topics/gmail", PollInterval: time.Hour, Renew: 7*24*time.Hour - 150*time.Millisecond,
	}})
	ctx, cancel := context.WithCancel(context.Background())
	var notified atomic.Int32
	done := make(chan error, 1)
	go func() { done <- p.Watch(ctx, func() { notified.Add(1) }) }()
	waitFor(t, func() bool { return srv.Watching() != nil })
	if got := srv.Watching(); got.TopicName != "projects/inboxkit/topics/gmail" || !slices.Equal(got.LabelIds, []string{"INBOX"}) {
		t.Errorf("watch request = %+v", got)
	}
	if p.Notify(&gmail.Push{Email: "someone@else.test", HistoryID: 5000}) {
		t.Error("Notify accepted a push for another mailbox")
	}
	if !p.Notify(&gmail.Push{Email: "ADA@inboxkit.test", HistoryID: 5000, Verified: true}) {
		t.Error("Notify refused a push for this mailbox")
	}
	waitFor(t, func() bool { return notified.Load() == 1 })
	p.Notify(&gmail.Push{Email: account, HistoryID: 4999, Verified: true}) // older: ignored
	// Renewal: the watch expires in 7 days and is renewed 150ms after
	// it started.
	waitFor(t, func() bool { return srv.Stats().Calls["watch"] >= 2 })
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Watch = %v; want nil after cancel", err)
	}
	if srv.Watching() != nil || srv.Stats().Calls["stop"] != 1 {
		t.Error("Watch did not stop the watch when done")
	}
	if n := notified.Load(); n != 1 {
		t.Errorf("notified %d times; want 1 (the older push ignored)", n)
	}
}

func TestProvider_Watch_pollAndErrors(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, &gmail.Options{Watch: gmail.WatchOptions{PollInterval: 20 * time.Millisecond}})
	ctx, cancel := context.WithCancel(context.Background())
	var notified atomic.Int32
	done := make(chan error, 1)
	go func() { done <- p.Watch(ctx, func() { notified.Add(1) }) }()
	waitFor(t, func() bool { return notified.Load() >= 2 })
	cancel()
	<-done
	if srv.Stats().Calls["watch"] != 0 {
		t.Error("polling-only Watch called users.watch")
	}

	withTopic := newProvider(t, srv, nil, &gmail.Options{Watch: gmail.WatchOptions{Topic: "projects/p/topics/t"}})
	srv.Fail("watch", 1, fakegmail.InsufficientPermissions())
	if err := withTopic.Watch(context.Background(), func() {}); !errors.Is(err, provider.ErrPermission) {
		t.Errorf("Watch with users.watch refused = %v; want ErrPermission", err)
	}
	bad := newProvider(t, srv, nil, &gmail.Options{Watch: gmail.WatchOptions{Topic: "not-a-topic"}})
	if err := bad.Watch(context.Background(), func() {}); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("Watch with a bad topic = %v; want ErrInvalid", err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestProvider_labels(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, &gmail.Options{Label: "Outreach"})
	w := &world{srv: srv, p: p, idx: &index{}}
	s := w.send(t, "bob@prospect.example", "Labelled")
	c := w.fetch(t, "").Cursor
	reply := providertest.Reply("bob@prospect.example", account, "Labelled", s.MessageID)
	replyID := w.deliver(t, reply)
	unrelatedID := w.deliver(t, providertest.Unrelated("n@news.example", account))
	b := w.fetch(t, c)
	if len(b.Messages) != 1 {
		t.Fatalf("Fetch = %v", messageIDs(b))
	}
	has := func(id string) bool {
		for _, l := range srv.Labels(id) {
			if l == "Label_9" {
				return true
			}
		}
		return false
	}
	if !has(s.ProviderID) || !has(replyID) || has(unrelatedID) {
		t.Errorf("labels: sent %v, reply %v, unrelated %v; want the label on sent and reply only",
			srv.Labels(s.ProviderID), srv.Labels(replyID), srv.Labels(unrelatedID))
	}
	if got := srv.Stats().Calls["labels.create"]; got != 1 {
		t.Errorf("labels.create calls = %d; want 1", got)
	}
	// After an expiry the labelled reply is not returned again, even
	// though labelling changed it after the cursor.
	srv.ExpireHistory()
	if again := w.fetch(t, b.Cursor); len(again.Messages) != 0 {
		t.Errorf("resync returned %v again", messageIDs(again))
	}
	// Without the modify scope, labelling fails quietly.
	srv.Fail("messages.modify", 1, fakegmail.InsufficientPermissions())
	if _, err := p.Send(context.Background(), outgoing("No scope")); err != nil {
		t.Errorf("Send when labelling is refused = %v; want nil", err)
	}
}

func TestProvider_Watch_renewalFails(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, &gmail.Options{Watch: gmail.WatchOptions{
		Topic: "projects/p/topics/t", PollInterval: time.Hour, Renew: 7*24*time.Hour - 50*time.Millisecond,
	}})
	srv.OnCall(func(method string) {
		if method == "watch" && srv.Stats().Calls["watch"] == 2 {
			srv.SetTokens() // the user revoked access between two renewals
		}
	})
	done := make(chan error, 1)
	go func() { done <- p.Watch(context.Background(), func() {}) }()
	select {
	case err := <-done:
		if !errors.Is(err, provider.ErrAuth) {
			t.Errorf("Watch after a refused renewal = %v; want ErrAuth", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Watch did not end after its renewal was refused")
	}
}

// Close ends a running Watch with ErrClosed, as on every provider.
func TestProvider_Watch_closeEnds(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, &gmail.Options{Watch: gmail.WatchOptions{PollInterval: time.Hour}})
	done := make(chan error, 1)
	go func() { done <- p.Watch(context.Background(), func() {}) }()
	_ = p.Close()
	select {
	case err := <-done:
		if !errors.Is(err, provider.ErrClosed) {
			t.Errorf("Watch after Close = %v; want ErrClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not end the running Watch")
	}
}
