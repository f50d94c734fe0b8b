package fakegraph

import (
	"compress/gzip"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"
)

// maxBody bounds a request body (before and after gzip).
const maxBody = 64 << 20

// req is one authenticated request being served.
type req struct {
	call
	r         *http.Request
	p         *principal
	target    *user       // the mailbox the path names
	immutable bool        // Prefer: IdType="ImmutableId"
	pending   []notifyJob // change notifications to send once the request is served
}

// serveHTTP runs every request through Graph's pipeline: request ids,
// route, bearer token, an injected fault, scopes and mailbox access, the
// per-mailbox concurrency limit, then the operation.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	rid := newGUID()
	w.Header().Set("request-id", rid)
	crid := r.Header.Get("client-request-id")
	if crid == "" {
		crid = rid
	}
	w.Header().Set("client-request-id", crid)

	s.mu.Lock()
	s.stats.Requests++
	s.mu.Unlock()

	segs, ok := splitPath(r.URL.EscapedPath())
	var c call
	var routeErr *apiError
	if !ok {
		routeErr = newError(400, "BadRequest", "Invalid version.")
	} else {
		c, routeErr = resolve(r.Method, segs)
	}
	p, authErr := s.authenticate(r)
	if authErr != nil {
		s.fail(w, authErr)
		return
	}
	if routeErr != nil {
		s.fail(w, routeErr)
		return
	}

	s.mu.Lock()
	s.stats.ByRoute[c.route]++
	fault, hasFault := s.takeFault(c.route)
	s.mu.Unlock()
	if hasFault && !fault.AfterApply {
		s.fail(w, faultError(fault))
		return
	}

	q := &req{call: c, r: r, p: p, immutable: prefersImmutable(r)}
	if q.immutable {
		w.Header().Add("Preference-Applied", `IdType="ImmutableId"`)
	}
	out := w
	var rec *httptest.ResponseRecorder
	if hasFault {
		rec = httptest.NewRecorder()
		out = rec
	}
	s.serveAuthenticated(out, q)
	if hasFault {
		s.fail(w, faultError(fault))
	}
}

// serveAuthenticated checks scopes and mailbox access, holds a
// concurrency slot for the mailbox, and runs the operation.
func (s *Server) serveAuthenticated(w http.ResponseWriter, q *req) {
	if e := s.authorize(q); e != nil {
		s.fail(w, e)
		return
	}
	slot := q.target
	if slot == nil {
		slot = q.p.mailbox
	}
	s.mu.Lock()
	if s.concurrency > 0 && s.inflight[slot] >= s.concurrency {
		s.mu.Unlock()
		e := newError(http.StatusTooManyRequests, "ApplicationThrottled", msgMailboxConcur)
		e.retryAfter = "1"
		s.fail(w, e)
		return
	}
	s.inflight[slot]++
	s.stats.MaxConcurrent = max(s.stats.MaxConcurrent, s.inflight[slot])
	q.pending = append(q.pending, s.tick(slot)...)
	latency := s.latency
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inflight[slot]--
		s.mu.Unlock()
	}()
	if latency > 0 {
		time.Sleep(latency)
	}
	if e := s.operation(w, q); e != nil {
		s.fail(w, e)
	}
	if len(q.pending) > 0 {
		s.notifying.Add(1)
		go func() {
			defer s.notifying.Done()
			s.deliverNotifications(q.pending)
		}()
	}
}

// operation dispatches to the route's handler.
func (s *Server) operation(w http.ResponseWriter, q *req) *apiError {
	switch q.route {
	case "me", "user":
		return s.getUser(w, q)
	case "sendMail":
		return s.sendMail(w, q)
	case "createMessage":
		return s.createMessage(w, q)
	case "updateMessage":
		return s.updateMessage(w, q)
	case "deleteMessage":
		return s.deleteMessage(w, q)
	case "sendDraft":
		return s.sendDraft(w, q)
	case "getMessage":
		return s.getMessage(w, q)
	case "getMailFolder":
		return s.getMailFolder(w, q)
	case "getMessageValue":
		return s.getMessageValue(w, q)
	case "listMessages":
		return s.listMessages(w, q)
	case "delta":
		return s.delta(w, q)
	case "createSubscription":
		return s.createSubscription(w, q)
	case "listSubscriptions":
		return s.listSubscriptions(w, q)
	case "getSubscription":
		return s.getSubscription(w, q)
	case "renewSubscription":
		return s.renewSubscription(w, q)
	case "deleteSubscription":
		return s.deleteSubscription(w, q)
	case "reauthorizeSubscription":
		return s.reauthorizeSubscription(w, q)
	}
	return notFoundSegment(q.route)
}

