package fakegmail

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	gmailapi "google.golang.org/api/gmail/v1"
)

// Units returns the published quota units of a method such as
// "messages.send" (https://developers.google.com/workspace/gmail/api/reference/quota),
// or 0 for one the fake does not serve.
func Units(method string) int {
	switch method {
	case "getProfile", "labels.list", "settings.sendAs.list":
		return 1
	case "history.list":
		return 2
	case "messages.get", "messages.list", "messages.modify", "labels.create":
		return 5
	case "stop":
		return 50
	case "messages.send", "watch":
		return 100
	}
	return 0
}

// Options configure a Server.
type Options struct {
	// Email is the mailbox's address (required).
	Email string
	// Tokens are the access tokens accepted as Bearer credentials; empty
	// means just "test-token".
	Tokens []string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Server is a fake Gmail mailbox behind an httptest server.
type Server struct {
	srv   *httptest.Server
	email string
	now   func() time.Time

	mu         sync.Mutex
	tokens     map[string]bool
	historyID  uint64
	minHistory uint64 // startHistoryId below this is 404
	seq        uint64
	msgs       []*message
	byID       map[string]*message
	history    []historyRecord
	sendAs     []*gmailapi.SendAs
	labels     []*gmailapi.Label
	watching   *gmailapi.WatchRequest
	faults     []pendingFault
	requests   int
	units      int
	calls      map[string]int
	sends      []Sent
	onCall     func(method string)
	searchLag  int
	failing    map[string]int // messages.get failures still due, by message id
	latency    time.Duration
}

type pendingFault struct {
	method string
	fault  Fault
}

type historyRecord struct {
	id     uint64
	msgID  string
	kind   string   // "messageAdded", "labelAdded", "labelRemoved"
	labels []string // the labels a labelAdded or labelRemoved changed
}

// Sent is one message the fake accepted through messages.send.
type Sent struct {
	ID, ThreadID string
	Raw          []byte
	MessageID    string // without angle brackets
	// Upload is true when the message came through the media upload
	// endpoint rather than the JSON raw field.
	Upload bool
}

// New starts a fake mailbox. Close it when done.
func New(opts Options) *Server {
	s := &Server{
		email:     opts.Email,
		now:       opts.Now,
		tokens:    map[string]bool{},
		historyID: 1000,
		seq:       0x18c0a1b2c3d40000,
		byID:      map[string]*message{},
		calls:     map[string]int{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	if len(opts.Tokens) == 0 {
		opts.Tokens = []string{"test-token"}
	}
	for _, t := range opts.Tokens {
		s.tokens[t] = true
	}
	s.sendAs = []*gmailapi.SendAs{{SendAsEmail: opts.Email, IsPrimary: true, IsDefault: true}}
	for _, id := range []string{"INBOX", "SENT", "UNREAD", "STARRED", "IMPORTANT", "SPAM", "TRASH", "DRAFT", "CATEGORY_PERSONAL"} {
		s.labels = append(s.labels, &gmailapi.Label{Id: id, Name: id, Type: "system"})
	}
	s.srv = httptest.NewServer(s.routes())
	return s
}

// URL is the base URL to give option.WithEndpoint (it ends in "/").
func (s *Server) URL() string { return s.srv.URL + "/" }

// Client is an HTTP client for the server (no credentials of its own).
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	const u = "/gmail/v1/users/{userId}"
	mux.HandleFunc("GET "+u+"/profile", s.handle("getProfile", s.getProfile))
	mux.HandleFunc("POST "+u+"/messages/send", s.handle("messages.send", s.sendJSON))
	mux.HandleFunc("POST /upload"+u+"/messages/send", s.handle("messages.send", s.sendUpload))
	mux.HandleFunc("GET "+u+"/messages", s.handle("messages.list", s.listMessages))
	mux.HandleFunc("GET "+u+"/messages/{id}", s.handle("messages.get", s.getMessage))
	mux.HandleFunc("POST "+u+"/messages/{id}/modify", s.handle("messages.modify", s.modifyMessage))
	mux.HandleFunc("GET "+u+"/history", s.handle("history.list", s.listHistory))
	mux.HandleFunc("GET "+u+"/settings/sendAs", s.handle("settings.sendAs.list", s.listSendAs))
	mux.HandleFunc("GET "+u+"/labels", s.handle("labels.list", s.listLabels))
	mux.HandleFunc("POST "+u+"/labels", s.handle("labels.create", s.createLabel))
	mux.HandleFunc("POST "+u+"/watch", s.handle("watch", s.watch))
	mux.HandleFunc("POST "+u+"/stop", s.handle("stop", s.stop))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "notFound", "Not Found", "")
	})
	return mux
}

