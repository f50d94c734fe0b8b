package fakegmail_test

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/internal/fakegmail"
	"golang.org/x/oauth2"
	gmailapi "google.golang.org/api/gmail/v1"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
)

const account = "ada@inboxkit.test"

func start(t *testing.T) (*fakegmail.Server, *gmailapi.Service) {
	t.Helper()
	srv := fakegmail.New(fakegmail.Options{Email: account})
	t.Cleanup(srv.Close)
	return srv, client(t, srv, "test-token")
}

func client(t *testing.T, srv *fakegmail.Server, token string) *gmailapi.Service {
	t.Helper()
	ctx := context.Background()
	hc := oauth2.NewClient(ctx, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token}))
	svc, err := gmailapi.NewService(ctx, option.WithEndpoint(srv.URL()), option.WithHTTPClient(hc))
	if err != nil {
		t.Fatalf("NewService: %v", err)
	}
	return svc
}

func raw(from, to, subject, id, extra string) string {
	return "From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nMessage-ID: <" + id + ">\r\n" + extra + "\r\nbody\r\n"
}

func b64(s string) string { return base64.URLEncoding.EncodeToString([]byte(s)) }

func code(err error) (int, string) {
	var g *googleapi.Error
	if !errors.As(err, &g) {
		return 0, ""
	}
	reason := ""
	if len(g.Errors) > 0 {
		reason = g.Errors[0].Reason
	}
	return g.Code, reason
}

func TestServer_auth(t *testing.T) {
	srv, _ := start(t)
	_, err := client(t, srv, "wrong").Users.GetProfile("me").Do()
	if c, r := code(err); c != 401 || r != "authError" {
		t.Errorf("GetProfile with a bad token = %d %q; want 401 authError", c, r)
	}
	_, err = client(t, srv, "test-token").Users.GetProfile("someone@else.test").Do()
	if c, _ := code(err); c != 403 {
		t.Errorf("GetProfile(other user) = %d; want 403", c)
	}
}

func TestServer_sendAndThreads(t *testing.T) {
	srv, svc := start(t)
	first, err := svc.Users.Messages.Send("me", &gmailapi.Message{Raw: b64(raw(account, "bob@x.test", "Hello", "a1@x", ""))}).Do()
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := srv.Labels(first.Id); len(got) != 1 || got[0] != "SENT" {
		t.Errorf("labels of a sent message = %v; want [SENT]", got)
	}
	// A follow-up naming the first message with the same subject joins it.
	follow, err := svc.Users.Messages.Send("me", &gmailapi.Message{ThreadId: first.ThreadId,
		Raw: b64(raw(account, "bob@x.test", "Re: Hello", "a2@x", "In-Reply-To: <a1@x>\r\nReferences: <a1@x>\r\n"))}).Do()
	if err != nil || follow.ThreadId != first.ThreadId {
		t.Fatalf("follow-up = %+v, %v; want thread %s", follow, err, first.ThreadId)
	}
	// A reply with another subject starts its own thread, as on Gmail.
	id, thread, err := srv.Deliver([]byte(raw("bob@x.test", account, "Something else", "b1@x", "In-Reply-To: <a1@x>\r\n")))
	if err != nil || thread != id {
		t.Errorf("Deliver(other subject) thread = %q (id %q), %v; want a new thread", thread, id, err)
	}
	_, thread, _ = srv.Deliver([]byte(raw("bob@x.test", account, "RE: hello", "b2@x", "References: <a2@x>\r\n")))
	if thread != first.ThreadId {
		t.Errorf("Deliver(reply) thread = %q; want %q", thread, first.ThreadId)
	}
	tests := []struct {
		name   string
		msg    *gmailapi.Message
		status int
	}{
		{"standard base64", &gmailapi.Message{Raw: base64.StdEncoding.EncodeToString([]byte(raw(account, "b@x.test", "s??>", "c@x", "") + "\xfb\xff"))}, 400},
		{"not base64", &gmailapi.Message{Raw: "%%%"}, 400},
		{"no raw", &gmailapi.Message{}, 400},
		{"no recipient", &gmailapi.Message{Raw: b64("From: " + account + "\r\nSubject: x\r\n\r\nhi\r\n")}, 400},
		{"unknown thread", &gmailapi.Message{ThreadId: "ffff", Raw: b64(raw(account, "b@x.test", "x", "d@x", ""))}, 404},
	}
	for _, tc := range tests {
		_, err := svc.Users.Messages.Send("me", tc.msg).Do()
		if c, _ := code(err); c != tc.status {
			t.Errorf("%s: Send status = %d (%v); want %d", tc.name, c, err, tc.status)
		}
	}
	if got := len(srv.Sends()); got != 2 {
		t.Errorf("Sends() = %d; want 2", got)
	}
}

