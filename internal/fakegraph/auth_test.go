package fakegraph_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestServer_auth(t *testing.T) {
	srv := start(t)
	srv.SetToken("revoked", ada, "User.Read")
	srv.RevokeToken("revoked")
	tests := []struct {
		name, token, msg string
	}{
		{"missing", "", "Access token is empty."},
		{"unknown", "nope", "IDX14100: JWT is not well formed, there are no dots (.)."},
		{"revoked", "revoked", "Lifetime validation failed, the token is expired."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, srv, "GET", "/me", token(tc.token))
			want(t, "GET /me", r, 401, "InvalidAuthenticationToken")
			if r.message() != tc.msg {
				t.Errorf("message = %q; want %q", r.message(), tc.msg)
			}
			if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), `Bearer realm=""`) {
				t.Errorf("WWW-Authenticate = %q", r.header.Get("WWW-Authenticate"))
			}
		})
	}
}

func TestServer_requestIDs(t *testing.T) {
	srv := start(t)
	r := do(t, srv, "GET", "/me/messages/AAMkAGI2notthere0000AAA=", header("client-request-id", "my-id"))
	want(t, "GET unknown message", r, 404, "ErrorItemNotFound")
	if r.header.Get("client-request-id") != "my-id" || r.header.Get("request-id") == "" {
		t.Errorf("ids = %q, %q; want my-id and a request-id", r.header.Get("client-request-id"), r.header.Get("request-id"))
	}
	inner, _ := r.body["error"].(map[string]any)["innerError"].(map[string]any)
	if inner["client-request-id"] != "my-id" || inner["request-id"] != r.header.Get("request-id") || str(inner["date"]) == "" {
		t.Errorf("innerError = %v", inner)
	}
}

func TestServer_routing(t *testing.T) {
	srv := start(t)
	tests := []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", "/me/nonsense", 400, "BadRequest"},
		{"GET", "/planner/tasks", 400, "BadRequest"},
		{"PUT", "/me/sendMail", 405, "ErrorInvalidRequest"},
		{"GET", "/me/messages/delta", 400, "ErrorInvalidIdMalformed"}, // delta is per folder only
		{"GET", "/me/messages/not-an-id", 400, "ErrorInvalidIdMalformed"},
		{"GET", "/me/mailFolders/nofolder/messages", 400, "ErrorInvalidIdMalformed"},
		{"GET", "/users/nobody@x.test/messages", 404, "ErrorInvalidUser"},
	}
	for _, tc := range tests {
		r := do(t, srv, tc.method, tc.path)
		want(t, tc.method+" "+tc.path, r, tc.status, tc.code)
	}
}

func TestServer_user(t *testing.T) {
	srv := start(t)
	srv.AddUser(bob, "Bob Example")
	r := do(t, srv, "GET", "/me")
	want(t, "GET /me", r, 200, "")
	if r.body["mail"] != ada || r.body["userPrincipalName"] != ada || r.body["displayName"] != "Ada Lovelace" || str(r.body["id"]) == "" {
		t.Errorf("GET /me = %v", r.body)
	}
	r = do(t, srv, "GET", "/me?$select=mail,UserPrincipalName")
	if _, ok := r.body["displayName"]; ok || r.body["userPrincipalName"] != ada || len(r.body) != 3 {
		t.Errorf("GET /me?$select = %v; want mail, userPrincipalName and @odata.context", r.body)
	}
	want(t, "$select=nope", do(t, srv, "GET", "/me?$select=nope"), 400, "BadRequest")
	srv.ClearMail(ada)
	r = do(t, srv, "GET", "/me")
	if v, ok := r.body["mail"]; !ok || v != nil || r.body["userPrincipalName"] != ada {
		t.Errorf("after ClearMail: mail = %v (present %v), upn %v; want null and the upn", v, ok, r.body["userPrincipalName"])
	}
	want(t, "GET /users/{self}", do(t, srv, "GET", "/users/"+ada), 200, "")
	want(t, "GET /users/{other} with User.Read", do(t, srv, "GET", "/users/"+bob), 403, "Authorization_RequestDenied")
	want(t, "GET /users/{unknown}", do(t, srv, "GET", "/users/who@x.test"), 404, "Request_ResourceNotFound")
	srv.SetToken("mail-only", ada, "Mail.Send")
	want(t, "GET /me without User.Read", do(t, srv, "GET", "/me", token("mail-only")), 403, "Authorization_RequestDenied")
	srv.SetToken("dir", ada, "User.ReadBasic.All")
	r = do(t, srv, "GET", "/users/"+bob, token("dir"))
	if r.status != 200 || r.body["mail"] != bob {
		t.Errorf("GET /users/{bob} with User.ReadBasic.All = %d %v", r.status, r.body)
	}
}

func TestServer_scopes(t *testing.T) {
	srv := start(t)
	srv.SetToken("basic", ada, "Mail.ReadBasic")
	srv.SetToken("read", ada, "Mail.Read")
	srv.SetToken("send", ada, "Mail.Send")
	tests := []struct {
		tok, method, path string
		body              opt
		status            int
	}{
		{"basic", "POST", "/me/sendMail", jsonBody(sendJSON(bob)), 403},
		{"read", "POST", "/me/messages", jsonBody(map[string]any{"subject": "x"}), 403},
		{"send", "GET", "/me/messages", nil, 403},
		{"send", "GET", "/me/mailFolders/inbox/messages/delta()", nil, 403},
		{"basic", "GET", "/me/mailFolders/inbox/messages/delta()", nil, 200},
		{"read", "GET", "/me/messages", nil, 200},
		{"send", "POST", "/me/sendMail", jsonBody(sendJSON(bob)), 202},
	}
	for _, tc := range tests {
		opts := []opt{token(tc.tok)}
		if tc.body != nil {
			opts = append(opts, tc.body)
		}
		r := do(t, srv, tc.method, tc.path, opts...)
		code := ""
		if tc.status == http.StatusForbidden {
			code = "ErrorAccessDenied"
		}
		want(t, tc.tok+" "+tc.method+" "+tc.path, r, tc.status, code)
	}
	// A delegated token reaches only its own mailbox.
	srv.AddUser(bob, "Bob")
	want(t, "GET /users/{bob}/messages", do(t, srv, "GET", "/users/"+bob+"/messages"), 403, "ErrorAccessDenied")
	want(t, "GET /users/{ada}/messages", do(t, srv, "GET", "/users/"+ada+"/messages"), 200, "")
}
