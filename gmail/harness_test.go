package gmail_test

import (
	"context"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/gmail"
	"github.com/inboxkit/inboxkit/internal/fakegmail"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider/providertest"
	"golang.org/x/oauth2"
)

const account = "ada@inboxkit.test"

// noWait is a retry policy that does not sleep, so tests of retries run
// at once.
var noWait = providerkit.Backoff{Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() }}

func startFake(t testing.TB) *fakegmail.Server {
	t.Helper()
	srv := fakegmail.New(fakegmail.Options{Email: account})
	t.Cleanup(srv.Close)
	return srv
}

func newProvider(t testing.TB, srv *fakegmail.Server, ts oauth2.TokenSource, opts *gmail.Options) *gmail.Provider {
	t.Helper()
	if ts == nil {
		ts = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "test-token"})
	}
	if opts == nil {
		opts = &gmail.Options{}
	}
	opts.Email = account
	opts.Endpoint = srv.URL()
	opts.HTTPClient = srv.Client()
	if gmail.BackoffOf(opts).Sleep == nil {
		gmail.WithBackoff(opts, noWait)
	}
	p, err := gmail.New(context.Background(), ts, opts)
	if err != nil {
		t.Fatalf("gmail.New: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

func harness(srv *fakegmail.Server, p *gmail.Provider) *providertest.Harness {
	return &providertest.Harness{
		Provider:  p,
		Prospects: []string{"bob@prospect.example", "cyd@elsewhere.example"},
		Deliver: func(ctx context.Context, raw []byte) error {
			_, _, err := srv.Deliver(raw)
			return err
		},
		SentCopies: func(ctx context.Context, id string) (int, error) {
			n := 0
			for _, raw := range srv.Messages("SENT") {
				if providertest.MessageIDOf(raw) == id {
					n++
				}
			}
			return n, nil
		},
		Deliveries: func(ctx context.Context, id string) (int, error) {
			n := 0
			for _, s := range srv.Sends() {
				if s.MessageID == id {
					n++
				}
			}
			return n, nil
		},
	}
}

func TestConformance(t *testing.T) {
	providertest.Run(t, func(t *testing.T) *providertest.Harness {
		srv := startFake(t)
		return harness(srv, newProvider(t, srv, nil, nil))
	})
}
