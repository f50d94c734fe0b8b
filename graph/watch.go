package graph

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/internal/watchloop"
	"github.com/inboxkit/inboxkit/provider"
)

var _ provider.Watcher = (*Provider)(nil)

// Defaults of WatchOptions.
const (
	// DefaultSubscriptionLifetime is the lifetime asked for a subscription:
	// 70 hours, under the 4,230 minutes Graph documents as the maximum for
	// Outlook messages (later documentation allows 10,080 minutes).
	DefaultSubscriptionLifetime = 4200 * time.Minute
	// DefaultRenewBefore is how long before its expiry a subscription is
	// renewed.
	DefaultRenewBefore = 24 * time.Hour
	// DefaultPollInterval is how often Watch calls notify while no
	// subscription is live.
	DefaultPollInterval = time.Minute
	// DefaultPushPollInterval is how often Watch calls notify while its
	// subscriptions are live, in case a notification was lost.
	DefaultPushPollInterval = 15 * time.Minute
	// DefaultResubscribeInterval is the longest wait after failed
	// creations or renewals before Watch tries again.
	DefaultResubscribeInterval = 15 * time.Minute
)

// maxClientState is Graph's limit on a subscription's clientState.
const maxClientState = 128

// WatchOptions configure change notifications (Options.Watch). With no
// NotificationURL, Watch polls.
type WatchOptions struct {
	// NotificationURL is the public https URL where the host serves
	// Notifications; Graph posts change notifications to it. Empty means
	// polling only.
	NotificationURL string
	// LifecycleURL receives lifecycle notifications (reauthorizationRequired,
	// subscriptionRemoved, missed); empty means NotificationURL, since one
	// Notifications handler serves both.
	LifecycleURL string
	// Notifications is the handler mounted at those URLs (required with a
	// NotificationURL). Share one between all Providers of a process.
	Notifications *Notifications
	// ClientState is the secret Graph echoes in every notification, at
	// most 128 characters. Empty (recommended) means a fresh random
	// secret for each subscription.
	ClientState string
	// Lifetime is the subscription lifetime asked of Graph; zero means
	// DefaultSubscriptionLifetime. Graph caps it per resource and raises
	// anything under 45 minutes to 45 minutes.
	Lifetime time.Duration
	// RenewBefore is how long before the expiry Graph granted a
	// subscription is renewed; zero means DefaultRenewBefore, or half the
	// Lifetime when that is shorter. It must be less than Lifetime.
	RenewBefore time.Duration
	// PollInterval is how often Watch calls notify while push is not
	// working (no NotificationURL, or a subscription could not be made);
	// zero means DefaultPollInterval.
	PollInterval time.Duration
	// PushPollInterval is how often Watch calls notify while every
	// subscription is live, as the safety net for a lost notification;
	// zero means DefaultPushPollInterval.
	PushPollInterval time.Duration
	// ResubscribeInterval is the longest Watch waits after a subscription
	// could not be created or renewed before trying again (polling in the
	// meantime): the wait starts at a sixteenth of it and doubles with
	// each failure in a row, with jitter, and a success starts it again.
	// Zero means DefaultResubscribeInterval.
	ResubscribeInterval time.Duration
}

// watchConfig is WatchOptions checked, with defaults filled in, plus the
// running Watch's event mailbox.
type watchConfig struct {
	hub             *Notifications
	events          *watchEvents
	notificationURL string
	lifecycleURL    string
	clientState     string
	folders         []string
	lifetime        time.Duration
	renewBefore     time.Duration
	poll            time.Duration
	pushPoll        time.Duration
	resubscribe     time.Duration
}

