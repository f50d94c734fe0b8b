package fakegraph

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Options configure a Server.
type Options struct {
	// Email is the default signed-in mailbox (required); /me is this
	// user for the default token "test-token".
	Email string
	// Name is its displayName.
	Name string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// ValidationTimeout is how long the subscription validation handshake
	// may take; zero means Graph's 10 seconds.
	ValidationTimeout time.Duration
}

// Server is a fake Microsoft Graph v1.0 (mail, users, subscriptions)
// behind an httptest TLS server. It is safe for concurrent use.
type Server struct {
	srv               *httptest.Server
	now               func() time.Time
	validationTimeout time.Duration
	out               *http.Client // webhooks: trusts any certificate
	notifying         sync.WaitGroup

	mu          sync.Mutex
	users       []*user
	tokens      map[string]*principal
	grants      map[string]bool // lower(owner) + " " + lower(delegate)
	faults      []pendingFault
	concurrency int
	inflight    map[*user]int
	perMinute   int
	perDay      int
	latency     time.Duration
	sentDelay   int
	seq         uint64
	sends       []Sent
	subs        []*subscription
	deltas      map[string]*deltaState
	stats       Stats
}

// principal is what a bearer token stands for.
type principal struct {
	mailbox *user
	scopes  map[string]bool
	revoked bool
}

type pendingFault struct {
	route string
	fault Fault
}

// New starts a fake Graph whose default mailbox is opts.Email. Close it
// when done.
func New(opts Options) *Server {
	s := &Server{
		now:               opts.Now,
		validationTimeout: opts.ValidationTimeout,
		tokens:            map[string]*principal{},
		grants:            map[string]bool{},
		concurrency:       4,
		inflight:          map[*user]int{},
		perMinute:         30,
		perDay:            10000,
		deltas:            map[string]*deltaState{},
		stats:             Stats{ByRoute: map[string]int{}},
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.validationTimeout <= 0 {
		s.validationTimeout = 10 * time.Second
	}
	s.out = &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // test webhooks use throw-away certificates
	}}
	u := s.addUser(opts.Email, opts.Name)
	s.tokens["test-token"] = &principal{mailbox: u, scopes: scopeSet("Mail.ReadWrite", "Mail.Send", "User.Read")}
	s.srv = httptest.NewTLSServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// URL is the base URL to give the Graph client: it ends in "/v1.0",
// without a trailing slash.
func (s *Server) URL() string { return s.srv.URL + "/v1.0" }

// Client is an HTTP client that trusts the server's certificate (no
// credentials of its own).
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close waits for notifications under way and shuts the server down.
func (s *Server) Close() {
	s.notifying.Wait()
	s.srv.Close()
}

// WaitNotifications waits until every change notification triggered by a
// request (a send saved to Sent Items, a draft) has been delivered.
// Deliver's notifications are delivered before Deliver returns.
func (s *Server) WaitNotifications() { s.notifying.Wait() }

// AddUser adds another mailbox, addressable as /users/{id} or
// /users/{email}.
func (s *Server) AddUser(email, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lookupUser(email) == nil {
		s.addUser(email, name)
	}
}

// ClearMail makes the user's mail property null, as Graph reports for
// some personal accounts; userPrincipalName still holds the address.
func (s *Server) ClearMail(email string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.lookupUser(email); u != nil {
		u.mailNull = true
	}
}

// SetToken makes token a bearer token for the mailbox email with the
// given delegated scopes ("Mail.Send", "Mail.Read", "Mail.ReadBasic",
// "Mail.ReadWrite", "Mail.Send.Shared", "User.Read", …). The mailbox is
// added if unknown.
func (s *Server) SetToken(token, email string, scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.lookupUser(email)
	if u == nil {
		u = s.addUser(email, "")
	}
	s.tokens[token] = &principal{mailbox: u, scopes: scopeSet(scopes...)}
}

