package fakegraph_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/internal/fakegraph"
)

func subscribeBody(notify, lifecycle string, minutes int) map[string]any {
	b := map[string]any{
		"changeType":         "created",
		"notificationUrl":    notify,
		"resource":           "me/mailFolders('inbox')/messages",
		"expirationDateTime": time.Now().Add(time.Duration(minutes) * time.Minute).UTC().Format(time.RFC3339),
		"clientState":        "secret-state",
	}
	if lifecycle != "" {
		b["lifecycleNotificationUrl"] = lifecycle
	}
	return b
}

func TestSubscriptions_lifecycle(t *testing.T) {
	srv := start(t)
	hook := newWebhook(t, true)
	life := newWebhook(t, false) // http on 127.0.0.1 is allowed for tests
	r := do(t, srv, "POST", "/subscriptions", jsonBody(subscribeBody(hook.URL+"/notify?tenant=a", life.URL, 4000)))
	want(t, "create subscription", r, 201, "")
	id := str(r.body["id"])
	if r.body["clientState"] != "secret-state" || r.body["changeType"] != "created" || str(r.body["expirationDateTime"]) == "" {
		t.Errorf("subscription = %v", r.body)
	}
	if v, l := hook.tokens(), life.tokens(); len(v) != 1 || !strings.HasPrefix(v[0], "Validation: ") || len(l) != 1 {
		t.Errorf("validation tokens = %q / %q", v, l)
	}
	if subs := srv.Subscriptions(); len(subs) != 1 || subs[0].ID != id || subs[0].Mailbox != ada {
		t.Errorf("Subscriptions() = %+v", subs)
	}

	// Deliver notifies synchronously.
	msgID, _ := srv.Deliver(ada, "inbox", []byte(rawMessage(bob, ada, "Hi", "n1@x.test", "")))
	srv.Deliver(ada, "junkemail", []byte(rawMessage(bob, ada, "Spam", "n2@x.test", "")))
	ns := hook.notifications()
	if len(ns) != 1 {
		t.Fatalf("notifications = %d; want 1 (junk is another folder)", len(ns))
	}
	n := items(result{body: ns[0]})[0]
	rd, _ := n["resourceData"].(map[string]any)
	if n["subscriptionId"] != id || n["clientState"] != "secret-state" || n["changeType"] != "created" ||
		rd["id"] != msgID || !strings.HasSuffix(str(n["resource"]), "/Messages/"+msgID) || str(n["tenantId"]) == "" {
		t.Errorf("notification = %v", n)
	}
	// The notification's resource can be read back.
	want(t, "GET notified resource", do(t, srv, "GET", "/"+str(n["resource"])), 200, "")
	if st := srv.Stats(); st.Notifications != 1 || st.Validations != 2 {
		t.Errorf("Stats = %+v", st)
	}

	// Renew, list, get, reauthorize, lifecycle, delete.
	r = do(t, srv, "PATCH", "/subscriptions/"+id, jsonBody(map[string]any{"expirationDateTime": time.Now().Add(6 * 24 * time.Hour).UTC().Format(time.RFC3339)}))
	want(t, "renew", r, 200, "")
	if l := items(do(t, srv, "GET", "/subscriptions")); len(l) != 1 || l[0]["id"] != id {
		t.Errorf("list = %v", l)
	}
	want(t, "reauthorize", do(t, srv, "POST", "/subscriptions/"+id+"/reauthorize"), 204, "")
	if err := srv.Lifecycle(id, "reauthorizationRequired"); err != nil {
		t.Fatalf("Lifecycle: %v", err)
	}
	ln := items(result{body: life.notifications()[0]})[0]
	if ln["lifecycleEvent"] != "reauthorizationRequired" || ln["subscriptionId"] != id || ln["clientState"] != "secret-state" {
		t.Errorf("lifecycle notification = %v", ln)
	}
	want(t, "delete", do(t, srv, "DELETE", "/subscriptions/"+id), 204, "")
	want(t, "get deleted", do(t, srv, "GET", "/subscriptions/"+id), 404, "ResourceNotFound")
	srv.Deliver(ada, "inbox", []byte(rawMessage(bob, ada, "After", "n3@x.test", "")))
	if len(hook.notifications()) != 1 {
		t.Errorf("a deleted subscription was notified")
	}
}

func TestSubscriptions_removedBySubscriptionRemoved(t *testing.T) {
	srv := start(t)
	hook := newWebhook(t, true)
	r := do(t, srv, "POST", "/subscriptions", jsonBody(subscribeBody(hook.URL, hook.URL, 100)))
	id := str(r.body["id"])
	if err := srv.Lifecycle(id, "subscriptionRemoved"); err != nil {
		t.Fatal(err)
	}
	if len(srv.Subscriptions()) != 0 {
		t.Errorf("subscriptionRemoved left the subscription")
	}
	if err := srv.Lifecycle(id, "missed"); err == nil {
		t.Errorf("Lifecycle on a removed subscription succeeded")
	}
}