func (c *watchConfig) push() bool { return c.notificationURL != "" }

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// config checks w and fills in the defaults.
func (w *WatchOptions) config(folders []string) (*watchConfig, error) {
	c := &watchConfig{
		hub:             w.Notifications,
		events:          newWatchEvents(),
		notificationURL: w.NotificationURL,
		lifecycleURL:    w.LifecycleURL,
		clientState:     w.ClientState,
		folders:         folders,
		lifetime:        orDefault(w.Lifetime, DefaultSubscriptionLifetime),
		poll:            orDefault(w.PollInterval, DefaultPollInterval),
		pushPoll:        orDefault(w.PushPollInterval, DefaultPushPollInterval),
		resubscribe:     orDefault(w.ResubscribeInterval, DefaultResubscribeInterval),
	}
	c.renewBefore = w.RenewBefore
	if c.renewBefore <= 0 {
		c.renewBefore = min(DefaultRenewBefore, c.lifetime/2)
	}
	if c.renewBefore >= c.lifetime {
		return nil, providerkit.Invalid("Watch.RenewBefore", "graph: RenewBefore must be shorter than Lifetime")
	}
	if c.notificationURL == "" {
		if c.lifecycleURL != "" {
			return nil, providerkit.Invalid("Watch.NotificationURL", "graph: LifecycleURL without a NotificationURL")
		}
		return c, nil
	}
	if c.lifecycleURL == "" {
		c.lifecycleURL = c.notificationURL
	}
	if c.hub == nil {
		return nil, providerkit.Invalid("Watch.Notifications", "graph: a NotificationURL needs the Notifications handler served there")
	}
	if err := checkCallbackURL(c.notificationURL); err != nil {
		return nil, providerkit.Invalid("Watch.NotificationURL", err.Error())
	}
	if err := checkCallbackURL(c.lifecycleURL); err != nil {
		return nil, providerkit.Invalid("Watch.LifecycleURL", err.Error())
	}
	if len(c.clientState) > maxClientState || strings.ContainsFunc(c.clientState, func(r rune) bool { return r < 0x20 || r > 0x7e }) {
		return nil, providerkit.Invalid("Watch.ClientState", "graph: ClientState must be at most 128 printable ASCII characters")
	}
	return c, nil
}

var errCallbackURL = errors.New("graph: notification URL must be an absolute http(s) URL without a fragment")

// checkCallbackURL accepts an absolute URL; Graph itself insists on https
// (a fake may accept http on loopback in tests).
func checkCallbackURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Fragment != "" {
		return errCallbackURL
	}
	return nil
}

// Watch implements provider.Watcher; run one Watch per Provider at a time.
//
// With a NotificationURL it creates one Graph subscription per folder of
// Options.Folders, the folders Fetch reads (POST /subscriptions, resource me/mailFolders('inbox')/messages,
// changeType created, a clientState secret, the lifecycle URL), which
// Graph validates against the host's Notifications handler. It calls
// notify once the subscriptions are in place (mail may have arrived before
// them), whenever Notifications routes a change notification or a missed
// lifecycle event to it, and every PushPollInterval as a safety net. It
// renews each subscription RenewBefore its expiry (PATCH, which also
// reauthorizes), renews at once on reauthorizationRequired, creates it
// again when Graph reports subscriptionRemoved or answers a renewal with
// 404, and calls notify after a re-creation so the caller resyncs.
//
// Push is an optimisation: when a subscription cannot be created or
// renewed (no NotificationURL, the validation handshake failed,
// ErrPermission, throttling beyond the retries), Watch polls, calling
// notify every PollInterval, and tries the subscription again every
// ResubscribeInterval. Throttling and transient failures are first
// retried with capped, jittered backoff.
//
// Watch returns nil when ctx is done, after deleting its subscriptions
// (with a short context of its own). It returns an error only when it
// cannot go on: ErrInvalid for bad WatchOptions, ErrAuth when Graph
// rejects the credentials (reconnect, then Watch again), ErrClosed when
// the Provider is closed. notify is called
// from one goroutine at a time and should be quick (start a Fetch).
func (p *Provider) Watch(ctx context.Context, notify func()) error {
	if err := p.checkOpen("watch"); err != nil {
		return err
	}
	cfg, err := p.watch.config(p.folders)
	if err != nil {
		return p.tag("watch", err)
	}
	w := &watcher{p: p, cfg: cfg, notify: notify}
	for _, f := range cfg.folders {
		w.subs = append(w.subs, &subscription{folder: f})
	}
	defer w.unsubscribe(ctx)
	return w.run(ctx)
}

// watcher is one running Watch. Only its goroutine touches it.
type watcher struct {
	p      *Provider
	cfg    *watchConfig
	notify func()
	subs   []*subscription
}

func (w *watcher) run(ctx context.Context) error {
	if w.cfg.push() {
		created, err := w.subscribe(ctx, w.subs)
		if err != nil || ctx.Err() != nil {
			return err
		}
		if created {
			w.notify()
		}
	}
	loop := &watchloop.Loop{
		Kind: provider.KindGraph, Notify: w.notify, Stop: w.p.stop, Now: w.p.now,
		Push: w.cfg.events.wake, Attention: w.cfg.events.signal,
		Poll: w.pollInterval, Due: w.due,
		Maintain: func(ctx context.Context) (bool, error) { return w.maintain(ctx, w.cfg.events.take()) },
	}
	return loop.Run(ctx)
}

// pollInterval is the safety-net interval while every subscription is
// live, the fallback interval otherwise.
func (w *watcher) pollInterval() time.Duration {
	if !w.cfg.push() {
		return w.cfg.poll
	}
	for _, s := range w.subs {
		if !s.live() {
			return w.cfg.poll
		}
	}
	return w.cfg.pushPoll
}

