package delegation

import (
	"context"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

var _ provider.Watcher = (*Guard)(nil)

// Watch forwards to the inner provider's Watch (provider.Watcher), so
// wrapping a mailbox in a Guard keeps its push. It checks the policy
// first, as Fetch does (a requester without an Active grant gets a
// *PolicyError). When the inner provider has no push, Watch returns at
// once an error matching errors.ErrUnsupported: poll with Fetch instead.
// Watch returns nil when ctx is done and an error matching
// provider.ErrClosed when the Guard is closed, which ends a running Watch.
func (g *Guard) Watch(ctx context.Context, notify func()) error {
	if g.closed.Load() {
		return providerkit.Closed(g.inner.Kind(), "watch")
	}
	if _, ok := g.inner.(provider.Watcher); !ok {
		return providerkit.WatchUnsupported(g.inner.Kind())
	}
	if _, err := g.policy.CheckUse(ctx, g.actor, g.inner.Account().Email); err != nil {
		return err
	}
	return providerkit.ForwardWatch(ctx, g.inner, g.stop.Done(), notify)
}
