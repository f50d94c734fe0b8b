package smtpimap

import (
	"context"
	"errors"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// idleRenew is how long one IDLE runs before it is re-issued: RFC 2177
// asks clients to re-issue at least every 29 minutes.
const idleRenew = 25 * time.Minute

// pollInterval is the fallback when the server has no IDLE.
const pollInterval = 2 * time.Minute

// Watch implements provider.Watcher over IMAP IDLE (RFC 2177) on INBOX, on
// a connection of its own. It calls notify when the server reports new
// mail (and once at the start), re-issues IDLE before 29 minutes, falls
// back to polling every two minutes when the server has no IDLE, and
// reconnects with backoff after a dropped connection. It returns when ctx
// is done, or with ErrAuth / ErrInsecure, which reconnecting cannot fix.
func (p *Provider) Watch(ctx context.Context, notify func()) error {
	if p.cfg.IMAP == nil {
		return providerkit.Invalid("IMAP", "receiving is off: no IMAP settings")
	}
	notify()
	failures := 0
	for {
		err := p.watchOnce(ctx, notify)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, provider.ErrAuth) || errors.Is(err, provider.ErrInsecure) || errors.Is(err, provider.ErrClosed) {
			return err
		}
		failures++
		p.log.Warn("IMAP watch interrupted; reconnecting", "error", err)
		d := providerkit.Backoff{Base: time.Second, Max: time.Minute}.Delay(failures, nil)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
		notify() // mail may have arrived while disconnected
	}
}

func (p *Provider) watchOnce(ctx context.Context, notify func()) error {
	if p.closed.Load() {
		return providerkit.Closed(provider.KindSMTPIMAP, "watch")
	}
	newMail := make(chan struct{}, 1)
	c, err := p.dialIMAPWith(ctx, &imapclient.UnilateralDataHandler{
		Mailbox: func(data *imapclient.UnilateralDataMailbox) {
			if data.NumMessages != nil {
				select {
				case newMail <- struct{}{}:
				default:
				}
			}
		},
	})
	if err != nil {
		return err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { _ = c.Close() })
	defer stop()
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		return wrap("select", err)
	}
	// Mail that arrived between the caller's last Fetch and this SELECT
	// raises no EXISTS here: ask for a Fetch now that changes are watched.
	notify()
	if !c.Caps().Has(imap.CapIdle) {
		return p.poll(ctx, c, notify)
	}
	for {
		idle, err := c.Idle()
		if err != nil {
			return wrap("idle", err)
		}
		timer := time.NewTimer(idleRenew)
		select {
		case <-ctx.Done():
			timer.Stop()
			_ = idle.Close()
			return ctx.Err()
		case <-c.Closed():
			timer.Stop()
			return wrap("idle", errors.New("smtpimap: IMAP connection closed"))
		case <-newMail:
			timer.Stop()
			if err := idle.Close(); err != nil {
				return wrap("idle", err)
			}
			if err := idle.Wait(); err != nil {
				return wrap("idle", err)
			}
			notify()
		case <-timer.C:
			if err := idle.Close(); err != nil {
				return wrap("idle", err)
			}
			if err := idle.Wait(); err != nil {
				return wrap("idle", err)
			}
		}
	}
}

// poll is the fallback for servers without IDLE: NOOP every pollInterval,
// and notify when the message count grows.
func (p *Provider) poll(ctx context.Context, c *imapclient.Client, notify func()) error {
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	last := c.Mailbox().NumMessages
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			if err := c.Noop().Wait(); err != nil {
				return wrap("noop", err)
			}
			if n := c.Mailbox().NumMessages; n != last {
				last = n
				notify()
			}
		}
	}
}
