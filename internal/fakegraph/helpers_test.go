package fakegraph_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/inboxkit/inboxkit/internal/fakegraph"
)

const (
	ada = "ada@inboxkit.test"
	bob = "bob@example.test"
)

func start(t *testing.T) *fakegraph.Server {
	t.Helper()
	srv := fakegraph.New(fakegraph.Options{Email: ada, Name: "Ada Lovelace"})
	t.Cleanup(srv.Close)
	return srv
}

// result is one HTTP answer of the fake.
type result struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

// code is Graph's error code, "" for a success body.
func (r result) code() string {
	e, _ := r.body["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func (r result) message() string {
	e, _ := r.body["error"].(map[string]any)
	c, _ := e["message"].(string)
	return c
}

type request struct {
	token       string
	contentType string
	body        []byte
	gzip        bool
	header      map[string]string
}

type opt func(*request)

func token(tok string) opt { return func(r *request) { r.token = tok } }

func jsonBody(v any) opt {
	return func(r *request) {
		if s, ok := v.(string); ok {
			r.body = []byte(s)
		} else {
			r.body, _ = json.Marshal(v)
		}
		r.contentType = "application/json"
	}
}

func mimeBody(raw string) opt {
	return func(r *request) {
		r.body = []byte(base64.StdEncoding.EncodeToString([]byte(raw)))
		r.contentType = "text/plain"
	}
}

func rawBody(contentType string, b []byte) opt {
	return func(r *request) { r.contentType, r.body = contentType, b }
}

func gzipped() opt { return func(r *request) { r.gzip = true } }

func header(k, v string) opt {
	return func(r *request) {
		if r.header == nil {
			r.header = map[string]string{}
		}
		r.header[k] = v
	}
}

// do sends a request to the fake; path is below URL() ("/me/messages")
// or an absolute link the fake returned.
func do(t *testing.T, srv *fakegraph.Server, method, path string, opts ...opt) result {
	t.Helper()
	rq := request{token: "test-token"}
	for _, o := range opts {
		o(&rq)
	}
	body := rq.body
	if rq.gzip {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, _ = zw.Write(body)
		_ = zw.Close()
		body = b.Bytes()
	}
	url := path
	if !strings.HasPrefix(path, "https://") {
		url = srv.URL() + path
	}
	r, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("NewRequest: %v", err)
	}
	if rq.token != "" {
		r.Header.Set("Authorization", "Bearer "+rq.token)
	}
	if rq.contentType != "" {
		r.Header.Set("Content-Type", rq.contentType)
	}
	if rq.gzip {
		r.Header.Set("Content-Encoding", "gzip")
	}
	for k, v := range rq.header {
		r.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	res := result{status: resp.StatusCode, header: resp.Header, raw: raw}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &res.body); err != nil {
			t.Fatalf("%s %s: bad JSON %q: %v", method, path, raw, err)
		}
	}
	return res
}

// want fails the test unless r has the status and (when code is not "")
// the error code.
func want(t *testing.T, what string, r result, status int, code string) {
	t.Helper()
	if r.status != status || r.code() != code {
		t.Errorf("%s = %d %s (%s); want %d %s", what, r.status, r.code(), r.message(), status, code)
	}
}

func rawMessage(from, to, subject, id, extra string) string {
	return "From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nMessage-ID: <" + id + ">\r\nDate: Mon, 2 Jan 2006 15:04:05 +0000\r\n" +
		extra + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n"
}

func sendJSON(to ...string) map[string]any {
	var rcpts []any
	for _, a := range to {
		rcpts = append(rcpts, map[string]any{"emailAddress": map[string]any{"address": a}})
	}
	return map[string]any{"message": map[string]any{
		"subject": "Hello", "body": map[string]any{"contentType": "Text", "content": "Hi there"},
		"toRecipients": rcpts,
	}}
}

// webhook is a subscriber endpoint: it answers the validation handshake
// (by echo, unless told otherwise) and records notifications.
type webhook struct {
	*httptest.Server
	mu         sync.Mutex
	validate   func(w http.ResponseWriter, token string)
	validated  []string
	received   []map[string]any
	notifyCode int
}

func newWebhook(t *testing.T, tls bool) *webhook {
	t.Helper()
	h := &webhook{notifyCode: http.StatusAccepted}
	h.validate = func(w http.ResponseWriter, token string) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, token)
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok := r.URL.Query().Get("validationToken"); tok != "" {
			h.mu.Lock()
			h.validated = append(h.validated, tok)
			v := h.validate
			h.mu.Unlock()
			v(w, tok)
			return
		}
		var n map[string]any
		_ = json.NewDecoder(r.Body).Decode(&n)
		h.mu.Lock()
		h.received = append(h.received, n)
		code := h.notifyCode
		h.mu.Unlock()
		w.WriteHeader(code)
	})
	if tls {
		h.Server = httptest.NewTLSServer(handler)
	} else {
		h.Server = httptest.NewServer(handler)
	}
	t.Cleanup(h.Close)
	return h
}

func (h *webhook) tokens() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.validated...)
}

func (h *webhook) notifications() []map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]map[string]any(nil), h.received...)
}

// items returns the "value" array of a collection body.
func items(r result) []map[string]any {
	var out []map[string]any
	vs, _ := r.body["value"].([]any)
	for _, v := range vs {
		m, _ := v.(map[string]any)
		out = append(out, m)
	}
	return out
}

func str(v any) string { s, _ := v.(string); return s }

func address(v any) string {
	m, _ := v.(map[string]any)
	e, _ := m["emailAddress"].(map[string]any)
	return str(e["address"])
}
