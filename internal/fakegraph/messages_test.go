package fakegraph_test

import (
	"net/url"
	"strings"
	"testing"
)

func TestDrafts(t *testing.T) {
	srv := start(t)
	srv.AddUser(bob, "Bob")
	r := do(t, srv, "POST", "/me/messages", jsonBody(map[string]any{
		"subject":      "Draft",
		"toRecipients": []any{map[string]any{"emailAddress": map[string]any{"address": "carol@example.test"}}},
	}))
	want(t, "create draft", r, 201, "")
	id := str(r.body["id"])
	if r.body["isDraft"] != true || !strings.HasPrefix(str(r.body["internetMessageId"]), "<") {
		t.Errorf("draft = %v", r.body)
	}
	// Send on behalf needs the grant: PATCH from, then send.
	r = do(t, srv, "PATCH", "/me/messages/"+url.PathEscape(id), jsonBody(map[string]any{"from": map[string]any{"emailAddress": map[string]any{"address": bob}}}))
	if r.status != 200 || address(r.body["from"]) != bob {
		t.Fatalf("PATCH from = %d %v", r.status, r.body["from"])
	}
	want(t, "send without grant", do(t, srv, "POST", "/me/messages/"+url.PathEscape(id)+"/send"), 403, "ErrorSendAsDenied")
	srv.GrantSendOnBehalf(bob, ada)
	srv.SetToken("shared", ada, "Mail.ReadWrite", "Mail.Send.Shared")
	r = do(t, srv, "POST", "/me/messages/"+url.PathEscape(id)+"/send", token("shared"))
	want(t, "send draft", r, 202, "")
	s := srv.Sends()
	if len(s) != 1 || s[0].Via != "draft" || s[0].From != bob || s[0].Sender != ada {
		t.Fatalf("Sends() = %+v", s)
	}
	// The draft moved to Sent Items under a new id.
	want(t, "GET old draft id", do(t, srv, "GET", "/me/messages/"+url.PathEscape(id)), 404, "ErrorItemNotFound")
	sent := srv.Messages(ada, "sentitems")
	if len(sent) != 1 || sent[0].ID == id || sent[0].IsDraft || len(srv.Messages(ada, "drafts")) != 0 {
		t.Errorf("after send: sentitems %+v, drafts %d", sent, len(srv.Messages(ada, "drafts")))
	}
	want(t, "PATCH a sent message", do(t, srv, "PATCH", "/me/messages/"+url.PathEscape(sent[0].ID), jsonBody(map[string]any{"subject": "changed"})), 400, "ErrorInvalidPropertyUpdateSentMessage")
	want(t, "PATCH isRead of a sent message", do(t, srv, "PATCH", "/me/messages/"+url.PathEscape(sent[0].ID), jsonBody(map[string]any{"isRead": false})), 200, "")
	want(t, "send a sent message", do(t, srv, "POST", "/me/messages/"+url.PathEscape(sent[0].ID)+"/send"), 400, "ErrorInvalidOperation")

	// A MIME draft keeps its Message-ID; PATCH rewrites its header.
	r = do(t, srv, "POST", "/me/messages", mimeBody(rawMessage(ada, "carol@example.test", "MIME draft", "d1@inboxkit.test", "")))
	want(t, "create MIME draft", r, 201, "")
	if r.body["internetMessageId"] != "<d1@inboxkit.test>" {
		t.Errorf("MIME draft internetMessageId = %v", r.body["internetMessageId"])
	}
	mid := str(r.body["id"])
	do(t, srv, "PATCH", "/me/messages/"+mid, jsonBody(map[string]any{"Subject": "Patched"}))
	want(t, "send MIME draft", do(t, srv, "POST", "/me/messages/"+mid+"/send"), 202, "")
	if s := srv.Sends(); !strings.Contains(string(s[1].Raw), "Subject: Patched") || s[1].MessageID != "d1@inboxkit.test" {
		t.Errorf("sent MIME draft = %q", s[1].Raw)
	}
}