// handle wraps a method: counts the request, checks the Bearer token and
// the userId, charges quota and serves an injected fault, in that order.
func (s *Server) handle(method string, fn func(w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests++
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || !s.tokens[tok] {
			s.mu.Unlock()
			writeError(w, http.StatusUnauthorized, "authError",
				"Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.", "")
			return
		}
		if user := r.PathValue("userId"); user != "me" && !strings.EqualFold(user, s.email) {
			s.mu.Unlock()
			writeError(w, http.StatusForbidden, "forbidden", "Delegation denied for "+s.email, "")
			return
		}
		s.calls[method]++
		s.units += Units(method)
		hook := s.onCall
		for i, f := range s.faults {
			if f.method == "" || f.method == method {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
				s.mu.Unlock()
				if f.fault.Served {
					fn(httptest.NewRecorder(), r)
				}
				writeError(w, f.fault.Status, f.fault.Reason, faultMessage(f.fault), f.fault.RetryAfter)
				return
			}
		}
		latency := s.latency
		s.mu.Unlock()
		if hook != nil {
			hook(method)
		}
		if latency > 0 {
			time.Sleep(latency) // the network's round trip, for benchmarks
		}
		fn(w, r)
	}
}

// Fail makes the next n calls of method ("messages.send", "history.list",
// … or "" for any method) fail with f.
func (s *Server) Fail(method string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, pendingFault{method: method, fault: f})
	}
}

// SetLatency delays every authenticated call by d, as a network round
// trip to Google would, for benchmarks of how many calls wait in turn.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// SetSearchLag makes the n newest messages invisible to q searches, as
// when Gmail's search index has not caught up yet (label listings still
// see them).
func (s *Server) SetSearchLag(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.searchLag = n
}

// OnCall sets a function called with the method name before each
// authenticated call is served (nil: none), for tests that need something
// to happen between two calls. It must not call back into the fake's
// HTTP API.
func (s *Server) OnCall(fn func(method string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onCall = fn
}

// SetTokens replaces the accepted access tokens (revoking the others).
func (s *Server) SetTokens(tokens ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = map[string]bool{}
	for _, t := range tokens {
		s.tokens[t] = true
	}
}

// AddSendAs adds a send-as alias with a verificationStatus of "accepted"
// or "pending".
func (s *Server) AddSendAs(email, displayName, verificationStatus string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sendAs = append(s.sendAs, &gmailapi.SendAs{SendAsEmail: email, DisplayName: displayName, VerificationStatus: verificationStatus, TreatAsAlias: true})
}

// ExpireHistory drops the retained history: a history.list with any
// startHistoryId older than the mailbox's current historyId is then 404.
func (s *Server) ExpireHistory() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.minHistory = s.historyID
	s.history = nil
}

// Stats is the fake's request and quota accounting.
type Stats struct {
	// Requests counts every HTTP request, rejected ones included.
	Requests int
	// Units is the quota charged for authenticated calls.
	Units int
	// Calls counts authenticated calls per method.
	Calls map[string]int
}

// Stats returns a snapshot of the accounting.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		c[k] = v
	}
	return Stats{Requests: s.requests, Units: s.units, Calls: c}
}

// Sends returns the messages accepted by messages.send, in order.
func (s *Server) Sends() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sends...)
}

// Messages returns the raw messages in the mailbox carrying label (such as
// "SENT" or "INBOX"), oldest first.
func (s *Server) Messages(label string) [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out [][]byte
	for _, m := range s.msgs {
		if m.hasLabel(label) {
			out = append(out, m.raw)
		}
	}
	return out
}

// Labels returns the label IDs of the message with this Gmail id.
func (s *Server) Labels(id string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.byID[id]; m != nil {
		return append([]string(nil), m.labels...)
	}
	return nil
}

// HistoryID returns the mailbox's current historyId.
func (s *Server) HistoryID() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.historyID
}

// Watching returns the active watch request, nil when none.
func (s *Server) Watching() *gmailapi.WatchRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.watching
}