func TestServer_upload(t *testing.T) {
	srv, svc := start(t)
	m, err := svc.Users.Messages.Send("me", &gmailapi.Message{}).
		Media(strings.NewReader(raw(account, "bob@x.test", "Big", "u1@x", "")), googleapi.ContentType("message/rfc822")).Do()
	if err != nil {
		t.Fatalf("upload Send: %v", err)
	}
	if s := srv.Sends(); len(s) != 1 || s[0].MessageID != "u1@x" || s[0].ID != m.Id {
		t.Errorf("Sends() = %+v; want the uploaded u1@x", s)
	}
}

func TestServer_fromRewritten(t *testing.T) {
	srv, svc := start(t)
	srv.AddSendAs("sales@inboxkit.test", "Sales", "accepted")
	srv.AddSendAs("pending@inboxkit.test", "", "pending")
	for from, want := range map[string]string{"sales@inboxkit.test": "sales@inboxkit.test", "pending@inboxkit.test": account} {
		if _, err := svc.Users.Messages.Send("me", &gmailapi.Message{Raw: b64(raw(from, "b@x.test", "s", "f-"+from, ""))}).Do(); err != nil {
			t.Fatal(err)
		}
		s := srv.Sends()
		if got := string(s[len(s)-1].Raw); !strings.Contains(got, "From: "+want+"\r\n") {
			t.Errorf("sent as %s: From in stored copy = %q; want %s", from, got, want)
		}
	}
	list, err := svc.Users.Settings.SendAs.List("me").Do()
	if err != nil || len(list.SendAs) != 3 || list.SendAs[1].VerificationStatus != "accepted" {
		t.Errorf("SendAs.List = %+v, %v", list, err)
	}
}

func TestServer_getListAndHistory(t *testing.T) {
	srv, svc := start(t)
	startID := srv.HistoryID()
	var ids []string
	for i := range 5 {
		id, _, err := srv.Deliver([]byte(raw("p@x.test", account, "n", "m"+string(rune('0'+i))+"@x", "X-Note: yes\r\n")))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	meta, err := svc.Users.Messages.Get("me", ids[0]).Format("metadata").MetadataHeaders("message-id", "Subject").Do()
	if err != nil || meta.Payload == nil || len(meta.Payload.Headers) != 2 || meta.Raw != "" {
		t.Fatalf("Get(metadata) = %+v, %v; want two headers and no raw", meta, err)
	}
	full, err := svc.Users.Messages.Get("me", ids[0]).Format("raw").Do()
	if err != nil || !strings.Contains(mustDecode(t, full.Raw), "X-Note: yes") {
		t.Fatalf("Get(raw) = %+v, %v", full, err)
	}
	if _, err := svc.Users.Messages.Get("me", "nope").Do(); func() int { c, _ := code(err); return c }() != 404 {
		t.Errorf("Get(unknown) error = %v; want 404", err)
	}
	found, err := svc.Users.Messages.List("me").Q("rfc822msgid:<m3@x>").Do()
	if err != nil || len(found.Messages) != 1 || found.Messages[0].Id != ids[3] {
		t.Errorf("List(rfc822msgid) = %+v, %v; want %s", found, err, ids[3])
	}
	var pages, total int
	call := svc.Users.Messages.List("me").Q("newer_than:30d in:inbox").MaxResults(2)
	if err := call.Pages(context.Background(), func(r *gmailapi.ListMessagesResponse) error {
		pages++
		total += len(r.Messages)
		return nil
	}); err != nil || pages != 3 || total != 5 {
		t.Errorf("List paged: %d pages, %d messages, %v; want 3, 5", pages, total, err)
	}
	var added []string
	hcall := svc.Users.History.List("me").StartHistoryId(startID).HistoryTypes("messageAdded").MaxResults(2)
	if err := hcall.Pages(context.Background(), func(r *gmailapi.ListHistoryResponse) error {
		if r.HistoryId != srv.HistoryID() {
			t.Errorf("history page historyId = %d; want %d", r.HistoryId, srv.HistoryID())
		}
		for _, h := range r.History {
			for _, a := range h.MessagesAdded {
				added = append(added, a.Message.Id)
			}
		}
		return nil
	}); err != nil || strings.Join(added, ",") != strings.Join(ids, ",") {
		t.Errorf("history added %v, %v; want %v", added, err, ids)
	}
	srv.ExpireHistory()
	_, err = svc.Users.History.List("me").StartHistoryId(startID).Do()
	if c, _ := code(err); c != 404 {
		t.Errorf("history after expiry = %v; want 404", err)
	}
	if r, err := svc.Users.History.List("me").StartHistoryId(srv.HistoryID()).Do(); err != nil || len(r.History) != 0 {
		t.Errorf("history from now = %+v, %v; want empty", r, err)
	}
}

func mustDecode(t *testing.T, s string) string {
	t.Helper()
	b, err := base64.URLEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("decode raw: %v", err)
	}
	return string(b)
}

