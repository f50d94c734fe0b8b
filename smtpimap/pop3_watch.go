package smtpimap

import (
	"context"
	"errors"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// watchPOP3 is Watch over POP3, which has no push: it calls notify at the
// start and then whenever STAT (message count and total size) changes,
// checking every Config.PollInterval (two minutes by default) in a short
// session of its own. A failed check is logged and retried at the next
// tick; ErrAuth and ErrInsecure end Watch.
func (p *Provider) watchPOP3(ctx context.Context, notify func()) error {
	notify()
	t := time.NewTicker(p.pollInterval())
	defer t.Stop()
	type state struct {
		n    int
		size int64
	}
	var last *state
	for {
		if p.closed.Load() {
			return providerkit.Closed(provider.KindSMTPIMAP, "watch")
		}
		n, size, err := p.statPOP3(ctx)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, provider.ErrAuth) || errors.Is(err, provider.ErrInsecure):
			return err
		case err != nil:
			p.log.Warn("POP3 check failed; trying again at the next interval", "error", err)
		case last != nil && (last.n != n || last.size != size):
			notify()
			fallthrough
		default:
			last = &state{n, size}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// statPOP3 signs in, asks STAT and leaves.
func (p *Provider) statPOP3(ctx context.Context) (int, int64, error) {
	c, err := p.dialPOP3(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer quitPOP3(ctx, c)
	n, size, err := c.Stat(ctx)
	return n, size, wrapPOP3("stat", err)
}
