package graph_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking"
)

// #12 item 8: a cancelled or expired context comes back as an error that
// matches the context's error and is not temporary, from every method.
func TestItem8_graphContextErrors(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, nil)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	for _, c := range []struct {
		ctx  context.Context
		want error
	}{{cancelled, context.Canceled}, {expired, context.DeadlineExceeded}} {
		calls := map[string]func(context.Context) error{
			"Verify": p.Verify,
			"Send": func(ctx context.Context) error {
				_, err := p.Send(ctx, msg("never"))
				return err
			},
			"Fetch": func(ctx context.Context) error {
				_, err := p.Fetch(ctx, "", tracking.NewMemoryIndex(0))
				return err
			},
		}
		for name, call := range calls {
			err := call(c.ctx)
			if !errors.Is(err, c.want) || provider.IsTemporary(err) {
				t.Errorf("%s with %v = %v; want an error matching it, not temporary", name, c.want, err)
			}
		}
	}
	if n := len(srv.Sends()); n != 0 {
		t.Errorf("%d messages went out on a dead context", n)
	}
}