func TestServer_faultsAndQuota(t *testing.T) {
	srv, svc := start(t)
	tests := []struct {
		fault  fakegmail.Fault
		status int
		reason string
		retry  string
	}{
		{fakegmail.RateLimit(), 403, "rateLimitExceeded", ""},
		{fakegmail.UserRateLimit(), 403, "userRateLimitExceeded", ""},
		{fakegmail.TooManyRequests(), 429, "rateLimitExceeded", "2"},
		{fakegmail.InsufficientPermissions(), 403, "insufficientPermissions", ""},
		{fakegmail.BackendError(), 500, "backendError", ""},
		{fakegmail.Unavailable(), 503, "backendError", ""},
	}
	for _, tc := range tests {
		srv.Fail("getProfile", 1, tc.fault)
		_, err := svc.Users.GetProfile("me").Do()
		c, r := code(err)
		var g *googleapi.Error
		errors.As(err, &g)
		if c != tc.status || r != tc.reason || (g != nil && g.Header.Get("Retry-After") != tc.retry) {
			t.Errorf("fault %+v: got %d %q; want %d %q", tc.fault, c, r, tc.status, tc.reason)
		}
	}
	before := srv.Stats()
	if _, err := svc.Users.GetProfile("me").Do(); err != nil {
		t.Fatalf("GetProfile after faults: %v", err)
	}
	if _, err := svc.Users.History.List("me").StartHistoryId(srv.HistoryID()).Do(); err != nil {
		t.Fatal(err)
	}
	after := srv.Stats()
	if got, want := after.Units-before.Units, 3; got != want {
		t.Errorf("units for getProfile + history.list = %d; want %d", got, want)
	}
	if after.Requests-before.Requests != 2 || after.Calls["history.list"] != 1 {
		t.Errorf("stats = %+v", after)
	}
	if fakegmail.Units("messages.send") != 100 || fakegmail.Units("messages.get") != 5 {
		t.Error("published units wrong")
	}
}

func TestServer_labelsAndWatch(t *testing.T) {
	srv, svc := start(t)
	id, _, _ := srv.Deliver([]byte(raw("p@x.test", account, "n", "l1@x", "")))
	l, err := svc.Users.Labels.Create("me", &gmailapi.Label{Name: "Outreach"}).Do()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Users.Labels.Create("me", &gmailapi.Label{Name: "outreach"}).Do(); func() int { c, _ := code(err); return c }() != http.StatusConflict {
		t.Errorf("duplicate label error = %v; want 409", err)
	}
	if _, err := svc.Users.Messages.Modify("me", id, &gmailapi.ModifyMessageRequest{AddLabelIds: []string{l.Id}}).Do(); err != nil {
		t.Fatal(err)
	}
	if got := srv.Labels(id); !strings.Contains(strings.Join(got, ","), l.Id) {
		t.Errorf("labels = %v; want %s", got, l.Id)
	}
	if _, err := svc.Users.Messages.Modify("me", id, &gmailapi.ModifyMessageRequest{AddLabelIds: []string{"Label_999"}}).Do(); func() int { c, _ := code(err); return c }() != 400 {
		t.Errorf("unknown label error = %v; want 400", err)
	}
	w, err := svc.Users.Watch("me", &gmailapi.WatchRequest{TopicName: "projects/p/topics/gmail"}).Do()
	if err != nil || w.Expiration == 0 || srv.Watching() == nil {
		t.Fatalf("Watch = %+v, %v", w, err)
	}
	if err := svc.Users.Stop("me").Do(); err != nil || srv.Watching() != nil {
		t.Errorf("Stop: %v", err)
	}
}

