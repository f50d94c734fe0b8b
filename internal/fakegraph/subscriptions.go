package fakegraph

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Outlook's limits on a basic (no resource data) message subscription:
// the documented maximum lifetime is 10,080 minutes, but Graph refuses
// anything over 10,070 ("Subscription expiration can only be 10070
// minutes in the future."); under 45 minutes is raised to 45.
const (
	maxSubscriptionMinutes = 10070
	minSubscriptionMinutes = 45
)

// subscription is one webhook subscription.
type subscription struct {
	id, resource, changeType      string
	notificationURL, lifecycleURL string
	clientState                   string
	expiration                    time.Time
	mailbox                       *user
	folder                        string // "" for all messages
	immutable                     bool   // created with Prefer: IdType="ImmutableId"
}

// Subscription is a snapshot of a subscription.
type Subscription struct {
	ID, Resource, ChangeType                  string
	NotificationURL, LifecycleNotificationURL string
	ClientState                               string
	Expiration                                time.Time
	Mailbox                                   string
}

// Subscriptions returns the subscriptions that have not expired.
func (s *Server) Subscriptions() []Subscription {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Subscription
	for _, sub := range s.liveSubs() {
		out = append(out, Subscription{
			ID: sub.id, Resource: sub.resource, ChangeType: sub.changeType,
			NotificationURL: sub.notificationURL, LifecycleNotificationURL: sub.lifecycleURL,
			ClientState: sub.clientState, Expiration: sub.expiration, Mailbox: sub.mailbox.email,
		})
	}
	return out
}

// liveSubs drops expired subscriptions and returns the rest. Caller holds s.mu.
func (s *Server) liveSubs() []*subscription {
	now := s.now()
	keep := s.subs[:0]
	for _, sub := range s.subs {
		if sub.expiration.After(now) {
			keep = append(keep, sub)
		}
	}
	s.subs = keep
	return keep
}

var subscriptionProps = []string{
	"changeType", "notificationUrl", "lifecycleNotificationUrl", "resource", "expirationDateTime",
	"clientState", "latestSupportedTlsVersion", "includeResourceData", "encryptionCertificate",
	"encryptionCertificateId", "notificationQueryOptions", "notificationUrlAppId", "notificationContentType",
	"id", "applicationId", "creatorId",
}

// webhookURL checks a notification URL: https, or (for tests only)
// http on a loopback host.
func webhookURL(raw string) *apiError {
	u, err := url.Parse(raw)
	bad := newError(400, "ValidationError", "The notification URL '"+raw+"' must be an absolute https URL.")
	if err != nil || u.Host == "" {
		return bad
	}
	switch h := u.Hostname(); {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && (h == "127.0.0.1" || h == "localhost" || h == "::1"):
		return nil
	}
	return bad
}

// expiration checks a requested expirationDateTime against Outlook's
// limits.
func (s *Server) expiration(o object) (time.Time, *apiError) {
	v, e := o.str("expirationDateTime")
	if e != nil {
		return time.Time{}, e
	}
	if v == "" {
		return time.Time{}, newError(400, "InvalidRequest", "expirationDateTime is a required property for subscription creation.")
	}
	at, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, bodyReadError("Cannot convert the literal '" + v + "' to the expected type 'Edm.DateTimeOffset'.")
	}
	now := s.now()
	switch {
	case !at.After(now):
		return time.Time{}, newError(400, "InvalidRequest", "Subscription expiration must be in the future.")
	case at.Sub(now) > maxSubscriptionMinutes*time.Minute:
		return time.Time{}, newError(400, "ExtensionError", "Subscription expiration can only be 10070 minutes in the future.")
	case at.Sub(now) < minSubscriptionMinutes*time.Minute:
		at = now.Add(minSubscriptionMinutes * time.Minute)
	}
	return at.UTC(), nil
}