func TestGetMessage(t *testing.T) {
	srv := start(t)
	id, err := srv.Deliver(ada, "inbox", []byte(rawMessage(bob, ada, "Question", "q1@example.test", "X-Custom: yes\r\n")))
	if err != nil {
		t.Fatal(err)
	}
	path := "/me/messages/" + url.PathEscape(id)
	r := do(t, srv, "GET", path)
	want(t, "GET message", r, 200, "")
	if _, ok := r.body["internetMessageHeaders"]; ok {
		t.Errorf("internetMessageHeaders returned without $select")
	}
	if r.body["subject"] != "Question" || address(r.body["from"]) != bob || r.body["internetMessageId"] != "<q1@example.test>" || str(r.body["conversationId"]) == "" {
		t.Errorf("message = %v", r.body)
	}
	r = do(t, srv, "GET", path+"?$select=internetMessageHeaders,Subject")
	hs, _ := r.body["internetMessageHeaders"].([]any)
	if len(hs) < 5 || r.body["subject"] != "Question" || r.body["body"] != nil {
		t.Errorf("$select=internetMessageHeaders,Subject = %v", r.body)
	}
	found := false
	for _, h := range hs {
		if m := h.(map[string]any); m["name"] == "X-Custom" && m["value"] == "yes" {
			found = true
		}
	}
	if !found {
		t.Errorf("headers %v lack X-Custom", hs)
	}
	if !strings.Contains(string(r.raw), `"<q1@example.test>"`) {
		t.Errorf("internetMessageId is escaped in %s", r.raw)
	}
	want(t, "folder path", do(t, srv, "GET", "/me/mailFolders('Inbox')/messages/"+url.PathEscape(id)), 200, "")
	f := do(t, srv, "GET", "/me/mailFolders/inbox")
	if f.status != 200 || f.body["displayName"] != "Inbox" || f.body["totalItemCount"] != 1.0 {
		t.Errorf("GET mailFolder = %d %v", f.status, f.body)
	}
	if r := do(t, srv, "GET", "/me/mailFolders/"+str(f.body["id"])); r.body["id"] != f.body["id"] {
		t.Errorf("GET mailFolder by id = %v", r.body)
	}
	want(t, "wrong folder", do(t, srv, "GET", "/me/mailFolders/sentitems/messages/"+url.PathEscape(id)), 404, "ErrorItemNotFound")
	want(t, "$select=nope", do(t, srv, "GET", path+"?$select=nope"), 400, "RequestBroker--ParseUri")

	// $value is the MIME, as text/plain.
	r = do(t, srv, "GET", path+"/$value")
	if r.status != 200 || r.header.Get("Content-Type") != "text/plain" || !strings.Contains(string(r.raw), "Message-ID: <q1@example.test>") {
		t.Errorf("$value = %d %q %q", r.status, r.header.Get("Content-Type"), r.raw)
	}
	want(t, "folder $value", do(t, srv, "GET", "/me/mailFolders/inbox/messages/"+url.PathEscape(id)+"/$value"), 405, "ErrorInvalidRequest")

	// Mail.ReadBasic reads neither body nor headers.
	srv.SetToken("basic", ada, "Mail.ReadBasic")
	r = do(t, srv, "GET", path, token("basic"))
	if _, ok := r.body["body"]; r.status != 200 || ok || r.body["subject"] != "Question" {
		t.Errorf("ReadBasic GET = %d %v", r.status, r.body)
	}
	want(t, "ReadBasic $select=internetMessageHeaders", do(t, srv, "GET", path+"?$select=internetMessageHeaders", token("basic")), 403, "ErrorAccessDenied")
	want(t, "ReadBasic $select=body", do(t, srv, "GET", path+"?$select=body", token("basic")), 403, "ErrorAccessDenied")
	want(t, "ReadBasic $value", do(t, srv, "GET", path+"/$value", token("basic")), 403, "ErrorAccessDenied")

	// Sent Items copies carry no internetMessageHeaders, as on Graph.
	do(t, srv, "POST", "/me/sendMail", jsonBody(sendJSON(bob)))
	sid := srv.Messages(ada, "sentitems")[0].ID
	r = do(t, srv, "GET", "/me/messages/"+url.PathEscape(sid)+"?$select=internetMessageHeaders,internetMessageId")
	if _, ok := r.body["internetMessageHeaders"]; ok || str(r.body["internetMessageId"]) == "" {
		t.Errorf("sent message with $select=internetMessageHeaders = %v", r.body)
	}
}

func TestListMessages(t *testing.T) {
	srv := start(t)
	for i := range 5 {
		id := "m" + string(rune('0'+i)) + "@example.test"
		if i == 3 {
			id = "o'brien@example.test"
		}
		if _, err := srv.Deliver(ada, "inbox", []byte(rawMessage(bob, ada, "S", id, ""))); err != nil {
			t.Fatal(err)
		}
	}
	f := url.QueryEscape("internetMessageId eq '<o''brien@example.test>'")
	r := do(t, srv, "GET", "/me/messages?$filter="+f+"&$select=internetMessageId")
	if v := items(r); r.status != 200 || len(v) != 1 || v[0]["internetMessageId"] != "<o'brien@example.test>" {
		t.Errorf("filter by internetMessageId = %d %v", r.status, r.body)
	}
	// Paging with $top and @odata.nextLink.
	var seen []string
	next := "/me/mailFolders/inbox/messages?$top=2&$select=id"
	for pages := 0; next != ""; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		r = do(t, srv, "GET", next)
		for _, v := range items(r) {
			seen = append(seen, str(v["id"]))
		}
		next = str(r.body["@odata.nextLink"])
	}
	if len(seen) != 5 {
		t.Errorf("paged %d messages; want 5", len(seen))
	}
	for _, bad := range []string{"subject ne", "hasAttachments eq true", "internetMessageId eq 'x' or subject eq 'y'", "internetMessageId eq 'unterminated"} {
		want(t, "$filter="+bad, do(t, srv, "GET", "/me/messages?$filter="+url.QueryEscape(bad)), 400, "ErrorInvalidUrlQueryFilter")
	}
	want(t, "$top=0", do(t, srv, "GET", "/me/messages?$top=0"), 400, "ErrorInvalidUrlQuery")
}

