package graph

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"html"
	"io"
	"log/slog"
	"net/http"
	"sync"

	"github.com/inboxkit/inboxkit/internal/watchloop"
)

// DefaultMaxNotificationBody is the largest notification body
// Notifications reads when MaxBody is zero. Graph batches notifications;
// one without resource data is a few hundred bytes.
const DefaultMaxNotificationBody = 1 << 20

// Lifecycle events Graph posts to a subscription's lifecycleNotificationUrl.
const (
	lifecycleReauthorize = "reauthorizationRequired"
	lifecycleRemoved     = "subscriptionRemoved"
	lifecycleMissed      = "missed"
)

// Notifications is the http.Handler that receives Microsoft Graph change
// notifications and lifecycle notifications. The host mounts it at the
// public URL given as WatchOptions.NotificationURL (and LifecycleURL, which
// may be the same), and passes it in WatchOptions.Notifications. One
// Notifications serves any number of Providers: each notification is routed
// to the running Watch that owns its subscriptionId. It must run in the
// same process as those Watches.
//
// It answers:
//   - Graph's validation handshake, a request with a validationToken query
//     parameter (sent when a subscription is created, to both URLs): 200,
//     text/plain, the decoded token (HTML-escaped, which leaves Graph's
//     tokens unchanged).
//   - A POST of a notification batch ({"value":[…]}): 202 Accepted at once,
//     well inside Graph's 3 seconds. Each notification whose subscriptionId
//     belongs to a running Watch and whose clientState matches that
//     subscription's secret (compared in constant time) wakes the Watch,
//     which calls its notify; a wake already pending absorbs the next
//     ones. Notifications with an unknown subscriptionId or a wrong
//     clientState are counted in Stats, logged and otherwise ignored.
//   - A body over MaxBody: 413; a body that is not JSON: 400; another
//     method without a validationToken: 405.
//
// The zero value is ready to use. Notifications is safe for concurrent use.
type Notifications struct {
	// MaxBody caps a notification body in bytes; zero means
	// DefaultMaxNotificationBody.
	MaxBody int64
	// Logger receives a record for each ignored notification; nil
	// discards them. Secrets (clientState, tokens) are never logged.
	Logger *slog.Logger

	mu      sync.Mutex
	subs    map[string]*route   // live subscriptions by id
	pending map[*route]struct{} // creations in flight: id not known yet
	stats   NotificationStats
}

// NotificationStats counts what a Notifications received.
type NotificationStats struct {
	// Validations is the number of validation handshakes answered.
	Validations int64
	// Changes is the number of change notifications routed to a Watch.
	Changes int64
	// Lifecycle is the number of lifecycle notifications routed to a Watch.
	Lifecycle int64
	// BadClientState counts notifications for a known subscription whose
	// clientState did not match: forged, or misrouted.
	BadClientState int64
	// UnknownSubscription counts notifications for subscriptions no running
	// Watch owns (for example ones left behind by an earlier process, which
	// expire on their own).
	UnknownSubscription int64
	// Malformed counts requests refused with 400, 405 or 413.
	Malformed int64
}

// route ties one subscription to the Watch that created it.
type route struct {
	clientState []byte
	id          string
	events      *watchEvents
}

// watchEvents is the mailbox between the handler and one running Watch.
// The handler never blocks on it: wakes coalesce into one pending signal,
// and lifecycle events are kept per subscription until Watch takes them.
type watchEvents struct {
	wake   watchloop.Signal // new mail may be waiting
	signal watchloop.Signal // lifecycle holds events

	mu        sync.Mutex
	lifecycle map[string]string // subscription id → strongest pending event
}

func newWatchEvents() *watchEvents {
	return &watchEvents{
		wake:      watchloop.NewSignal(),
		signal:    watchloop.NewSignal(),
		lifecycle: map[string]string{},
	}
}

func (e *watchEvents) wakeUp() { e.wake.Raise() }

// post records a reauthorizationRequired or subscriptionRemoved event; a
// removal outranks a reauthorization of the same subscription.
func (e *watchEvents) post(id, event string) {
	e.mu.Lock()
	if e.lifecycle[id] != lifecycleRemoved {
		e.lifecycle[id] = event
	}
	e.mu.Unlock()
	e.signal.Raise()
}

// take returns and clears the pending lifecycle events.
func (e *watchEvents) take() map[string]string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := e.lifecycle
	e.lifecycle = map[string]string{}
	return out
}

// expect registers a subscription about to be created with clientState,
// so a notification that races the creation's answer is still accepted.
func (n *Notifications) expect(clientState string, events *watchEvents) *route {
	rt := &route{clientState: []byte(clientState), events: events}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.pending == nil {
		n.pending = map[*route]struct{}{}
	}
	n.pending[rt] = struct{}{}
	return rt
}