// parseResource resolves a subscription resource such as
// "me/mailFolders('inbox')/messages" or "users/{id}/messages".
func (s *Server) parseResource(p *principal, res string) (*user, string, *apiError) {
	bad := newError(400, "InvalidRequest", "Invalid 'resource' attribute: '"+res+"'.")
	path, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(res), "/"), "?")
	segs, ok := splitPath("/v1.0/" + path)
	if !ok || len(segs) < 2 {
		return nil, "", bad
	}
	var u *user
	var rest []string
	switch {
	case strings.EqualFold(segs[0], "me"):
		u, rest = p.mailbox, segs[1:]
	case strings.EqualFold(segs[0], "users"):
		if u = s.lookupUser(segs[1]); u == nil {
			return nil, "", newError(404, "ErrorInvalidUser", "The requested user '"+segs[1]+"' is invalid.")
		}
		rest = segs[2:]
	default:
		return nil, "", bad
	}
	folder := ""
	switch {
	case len(rest) == 1 && strings.EqualFold(rest[0], "messages"):
	case len(rest) == 3 && strings.EqualFold(rest[0], "mailFolders") && strings.EqualFold(rest[2], "messages"):
		f, ok := u.resolveFolder(rest[1])
		if !ok {
			return nil, "", newError(400, "ErrorInvalidIdMalformed", msgIDMalformed)
		}
		folder = f
	default:
		return nil, "", bad
	}
	if u != p.mailbox {
		return nil, "", newError(http.StatusForbidden, "ErrorAccessDenied", msgAccessDenied)
	}
	return u, folder, nil
}

// createSubscription serves POST /subscriptions. Before answering 201 it
// makes Graph's validation handshake with the notification URL (and the
// lifecycle URL): the subscription exists only if they echo the token.
func (s *Server) createSubscription(w http.ResponseWriter, q *req) *apiError {
	body, e := readBody(q.r)
	if e != nil {
		return e
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return newError(400, "BadRequest", msgEmptyPayload)
	}
	o, e := decodeObject(body, "microsoft.graph.subscription", subscriptionProps...)
	if e != nil {
		return e
	}
	sub := &subscription{}
	fields := map[string]*string{"changeType": &sub.changeType, "notificationUrl": &sub.notificationURL,
		"lifecycleNotificationUrl": &sub.lifecycleURL, "resource": &sub.resource, "clientState": &sub.clientState}
	for k, dst := range fields {
		if *dst, e = o.str(k); e != nil {
			return e
		}
	}
	if sub.changeType == "" {
		return newError(400, "InvalidRequest", "changeType is a required property for subscription creation.")
	}
	for _, ct := range strings.Split(sub.changeType, ",") {
		if ct = strings.TrimSpace(ct); ct != "created" && ct != "updated" && ct != "deleted" {
			return newError(400, "InvalidRequest", "Invalid 'changeType' attribute: '"+ct+"'.")
		}
	}
	if sub.notificationURL == "" {
		return newError(400, "InvalidRequest", "notificationUrl is a required property for subscription creation.")
	}
	if e = webhookURL(sub.notificationURL); e != nil {
		return e
	}
	if sub.lifecycleURL != "" {
		if e = webhookURL(sub.lifecycleURL); e != nil {
			return e
		}
	}
	if len(sub.clientState) > 128 {
		return newError(400, "InvalidRequest", "clientState must not exceed 128 characters.")
	}
	if rich, e := o.boolean("includeResourceData", false); e != nil {
		return e
	} else if rich {
		return newError(400, "InvalidRequest", "includeResourceData requires an encryptionCertificate; the fake serves basic notifications only.")
	}
	if sub.expiration, e = s.expiration(o); e != nil {
		return e
	}
	s.mu.Lock()
	sub.mailbox, sub.folder, e = s.parseResource(q.p, sub.resource)
	s.mu.Unlock()
	if e != nil {
		return e
	}
	if e = s.validate(sub.notificationURL); e != nil {
		return e
	}
	if sub.lifecycleURL != "" {
		if e = s.validate(sub.lifecycleURL); e != nil {
			return e
		}
	}
	sub.id = newGUID()
	sub.immutable = q.immutable
	s.mu.Lock()
	s.subs = append(s.subs, sub)
	v := s.subscriptionJSON(sub)
	s.mu.Unlock()
	writeJSONStatus(w, http.StatusCreated, v)
	return nil
}