func TestDeleteMessage(t *testing.T) {
	srv := start(t)
	id, _ := srv.Deliver(ada, "inbox", []byte(rawMessage(bob, ada, "Bye", "b1@example.test", "")))
	want(t, "DELETE", do(t, srv, "DELETE", "/me/messages/"+url.PathEscape(id)), 204, "")
	if len(srv.Messages(ada, "inbox")) != 0 || len(srv.Messages(ada, "deleteditems")) != 1 {
		t.Errorf("after DELETE: inbox %d, deleted items %d", len(srv.Messages(ada, "inbox")), len(srv.Messages(ada, "deleteditems")))
	}
}

func TestImmutableIDs(t *testing.T) {
	srv := start(t)
	hook := newWebhook(t, true)
	immutable := header("Prefer", `IdType="ImmutableId"`)
	sub := subscribeBody(hook.URL, "", 100)
	sub["resource"] = "me/messages"
	r := do(t, srv, "POST", "/subscriptions", jsonBody(sub), immutable)
	want(t, "subscribe with immutable ids", r, 201, "")
	r = do(t, srv, "POST", "/me/messages", mimeBody(rawMessage(ada, bob, "Draft", "i1@inboxkit.test", "")), immutable)
	id := str(r.body["id"])
	if r.status != 201 || !strings.HasPrefix(id, "AAkA") || r.header.Get("Preference-Applied") != `IdType="ImmutableId"` {
		t.Fatalf("create draft = %d id %q, Preference-Applied %q", r.status, id, r.header.Get("Preference-Applied"))
	}
	want(t, "send", do(t, srv, "POST", "/me/messages/"+url.PathEscape(id)+"/send", immutable), 202, "")
	// The immutable id now names the copy in Sent Items; the regular id changed.
	r = do(t, srv, "GET", "/me/messages/"+url.PathEscape(id)+"?$select=isDraft,parentFolderId", immutable)
	sent := srv.Messages(ada, "sentitems")
	if r.status != 200 || r.body["isDraft"] != false || r.body["id"] != id || len(sent) != 1 || sent[0].ImmutableID != id || sent[0].ID == id {
		t.Fatalf("GET by immutable id after send = %d %v; Sent Items %+v", r.status, r.body, sent)
	}
	r = do(t, srv, "GET", "/me/messages/"+url.PathEscape(id)+"?$select=id")
	if r.body["id"] != sent[0].ID {
		t.Errorf("without the preference the id = %v; want the regular %s", r.body["id"], sent[0].ID)
	}
	srv.WaitNotifications()
	var ids []string
	for _, n := range hook.notifications() {
		rd, _ := items(result{body: n})[0]["resourceData"].(map[string]any)
		ids = append(ids, str(rd["id"]))
	}
	if len(ids) != 2 || ids[0] != id || ids[1] != id {
		t.Errorf("notified ids = %v; want the immutable %s for the draft and the sent copy", ids, id)
	}
	vals, _ := drain(t, srv, "/me/mailFolders/sentitems/messages/delta", immutable)
	if len(vals) != 1 || vals[0]["id"] != id {
		t.Errorf("delta with immutable ids = %v", vals)
	}
}

func TestSentItemsDelay(t *testing.T) {
	srv := start(t)
	srv.SetSentItemsDelay(3)
	immutable := header("Prefer", `IdType="ImmutableId"`)
	r := do(t, srv, "POST", "/me/messages", mimeBody(rawMessage(ada, bob, "Later", "late@inboxkit.test", "")), immutable)
	id := str(r.body["id"])
	do(t, srv, "POST", "/me/messages/"+url.PathEscape(id)+"/send", immutable)
	if len(srv.Sends()) != 1 {
		t.Fatalf("not transmitted")
	}
	f := url.QueryEscape("internetMessageId eq '<late@inboxkit.test>'")
	if v := items(do(t, srv, "GET", "/me/messages?$filter="+f)); len(v) != 0 {
		t.Errorf("found in Sent Items before it was filed: %v", v)
	}
	want(t, "GET before filing", do(t, srv, "GET", "/me/messages/"+url.PathEscape(id), immutable), 404, "ErrorItemNotFound")
	want(t, "GET once filed", do(t, srv, "GET", "/me/messages/"+url.PathEscape(id), immutable), 200, "")
	if n := len(srv.Messages(ada, "sentitems")); n != 1 {
		t.Errorf("Sent Items = %d after the delay; want 1", n)
	}
	srv.SetSentItemsDelay(5)
	do(t, srv, "POST", "/me/sendMail", jsonBody(sendJSON(bob)))
	srv.FileSentItems()
	if n := len(srv.Messages(ada, "sentitems")); n != 2 {
		t.Errorf("Sent Items = %d after FileSentItems; want 2", n)
	}
}
