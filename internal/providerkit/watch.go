package providerkit

import (
	"context"
	"errors"

	"github.com/inboxkit/inboxkit/provider"
)

// WatchUnsupported is what a wrapper's Watch returns at once when the
// provider it wraps has no push: a *provider.Error matching
// errors.ErrUnsupported, so the caller polls with Fetch instead.
func WatchUnsupported(kind provider.Kind) *provider.Error {
	return &provider.Error{Op: "watch", Provider: kind, Code: errors.ErrUnsupported}
}

// ForwardWatch runs inner's Watch for a wrapper (the delegation guard,
// tracking's beacon): when inner is no provider.Watcher it returns
// WatchUnsupported at once; otherwise it runs inner's Watch until ctx is
// done (nil, as every Watch), stop is closed (the wrapper was closed: an
// error matching provider.ErrClosed) or inner's Watch ends by itself (its
// error). A nil stop never closes.
func ForwardWatch(ctx context.Context, inner provider.Provider, stop <-chan struct{}, notify func()) error {
	w, ok := inner.(provider.Watcher)
	if !ok {
		return WatchUnsupported(inner.Kind())
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	closed := make(chan struct{})
	go func() {
		select {
		case <-stop:
			close(closed)
			cancel()
		case <-ctx.Done():
		}
	}()
	err := w.Watch(ctx, notify)
	cancel()
	select {
	case <-closed:
		return Closed(inner.Kind(), "watch")
	default:
	}
	if ctx.Err() != nil && !errors.Is(err, provider.ErrClosed) {
		return nil
	}
	return err
}
