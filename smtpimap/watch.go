package smtpimap

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/internal/watchloop"
	"github.com/inboxkit/inboxkit/provider"
)

// idleRenew is how long one IDLE runs before it is re-issued: RFC 2177
// asks clients to re-issue at least every 29 minutes.
const idleRenew = 25 * time.Minute

// pollInterval is the default of Config.PollInterval: how often Watch
// calls notify on a server without IDLE, and checks a POP3 mailbox.
const pollInterval = 2 * time.Minute

// errNoIdle ends an IDLE session on a server without IDLE: Watch polls.
var errNoIdle = errors.New("smtpimap: the IMAP server has no IDLE")

// Watch implements provider.Watcher over IMAP IDLE (RFC 2177) on INBOX
// (or the first of Config.Folders), on a connection of its own (or,
// receiving over POP3, by polling STAT; see the package docs). IDLE
// watches one mailbox per connection, so the other folders Fetch reads
// (the \Junk folder, the rest of Config.Folders) are polled with one
// pipelined STATUS every Config.PollInterval on the Provider's shared
// connection, and notify runs when one of them changed. It calls notify
// once at the start and whenever the server reports new mail, re-issues
// IDLE before 29 minutes, and falls back to calling notify every
// Config.PollInterval (two minutes by default) when the server has no
// IDLE. After a dropped connection it
// reconnects, waiting from about a second up to a minute as failures
// follow one another (back to the shortest wait once a connection works),
// and calls notify after reconnecting, since mail may have arrived
// meanwhile.
//
// Watch returns nil when ctx is done, ErrClosed when the Provider is
// closed, ErrInvalid without IMAP or POP3 settings, and ErrAuth or
// ErrInsecure, which reconnecting cannot fix.
func (p *Provider) Watch(ctx context.Context, notify func()) error {
	if p.cfg.IMAP == nil && p.cfg.POP3 != nil {
		return p.watchPOP3(ctx, notify)
	}
	if p.cfg.IMAP == nil {
		return providerkit.Invalid("IMAP", "receiving is off: no IMAP settings")
	}
	if p.closed.Load() {
		return providerkit.Closed(provider.KindSMTPIMAP, "watch")
	}
	ctx, cancel := context.WithCancel(ctx)
	w := &idleWatch{
		p: p, newMail: watchloop.NewSignal(), ended: watchloop.NewSignal(),
		retry: watchloop.Retry{Backoff: providerkit.Backoff{Base: time.Second, Max: time.Minute}},
	}
	defer w.sessions.Wait()
	defer cancel()
	w.others.baseline(ctx, p)
	w.connect(ctx)
	notify()
	loop := &watchloop.Loop{
		Kind: provider.KindSMTPIMAP, Notify: notify, Stop: p.stop,
		Push: w.newMail, Attention: w.ended, Poll: w.poll, Due: w.due, Maintain: w.maintain,
	}
	return loop.Run(ctx)
}

// idleWatch is the push mechanism of one Watch: an IDLE session on its own
// goroutine, started again after it ends.
type idleWatch struct {
	p        *Provider
	newMail  watchloop.Signal // the session saw new mail
	ended    watchloop.Signal // the session ended; its error is in err
	retry    watchloop.Retry
	sessions sync.WaitGroup

	others otherFolders // the folders Fetch reads besides the IDLE one

	mu        sync.Mutex
	err       error     // why the last session ended
	reconnect time.Time // when to start the next session; zero while one runs
	polling   bool      // the server has no IDLE
}

// connect starts an IDLE session. Once it has selected its folder, it wakes
// notify: mail that arrived before the SELECT (while disconnected, or
// between the caller's first Fetch and this first session) raises no
// EXISTS on it.
func (w *idleWatch) connect(ctx context.Context) {
	w.mu.Lock()
	w.reconnect = time.Time{}
	w.mu.Unlock()
	up := func() {
		w.retry.Succeeded()
		w.newMail.Raise()
	}
	w.sessions.Add(1)
	go func() {
		defer w.sessions.Done()
		err := w.p.idle(ctx, w.p.idleFolder(), w.newMail.Raise, up)
		w.mu.Lock()
		w.err = err
		w.mu.Unlock()
		w.ended.Raise()
	}()
}