func (s *Server) subscriptionJSON(sub *subscription) map[string]any {
	nullable := func(v string) any {
		if v == "" {
			return nil
		}
		return v
	}
	return map[string]any{
		"@odata.context":            s.URL() + "/$metadata#subscriptions/$entity",
		"id":                        sub.id,
		"resource":                  sub.resource,
		"applicationId":             "00000000-0000-0000-0000-00000000f4ce",
		"changeType":                sub.changeType,
		"clientState":               nullable(sub.clientState),
		"notificationUrl":           sub.notificationURL,
		"notificationQueryOptions":  nil,
		"lifecycleNotificationUrl":  nullable(sub.lifecycleURL),
		"expirationDateTime":        sub.expiration.Format("2006-01-02T15:04:05.0000000Z"),
		"creatorId":                 sub.mailbox.id,
		"includeResourceData":       nil,
		"latestSupportedTlsVersion": "v1_2",
		"encryptionCertificate":     nil,
		"encryptionCertificateId":   nil,
		"notificationUrlAppId":      nil,
	}
}

// findSub returns the principal's live subscription named by the path.
// Caller holds s.mu.
func (s *Server) findSub(q *req) (*subscription, *apiError) {
	for _, sub := range s.liveSubs() {
		if sub.id == q.subID && sub.mailbox == q.p.mailbox {
			return sub, nil
		}
	}
	return nil, newError(404, "ResourceNotFound", "The object was not found.")
}

func (s *Server) getSubscription(w http.ResponseWriter, q *req) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, e := s.findSub(q)
	if e != nil {
		return e
	}
	writeJSONStatus(w, http.StatusOK, s.subscriptionJSON(sub))
	return nil
}

func (s *Server) listSubscriptions(w http.ResponseWriter, q *req) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	vals := []any{}
	for _, sub := range s.liveSubs() {
		if sub.mailbox == q.p.mailbox {
			v := s.subscriptionJSON(sub)
			delete(v, "@odata.context")
			vals = append(vals, v)
		}
	}
	writeJSONStatus(w, http.StatusOK, map[string]any{"@odata.context": s.URL() + "/$metadata#subscriptions", "value": vals})
	return nil
}

// renewSubscription serves PATCH /subscriptions/{id}: a new
// expirationDateTime (same limits as creation) and optionally a new
// notificationUrl, which is validated again.
func (s *Server) renewSubscription(w http.ResponseWriter, q *req) *apiError {
	body, e := readBody(q.r)
	if e != nil {
		return e
	}
	o, e := decodeObject(body, "microsoft.graph.subscription", subscriptionProps...)
	if e != nil {
		return e
	}
	exp, e := s.expiration(o)
	if e != nil {
		return e
	}
	newURL, e := o.str("notificationUrl")
	if e != nil {
		return e
	}
	s.mu.Lock()
	sub, e := s.findSub(q)
	s.mu.Unlock()
	if e != nil {
		return e
	}
	if newURL != "" && newURL != sub.notificationURL {
		if e = webhookURL(newURL); e != nil {
			return e
		}
		if e = s.validate(newURL); e != nil {
			return e
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if newURL != "" {
		sub.notificationURL = newURL
	}
	sub.expiration = exp
	writeJSONStatus(w, http.StatusOK, s.subscriptionJSON(sub))
	return nil
}

func (s *Server) deleteSubscription(w http.ResponseWriter, q *req) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, e := s.findSub(q)
	if e != nil {
		return e
	}
	for i, x := range s.subs {
		if x == sub {
			s.subs = append(s.subs[:i], s.subs[i+1:]...)
			break
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// reauthorizeSubscription serves POST /subscriptions/{id}/reauthorize.
func (s *Server) reauthorizeSubscription(w http.ResponseWriter, q *req) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, e := s.findSub(q); e != nil {
		return e
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