// fail writes e and counts throttling.
func (s *Server) fail(w http.ResponseWriter, e *apiError) {
	if e.status == http.StatusTooManyRequests {
		s.mu.Lock()
		s.stats.Throttled++
		s.mu.Unlock()
	}
	writeError(w, e, s.now())
}

// takeFault removes and returns the first fault for route. Caller holds s.mu.
func (s *Server) takeFault(route string) (Fault, bool) {
	for i, f := range s.faults {
		if f.route == "*" || f.route == route {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
			return f.fault, true
		}
	}
	return Fault{}, false
}

// authenticate checks the bearer token, answering as Graph does for a
// missing, malformed, unknown or revoked one.
func (s *Server) authenticate(r *http.Request) (*principal, *apiError) {
	h := r.Header.Get("Authorization")
	unauth := func(msg string) *apiError {
		e := newError(http.StatusUnauthorized, "InvalidAuthenticationToken", msg)
		e.header = http.Header{"Www-Authenticate": {`Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`}}
		return e
	}
	if h == "" {
		return nil, unauth("Access token is empty.")
	}
	scheme, tok, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return nil, unauth("Access token is empty.")
	}
	s.mu.Lock()
	p := s.tokens[strings.TrimSpace(tok)]
	revoked := p != nil && p.revoked
	s.mu.Unlock()
	switch {
	case p == nil:
		return nil, unauth("IDX14100: JWT is not well formed, there are no dots (.).")
	case revoked:
		return nil, unauth("Lifetime validation failed, the token is expired.")
	}
	return p, nil
}

// authorize resolves the mailbox the path names and checks the token's
// delegated scopes and its right to that mailbox.
func (s *Server) authorize(q *req) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q.me {
		q.target = q.p.mailbox
	} else if q.user != "" {
		q.target = s.lookupUser(q.user)
	}
	denied := newError(http.StatusForbidden, "ErrorAccessDenied", msgAccessDenied)
	switch q.route {
	case "me":
		if !q.p.has("User.Read", "User.ReadWrite", "User.ReadBasic.All", "User.Read.All") {
			return newError(403, "Authorization_RequestDenied", msgPrivileges)
		}
		return nil
	case "user":
		if q.target == nil {
			return newError(404, "Request_ResourceNotFound", "Resource '"+q.user+"' does not exist or one of its queried reference-property objects are not present.")
		}
		if q.target == q.p.mailbox && q.p.has("User.Read", "User.ReadWrite") || q.p.has("User.ReadBasic.All", "User.Read.All") {
			return nil
		}
		return newError(403, "Authorization_RequestDenied", msgPrivileges)
	}
	if !q.mailRoute() {
		if !q.p.has("Mail.ReadBasic", "Mail.Read", "Mail.ReadWrite") {
			return denied
		}
		return nil
	}
	var need []string
	switch q.route {
	case "sendMail", "sendDraft":
		need = []string{"Mail.Send", "Mail.Send.Shared"}
	case "createMessage", "updateMessage", "deleteMessage":
		need = []string{"Mail.ReadWrite"}
	case "getMessageValue":
		need = []string{"Mail.Read", "Mail.ReadWrite"}
	default:
		need = []string{"Mail.ReadBasic", "Mail.Read", "Mail.ReadWrite"}
	}
	if !q.p.has(need...) {
		return denied
	}
	if q.target == nil {
		return newError(404, "ErrorInvalidUser", "The requested user '"+q.user+"' is invalid.")
	}
	if q.target != q.p.mailbox {
		return denied // delegated tokens reach only their own mailbox here
	}
	return nil
}

// prefersImmutable reports whether the request carries
// Prefer: IdType="ImmutableId" (which applies to that request only).
func prefersImmutable(r *http.Request) bool {
	for _, v := range r.Header.Values("Prefer") {
		for _, p := range strings.Split(v, ",") {
			k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "IdType") && strings.EqualFold(strings.Trim(strings.TrimSpace(val), `"`), "ImmutableId") {
				return true
			}
		}
	}
	return false
}

// idOf is m's id in the format the request prefers.
func (q *req) idOf(m *message) string {
	if q.immutable {
		return m.immutableID
	}
	return m.id
}

// readBody reads the request body, undoing Content-Encoding: gzip.
func readBody(r *http.Request) ([]byte, *apiError) {
	var src io.Reader = http.MaxBytesReader(nil, r.Body, maxBody)
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(src)
		if err != nil {
			return nil, newError(400, "BadRequest", "The request body is not valid gzip.")
		}
		defer zr.Close()
		src = io.LimitReader(zr, maxBody)
	default:
		return nil, newError(http.StatusUnsupportedMediaType, "BadRequest", "Content-Encoding '"+enc+"' is not supported.")
	}
	b, err := io.ReadAll(src)
	if err != nil {
		return nil, newError(400, "BadRequest", "The request body could not be read.")
	}
	return b, nil
}

func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