// due is when maintain must run next: a reconnection, or a STATUS poll
// of the other folders, whichever comes first.
func (w *idleWatch) due() time.Time {
	w.mu.Lock()
	reconnect := w.reconnect
	w.mu.Unlock()
	poll := w.others.due()
	switch {
	case reconnect.IsZero():
		return poll
	case poll.IsZero() || reconnect.Before(poll):
		return reconnect
	}
	return poll
}

func (w *idleWatch) poll() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.polling {
		return w.p.pollInterval()
	}
	return 0
}

// maintain keeps the IDLE session going (see maintainSession) and polls
// the other folders when that is due; it notifies when either says so.
func (w *idleWatch) maintain(ctx context.Context) (bool, error) {
	notify, err := w.maintainSession(ctx)
	if err != nil || ctx.Err() != nil {
		return notify, err
	}
	return w.others.poll(ctx, w.p) || notify, nil
}

// maintainSession acts on an ended session (Watch ends, polls, or
// schedules a reconnection) and reconnects when that is due.
func (w *idleWatch) maintainSession(ctx context.Context) (bool, error) {
	w.mu.Lock()
	err, due := w.err, w.reconnect
	w.err = nil
	w.mu.Unlock()
	switch {
	case ctx.Err() != nil:
		return false, nil // Watch is ending
	case err == nil && !due.IsZero() && !time.Now().Before(due):
		w.connect(ctx) // notifies once INBOX is selected
		return false, nil
	case err == nil:
		return false, nil
	case errors.Is(err, errNoIdle):
		w.mu.Lock()
		w.polling = true
		w.mu.Unlock()
		return true, nil
	case errors.Is(err, provider.ErrAuth) || errors.Is(err, provider.ErrInsecure) || errors.Is(err, provider.ErrClosed):
		return false, err
	}
	wait := w.retry.Failed()
	w.p.log.Warn("IMAP watch interrupted; reconnecting", "error", err, "in", wait)
	w.mu.Lock()
	w.reconnect = time.Now().Add(wait)
	w.mu.Unlock()
	return false, nil
}

// idle runs one IDLE session on folder: it connects, calls up once the
// folder is selected, and calls newMail whenever the server reports a new
// message count, until the connection fails or ctx is done. A server without IDLE
// ends it with errNoIdle.
func (p *Provider) idle(ctx context.Context, folder string, newMail, up func()) error {
	if p.closed.Load() {
		return providerkit.Closed(provider.KindSMTPIMAP, "watch")
	}
	c, err := p.dialIMAPWith(ctx, &imapclient.UnilateralDataHandler{
		Mailbox: func(data *imapclient.UnilateralDataMailbox) {
			if data.NumMessages != nil {
				newMail()
			}
		},
	})
	if err != nil {
		return err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { _ = c.Close() })
	defer stop()
	if _, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		return wrap("select", err)
	}
	if !c.Caps().Has(imap.CapIdle) {
		return errNoIdle
	}
	up()
	for {
		cmd, err := c.Idle()
		if err != nil {
			return wrap("idle", err)
		}
		timer := time.NewTimer(idleRenew)
		select {
		case <-ctx.Done():
			timer.Stop()
			_ = cmd.Close()
			return ctx.Err()
		case <-c.Closed():
			timer.Stop()
			return wrap("idle", errors.New("smtpimap: IMAP connection closed"))
		case <-timer.C:
		}
		if err := cmd.Close(); err != nil {
			return wrap("idle", err)
		}
		if err := cmd.Wait(); err != nil {
			return wrap("idle", err)
		}
	}
}