// RevokeToken makes token fail with 401 InvalidAuthenticationToken.
func (s *Server) RevokeToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.tokens[token]; p != nil {
		p.revoked = true
	}
}

// GrantSendOnBehalf lets delegate send mail with from = owner (Exchange's
// Send on Behalf permission). The delegate's token also needs the
// Mail.Send.Shared scope.
func (s *Server) GrantSendOnBehalf(owner, delegate string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.grants[strings.ToLower(owner)+" "+strings.ToLower(delegate)] = true
}

// Fail makes the next n requests on route get f. Routes: "me", "user",
// "sendMail", "createMessage", "updateMessage", "deleteMessage",
// "sendDraft", "getMessage", "getMessageValue", "listMessages", "delta",
// "getMailFolder",
// "createSubscription", "getSubscription", "listSubscriptions",
// "renewSubscription", "deleteSubscription", "reauthorizeSubscription",
// or "*" for any.
func (s *Server) Fail(route string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, pendingFault{route: route, fault: f})
	}
}

// SetConcurrencyLimit sets how many requests may be in flight for one
// mailbox (default 4, Outlook's limit); more get 429 ApplicationThrottled
// "Application is over its MailboxConcurrency limit.".
func (s *Server) SetConcurrencyLimit(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.concurrency = n
}

// SetLatency makes every authenticated request take at least d while it
// counts against the concurrency limit.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// SetSendLimits sets Exchange Online's sending limits per mailbox:
// messages per minute (default 30) and recipients per rolling 24 hours
// (default 10000). See doc.go for what exceeding each one does.
func (s *Server) SetSendLimits(perMinute, recipientsPerDay int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.perMinute, s.perDay = perMinute, recipientsPerDay
}

// Stats is the fake's request accounting.
type Stats struct {
	// Requests counts every HTTP request, rejected ones included.
	Requests int
	// ByRoute counts authenticated requests per route name.
	ByRoute map[string]int
	// MaxConcurrent is the highest number of requests seen in flight for
	// one mailbox.
	MaxConcurrent int
	// Throttled counts 429 answers (concurrency limit and injected).
	Throttled int
	// Notifications counts change notifications POSTed to subscribers;
	// NotificationFailures those not answered 2xx in time.
	Notifications, NotificationFailures int
	// Lifecycles counts lifecycle notifications POSTed.
	Lifecycles int
	// Validations counts validation handshakes made.
	Validations int
}

// Stats returns a snapshot of the accounting.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.ByRoute = make(map[string]int, len(s.stats.ByRoute))
	for k, v := range s.stats.ByRoute {
		st.ByRoute[k] = v
	}
	return st
}

// Sent is one message Graph accepted for delivery.
type Sent struct {
	// Mailbox is the mailbox that sent it (the signed-in user).
	Mailbox string
	// MessageID is the Message-ID, without angle brackets.
	MessageID string
	// From and Sender are addresses; they differ for mail sent on behalf.
	From, Sender string
	// Recipients are the envelope recipients (To, Cc and Bcc).
	Recipients []string
	// Raw is the message as transmitted (no Bcc header).
	Raw []byte
	// Via is "sendMail-json", "sendMail-mime" or "draft".
	Via string
	// Deferred is true when the mailbox was over its per-minute message
	// rate: Graph still answered 202 (with Retry-After) and Exchange
	// carries the message over to a following minute.
	Deferred bool
}

// Sends returns every message accepted for delivery, in order.
func (s *Server) Sends() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sends...)
}

func scopeSet(scopes ...string) map[string]bool {
	m := map[string]bool{}
	for _, sc := range scopes {
		m[strings.ToLower(sc)] = true
	}
	return m
}

// has reports whether p holds any of the scopes.
func (p *principal) has(scopes ...string) bool {
	for _, sc := range scopes {
		if p.scopes[strings.ToLower(sc)] {
			return true
		}
	}
	return false
}