func TestServer_badRequests(t *testing.T) {
	srv, _ := start(t)
	base := strings.TrimSuffix(srv.URL(), "/")
	msg := raw(account, "bob@x.test", "Media", "media1@x", "")
	tests := []struct {
		name, method, path, ctype, body string
		status                          int
	}{
		{"media upload", "POST", "/upload/gmail/v1/users/me/messages/send?uploadType=media", "message/rfc822", msg, 200},
		{"unknown upload type", "POST", "/upload/gmail/v1/users/me/messages/send?uploadType=resumable", "message/rfc822", msg, 400},
		{"multipart not related", "POST", "/upload/gmail/v1/users/me/messages/send?uploadType=multipart", "text/plain", msg, 400},
		{"bad json", "POST", "/gmail/v1/users/me/messages/send", "application/json", "{", 400},
		{"no startHistoryId", "GET", "/gmail/v1/users/me/history", "", "", 400},
		{"bad pageToken", "GET", "/gmail/v1/users/me/messages?pageToken=zz", "", "", 400},
		{"bad maxResults", "GET", "/gmail/v1/users/me/history?startHistoryId=1&maxResults=-1", "", "", 400},
		{"bad format", "GET", "/gmail/v1/users/me/messages/x?format=weird", "", "", 400},
		{"bad query", "GET", "/gmail/v1/users/me/messages?q=newer_than:xd", "", "", 400},
		{"unknown path", "GET", "/gmail/v1/users/me/nothing", "", "", 404},
		{"bad topic", "POST", "/gmail/v1/users/me/watch", "application/json", `{"topicName":"t"}`, 400},
		{"empty label", "POST", "/gmail/v1/users/me/labels", "application/json", `{"name":" "}`, 400},
	}
	for _, tc := range tests {
		req, _ := http.NewRequest(tc.method, base+tc.path, strings.NewReader(tc.body))
		req.Header.Set("Authorization", "Bearer test-token")
		if tc.ctype != "" {
			req.Header.Set("Content-Type", tc.ctype)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d; want %d", tc.name, resp.StatusCode, tc.status)
		}
	}
	if s := srv.Sends(); len(s) != 1 || !s[0].Upload || s[0].MessageID != "media1@x" {
		t.Errorf("Sends() = %+v; want the media upload", s)
	}
}

// TestServer_labelChangesMoveHistoryID: #12 item 1. Every label change,
// by the API or by the user's mail client, is a history record and moves
// the message's historyId past it, as on Gmail; messages.list orders by
// internalDate, newest first.
func TestServer_labelChangesMoveHistoryID(t *testing.T) {
	srv, svc := start(t)
	id, _, err := srv.Deliver([]byte(raw("bob@x.test", account, "Hi", "h1@x", "")))
	if err != nil {
		t.Fatal(err)
	}
	get := func() *gmailapi.Message {
		m, err := svc.Users.Messages.Get("me", id).Format("minimal").Do()
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	h0 := get().HistoryId
	if err := srv.Modify(id, []string{"STARRED"}, []string{"UNREAD", "INBOX"}); err != nil {
		t.Fatal(err)
	}
	h1 := get().HistoryId
	if h1 <= h0 || h1 != srv.HistoryID() {
		t.Errorf("historyId after read, star and archive = %d (mailbox %d); want past %d", h1, srv.HistoryID(), h0)
	}
	hist, err := svc.Users.History.List("me").StartHistoryId(h0).Do()
	if err != nil {
		t.Fatal(err)
	}
	var added, removed int
	for _, h := range hist.History {
		added += len(h.LabelsAdded)
		removed += len(h.LabelsRemoved)
	}
	if added != 1 || removed != 2 {
		t.Errorf("history since %d: %d labelsAdded, %d labelsRemoved; want 1, 2", h0, added, removed)
	}
	if _, err := svc.Users.Messages.Modify("me", id, &gmailapi.ModifyMessageRequest{AddLabelIds: []string{"INBOX"}}).Do(); err != nil {
		t.Fatal(err)
	}
	if h2 := get().HistoryId; h2 <= h1 {
		t.Errorf("historyId after messages.modify = %d; want past %d", h2, h1)
	}
	older, _, err := srv.Deliver([]byte(raw("cyd@x.test", account, "Late", "h2@x", "")))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.SetInternalDate(older, 1000); err != nil {
		t.Fatal(err)
	}
	list, err := svc.Users.Messages.List("me").Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Messages) != 2 || list.Messages[0].Id != id || list.Messages[1].Id != older {
		t.Errorf("messages.list = %v; want %s then %s (newest internalDate first)", list.Messages, id, older)
	}
}
