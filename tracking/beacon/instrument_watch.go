package beacon

import (
	"context"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

var _ provider.Watcher = (*Instrumented)(nil)

// Watch forwards to the wrapped provider's Watch (provider.Watcher), so
// instrumenting a mailbox keeps its push. When the wrapped provider has
// no push, Watch returns at once an error matching errors.ErrUnsupported:
// poll with Fetch instead. It ends as the wrapped Watch does: nil when
// ctx is done, an error matching provider.ErrClosed after Close (which
// closes the wrapped provider).
func (p *Instrumented) Watch(ctx context.Context, notify func()) error {
	return providerkit.ForwardWatch(ctx, p.inner, nil, notify)
}
