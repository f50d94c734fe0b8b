package gmail

import (
	"context"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/internal/watchloop"
	"github.com/inboxkit/inboxkit/provider"
	gmailapi "google.golang.org/api/gmail/v1"
)

var _ provider.Watcher = (*Provider)(nil)

// WatchOptions configure push notifications (Options.Watch).
type WatchOptions struct {
	// Topic is the Cloud Pub/Sub topic Gmail publishes to, as
	// "projects/PROJECT/topics/TOPIC"; gmail-api-push@system.gserviceaccount.com
	// must be allowed to publish to it. Empty means polling only.
	Topic string
	// LabelIDs limit notifications to changes of these labels; nil means
	// INBOX.
	LabelIDs []string
	// Renew is how long before the watch expires (Gmail: 7 days) it is
	// renewed; zero means 24 hours (Google asks for a daily renewal).
	Renew time.Duration
	// PollInterval is how often Watch calls notify without a push, as the
	// fallback for lost notifications; zero means 5 minutes with a Topic,
	// 1 minute without.
	PollInterval time.Duration
}

// Watch implements provider.Watcher; run one Watch per Provider at a
// time. With a Topic it calls users.watch (100 quota units), renews it
// before it expires, and calls notify when Notify reports a push for this
// mailbox; without one, and in any case every PollInterval, it calls
// notify so the caller polls with Fetch. A temporary renewal failure is
// retried after a wait that doubles with each failure in a row, from about
// a minute up to an hour, polling meanwhile.
//
// Watch returns nil when ctx is done (after users.stop), ErrClosed when
// the Provider is closed, or the error of a users.watch call that failed
// for a reason that is not temporary, at the start or at a renewal.
func (p *Provider) Watch(ctx context.Context, notify func()) error {
	if err := p.checkRead("watch"); err != nil {
		return err
	}
	w := p.watch
	poll := w.PollInterval
	if poll <= 0 {
		poll = time.Minute
		if w.Topic != "" {
			poll = 5 * time.Minute
		}
	}
	renewBefore := w.Renew
	if renewBefore <= 0 {
		renewBefore = 24 * time.Hour
	}
	loop := &watchloop.Loop{
		Kind: provider.KindGmail, Notify: notify, Push: p.pushes, Stop: p.stop, Now: p.now,
		Poll: func() time.Duration { return poll },
	}
	if w.Topic == "" {
		return loop.Run(ctx)
	}
	exp, err := p.startWatch(ctx)
	if err != nil {
		return err
	}
	defer p.stopWatch(ctx)
	retry := watchloop.Retry{Backoff: providerkit.Backoff{Base: time.Minute, Max: time.Hour}}
	due := p.renewAt(exp, renewBefore)
	loop.Due = func() time.Time { return due }
	loop.Maintain = func(ctx context.Context) (bool, error) {
		exp, err := p.startWatch(ctx)
		switch {
		case err == nil:
			retry.Succeeded()
			due = p.renewAt(exp, renewBefore)
		case provider.IsTemporary(err) || ctx.Err() != nil:
			due = p.now().Add(retry.Failed()) // polling goes on meanwhile
		default:
			return false, err
		}
		return false, nil
	}
	return loop.Run(ctx)
}

// renewAt is when a watch expiring at exp is renewed.
func (p *Provider) renewAt(exp time.Time, before time.Duration) time.Time {
	return p.now().Add(max(exp.Sub(p.now())-before, 10*time.Millisecond))
}

func (p *Provider) startWatch(ctx context.Context) (time.Time, error) {
	labels := p.watch.LabelIDs
	if labels == nil {
		labels = []string{"INBOX"}
	}
	var resp *gmailapi.WatchResponse
	err := p.call(ctx, "watch", func(ctx context.Context) error {
		var err error
		resp, err = p.svc.Users.Watch("me", &gmailapi.WatchRequest{
			TopicName: p.watch.Topic, LabelIds: labels, LabelFilterBehavior: "include",
		}).Context(ctx).Do()
		return err
	})
	if err != nil {
		return time.Time{}, err
	}
	p.log.DebugContext(ctx, "gmail: watching", "topic", p.watch.Topic, "expiration", resp.Expiration)
	return time.UnixMilli(resp.Expiration), nil
}

func (p *Provider) stopWatch(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	_ = p.call(ctx, "watch", func(ctx context.Context) error {
		return p.svc.Users.Stop("me").Context(ctx).Do()
	})
}

// Notify hands a parsed push to the Provider: when it is for this mailbox
// and newer than the last verified one seen, a running Watch calls notify.
// Only a Verified push (from PushVerifier.ReadPush) moves the historyId
// that later repeats are compared with. It
// reports whether the push was for this mailbox. Never blocks.
func (p *Provider) Notify(push *Push) bool {
	if push == nil || !strings.EqualFold(push.Email, p.email) {
		return false
	}
	for {
		last := p.lastPush.Load()
		if push.HistoryID <= last {
			return true // an older or repeated notification: nothing new
		}
		if !push.Verified {
			// Unauthenticated: it may ask for a Fetch, but never moves
			// the state that skips repeats, so a forged historyId cannot
			// suppress later real pushes (#12 item 10).
			break
		}
		if p.lastPush.CompareAndSwap(last, push.HistoryID) {
			break
		}
	}
	p.pushes.Raise() // coalesced with one already pending
	return true
}