// due is the earliest renewal or retry, or zero.
func (w *watcher) due() time.Time {
	var next time.Time
	for _, s := range w.subs {
		if !s.due.IsZero() && (next.IsZero() || s.due.Before(next)) {
			next = s.due
		}
	}
	return next
}

// subscribe creates the given subscriptions. It reports whether any was
// created; the error is non-nil only when Watch must end.
func (w *watcher) subscribe(ctx context.Context, subs []*subscription) (bool, error) {
	created := false
	for _, s := range subs {
		err := w.p.createSubscription(ctx, w.cfg, s)
		if err == nil {
			created = true
			s.retry.Succeeded()
			w.scheduleRenewal(s)
			continue
		}
		if ctx.Err() != nil {
			return created, nil
		}
		if fatal(err) {
			return created, err
		}
		wait := w.retryAfter(s)
		s.due = w.p.now().Add(wait)
		w.p.log.WarnContext(ctx, "graph: could not subscribe, polling instead", "folder", s.folder, "err", err,
			"retry", wait)
	}
	return created, nil
}

// retryAfter records a failure of s and returns the wait before trying
// it again: from a sixteenth of ResubscribeInterval, doubling with each
// failure in a row, up to ResubscribeInterval, with jitter.
func (w *watcher) retryAfter(s *subscription) time.Duration {
	s.retry.Backoff = providerkit.Backoff{Base: max(w.cfg.resubscribe/16, time.Millisecond), Max: w.cfg.resubscribe}
	return s.retry.Failed()
}

// scheduleRenewal sets s.due RenewBefore its expiry, or halfway there
// when Graph granted less than RenewBefore.
func (w *watcher) scheduleRenewal(s *subscription) {
	now := w.p.now()
	left := s.expires.Sub(now)
	wait := left - w.cfg.renewBefore
	if wait <= 0 {
		wait = max(left/2, time.Second)
	}
	s.due = now.Add(wait)
}

// maintain acts on lifecycle events — reauthorizationRequired renews the
// subscription now, subscriptionRemoved creates it again — and renews or
// creates again every subscription that is due. It reports whether one
// was created, so the caller resyncs; the error is non-nil only when Watch
// must end.
func (w *watcher) maintain(ctx context.Context, events map[string]string) (bool, error) {
	now := w.p.now()
	var create []*subscription
	for _, s := range w.subs {
		event := ""
		if s.live() {
			event = events[s.id]
		}
		due := !s.due.IsZero() && !s.due.After(now)
		switch {
		case event == lifecycleRemoved:
			w.p.log.InfoContext(ctx, "graph: subscription removed by Graph, creating it again", "folder", s.folder, "subscription", s.id)
			s.forget(w.cfg)
			create = append(create, s)
		case !s.live() && due:
			create = append(create, s)
		case s.live() && (due || event != ""):
			again, err := w.renew(ctx, s)
			if err != nil {
				return false, err
			}
			if again {
				create = append(create, s)
			}
		}
	}
	return w.subscribe(ctx, create)
}

// renew extends s. It reports whether s must be created again (Graph no
// longer holds it); the error is non-nil only when Watch must end.
func (w *watcher) renew(ctx context.Context, s *subscription) (bool, error) {
	err := w.p.renewSubscription(ctx, w.cfg, s)
	switch {
	case err == nil:
		s.retry.Succeeded()
		w.scheduleRenewal(s)
		return false, nil
	case ctx.Err() != nil:
		return false, nil
	case fatal(err):
		return false, err
	case errors.Is(err, provider.ErrNotFound):
		w.p.log.InfoContext(ctx, "graph: subscription gone, creating it again", "folder", s.folder, "subscription", s.id)
		s.forget(w.cfg)
		return true, nil
	}
	// Retry before it expires; if it lapses meanwhile, the next renewal
	// gets 404 and creates it again.
	left := s.expires.Sub(w.p.now())
	s.due = w.p.now().Add(max(min(w.retryAfter(s), left/2), time.Second))
	w.p.log.WarnContext(ctx, "graph: could not renew subscription", "folder", s.folder, "subscription", s.id, "err", err)
	return false, nil
}

// unsubscribe deletes the live subscriptions when Watch ends, under a
// short context of its own since ctx is usually done by then.
func (w *watcher) unsubscribe(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	for _, s := range w.subs {
		id := s.id
		if err := w.p.deleteSubscription(ctx, w.cfg, s); err != nil {
			w.p.log.WarnContext(ctx, "graph: could not delete subscription; it expires on its own", "subscription", id, "err", err)
		}
	}
}

// fatal reports whether err ends Watch: Graph rejected the credentials.
func fatal(err error) bool {
	return errors.Is(err, provider.ErrAuth)
}