func TestSubscriptions_sendNotifies(t *testing.T) {
	srv := start(t)
	hook := newWebhook(t, true)
	body := subscribeBody(hook.URL, "", 100)
	body["Resource"], body["resource"] = "/me/messages", nil
	delete(body, "resource")
	want(t, "create (PascalCase key)", do(t, srv, "POST", "/subscriptions", jsonBody(body)), 201, "")
	do(t, srv, "POST", "/me/sendMail", jsonBody(sendJSON(bob)))
	srv.WaitNotifications()
	if len(hook.notifications()) != 1 {
		t.Errorf("a sent message in /me/messages raised %d notifications; want 1", len(hook.notifications()))
	}
}

func TestSubscriptions_validationTimeout(t *testing.T) {
	srv := fakegraph.New(fakegraph.Options{Email: ada, ValidationTimeout: 300 * time.Millisecond})
	t.Cleanup(srv.Close)
	slow := newWebhook(t, true)
	slow.validate = func(w http.ResponseWriter, tok string) {
		time.Sleep(time.Second)
		_, _ = io.WriteString(w, tok)
	}
	r := do(t, srv, "POST", "/subscriptions", jsonBody(subscribeBody(slow.URL, "", 100)))
	want(t, "slow validation", r, 400, "InvalidRequest")
	if r.message() != "Subscription validation request timed out." {
		t.Errorf("message = %q", r.message())
	}
}

func TestSubscriptions_rejects(t *testing.T) {
	srv := start(t)
	good := newWebhook(t, true)
	wrongEcho := newWebhook(t, true)
	wrongEcho.validate = func(w http.ResponseWriter, tok string) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, strings.ReplaceAll(tok, " ", "+")) // still encoded
	}
	status500 := newWebhook(t, true)
	status500.validate = func(w http.ResponseWriter, _ string) { w.WriteHeader(500) }
	htmlType := newWebhook(t, true)
	htmlType.validate = func(w http.ResponseWriter, tok string) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, tok)
	}
	long := subscribeBody(good.URL, "", 100)
	long["clientState"] = strings.Repeat("x", 129)
	rich := subscribeBody(good.URL, "", 100)
	rich["includeResourceData"] = true
	badType := subscribeBody(good.URL, "", 100)
	badType["changeType"] = "created,moved"
	otherUser := subscribeBody(good.URL, "", 100)
	srv.AddUser(bob, "Bob")
	otherUser["resource"] = "users/" + bob + "/messages"
	noExpiry := subscribeBody(good.URL, "", 100)
	delete(noExpiry, "expirationDateTime")
	unknown := subscribeBody(good.URL, "", 100)
	unknown["colour"] = "red"
	tests := []struct {
		name   string
		body   map[string]any
		status int
		code   string
	}{
		{"echo not decoded", subscribeBody(wrongEcho.URL, "", 100), 400, "ValidationError"},
		{"validation 500", subscribeBody(status500.URL, "", 100), 400, "ValidationError"},
		{"validation text/html", subscribeBody(htmlType.URL, "", 100), 400, "ValidationError"},
		{"lifecycle URL fails", subscribeBody(good.URL, status500.URL, 100), 400, "ValidationError"},
		{"http off loopback", subscribeBody("http://example.com/hook", "", 100), 400, "ValidationError"},
		{"over 10070 minutes", subscribeBody(good.URL, "", 10080), 400, "ExtensionError"},
		{"in the past", subscribeBody(good.URL, "", -5), 400, "InvalidRequest"},
		{"no expiry", noExpiry, 400, "InvalidRequest"},
		{"clientState too long", long, 400, "InvalidRequest"},
		{"rich notifications", rich, 400, "InvalidRequest"},
		{"bad changeType", badType, 400, "InvalidRequest"},
		{"another mailbox", otherUser, 403, "ErrorAccessDenied"},
		{"unknown property", unknown, 400, "RequestBodyRead"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want(t, "POST /subscriptions", do(t, srv, "POST", "/subscriptions", jsonBody(tc.body)), tc.status, tc.code)
		})
	}
	if n := len(srv.Subscriptions()); n != 0 {
		t.Errorf("%d subscriptions created by rejected requests", n)
	}
	// Under 45 minutes is raised to 45.
	r := do(t, srv, "POST", "/subscriptions", jsonBody(subscribeBody(good.URL, "", 10)))
	exp, _ := time.Parse(time.RFC3339Nano, str(r.body["expirationDateTime"]))
	if r.status != 201 || time.Until(exp) < 44*time.Minute {
		t.Errorf("10-minute subscription = %d, expires %v", r.status, exp)
	}
	srv.SetToken("send-only", ada, "Mail.Send")
	want(t, "subscribe without a read scope", do(t, srv, "POST", "/subscriptions", jsonBody(subscribeBody(good.URL, "", 100)), token("send-only")), 403, "ErrorAccessDenied")
	want(t, "renew over the limit", do(t, srv, "PATCH", "/subscriptions/"+str(r.body["id"]), jsonBody(map[string]any{
		"expirationDateTime": time.Now().Add(8 * 24 * time.Hour).UTC().Format(time.RFC3339)})), 400, "ExtensionError")
}