// bind records the id Graph gave the subscription of rt.
func (n *Notifications) bind(rt *route, id string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.bindLocked(rt, id)
}

func (n *Notifications) bindLocked(rt *route, id string) {
	if n.subs == nil {
		n.subs = map[string]*route{}
	}
	if rt.id != "" && n.subs[rt.id] == rt {
		delete(n.subs, rt.id)
	}
	delete(n.pending, rt)
	rt.id = id
	n.subs[id] = rt
}

// drop forgets rt: later notifications for it are unknown.
func (n *Notifications) drop(rt *route) {
	if rt == nil {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.pending, rt)
	if rt.id != "" && n.subs[rt.id] == rt {
		delete(n.subs, rt.id)
	}
}

// Stats returns the counts so far.
func (n *Notifications) Stats() NotificationStats {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.stats
}

func (n *Notifications) count(f func(*NotificationStats)) {
	n.mu.Lock()
	f(&n.stats)
	n.mu.Unlock()
}

func (n *Notifications) logger() *slog.Logger {
	if n.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return n.Logger
}

// changeNotification is the part of Graph's changeNotification resource
// that routing needs; a lifecycle notification has lifecycleEvent instead
// of changeType.
type changeNotification struct {
	SubscriptionID string `json:"subscriptionId"`
	ClientState    string `json:"clientState"`
	ChangeType     string `json:"changeType"`
	LifecycleEvent string `json:"lifecycleEvent"`
}

// ServeHTTP implements http.Handler.
func (n *Notifications) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if token := r.URL.Query().Get("validationToken"); token != "" {
		n.count(func(s *NotificationStats) { s.Validations++ })
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, html.EscapeString(token))
		return
	}
	if r.Method != http.MethodPost {
		n.count(func(s *NotificationStats) { s.Malformed++ })
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "graph notifications: POST only", http.StatusMethodNotAllowed)
		return
	}
	limit := n.MaxBody
	if limit <= 0 {
		limit = DefaultMaxNotificationBody
	}
	var batch struct {
		Value []changeNotification `json:"value"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit)).Decode(&batch); err != nil {
		n.count(func(s *NotificationStats) { s.Malformed++ })
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "graph notifications: body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "graph notifications: body is not a notification batch", http.StatusBadRequest)
		return
	}
	for _, item := range batch.Value {
		n.dispatch(r, item)
	}
	w.WriteHeader(http.StatusAccepted)
}

// dispatch routes one notification to its Watch, or counts why not.
func (n *Notifications) dispatch(r *http.Request, item changeNotification) {
	ctx := r.Context()
	rt, err := n.match(item.SubscriptionID, item.ClientState, item.LifecycleEvent != "")
	switch {
	case errors.Is(err, errBadClientState):
		n.logger().WarnContext(ctx, "graph: notification with a wrong clientState ignored", "subscription", item.SubscriptionID)
		return
	case err != nil:
		n.logger().DebugContext(ctx, "graph: notification for an unknown subscription ignored", "subscription", item.SubscriptionID)
		return
	}
	if item.LifecycleEvent == "" {
		rt.events.wakeUp()
		return
	}
	switch item.LifecycleEvent {
	case lifecycleMissed:
		rt.events.wakeUp()
	case lifecycleReauthorize, lifecycleRemoved:
		rt.events.post(item.SubscriptionID, item.LifecycleEvent)
	default:
		n.logger().DebugContext(ctx, "graph: unknown lifecycle event ignored",
			"subscription", item.SubscriptionID, "event", item.LifecycleEvent)
	}
}

var (
	errBadClientState      = errors.New("graph: wrong clientState")
	errUnknownSubscription = errors.New("graph: unknown subscription")
)

// match finds the route of subscription id, checks clientState against
// its secret in constant time, and counts the notification. A
// subscription whose creation has not answered yet is found by its
// clientState and bound to id.
func (n *Notifications) match(id, clientState string, lifecycle bool) (*route, error) {
	got := []byte(clientState)
	n.mu.Lock()
	defer n.mu.Unlock()
	rt := n.subs[id]
	if rt != nil && subtle.ConstantTimeCompare(rt.clientState, got) != 1 {
		n.stats.BadClientState++
		return nil, errBadClientState
	}
	if rt == nil && id != "" {
		for p := range n.pending {
			if subtle.ConstantTimeCompare(p.clientState, got) == 1 {
				n.bindLocked(p, id)
				rt = p
				break
			}
		}
	}
	if rt == nil {
		n.stats.UnknownSubscription++
		return nil, errUnknownSubscription
	}
	if lifecycle {
		n.stats.Lifecycle++
	} else {
		n.stats.Changes++
	}
	return rt, nil
}
