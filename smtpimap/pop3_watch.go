package smtpimap

import (
	"context"
	"errors"
	"time"

	"github.com/inboxkit/inboxkit/internal/watchloop"
	"github.com/inboxkit/inboxkit/provider"
)

// watchPOP3 is Watch over POP3, which has no push: it calls notify at the
// start and then whenever STAT (message count and total size) changes,
// checking every Config.PollInterval (two minutes by default) in a short
// session of its own. A failed check is logged and retried at the next
// interval; ErrAuth and ErrInsecure end Watch. It ends as Watch does.
func (p *Provider) watchPOP3(ctx context.Context, notify func()) error {
	type state struct {
		n    int
		size int64
	}
	var last *state
	next := time.Now()
	notify()
	loop := &watchloop.Loop{
		Kind: provider.KindSMTPIMAP, Notify: notify, Stop: p.stop,
		Due: func() time.Time { return next },
		Maintain: func(ctx context.Context) (bool, error) {
			next = time.Now().Add(p.pollInterval())
			n, size, err := p.statPOP3(ctx)
			switch {
			case ctx.Err() != nil:
				return false, nil
			case errors.Is(err, provider.ErrAuth) || errors.Is(err, provider.ErrInsecure) || errors.Is(err, provider.ErrClosed):
				return false, err
			case err != nil:
				p.log.Warn("POP3 check failed; trying again at the next interval", "error", err)
				return false, nil
			}
			changed := last != nil && (last.n != n || last.size != size)
			last = &state{n, size}
			return changed, nil
		},
	}
	return loop.Run(ctx)
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
