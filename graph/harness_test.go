package graph_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/graph"
	"github.com/inboxkit/inboxkit/internal/fakegraph"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
)

const account = "ada@inboxkit.test"

// noWait is a retry policy that does not sleep, so tests of retries run
// at once.
var noWait = providerkit.Backoff{Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() }}

func startFake(t testing.TB) *fakegraph.Server {
	t.Helper()
	srv := fakegraph.New(fakegraph.Options{Email: account, Name: "Ada Lovelace"})
	t.Cleanup(srv.Close)
	return srv
}

func newProvider(t testing.TB, srv *fakegraph.Server, ts oauth2.TokenSource, opts *graph.Options) *graph.Provider {
	t.Helper()
	if ts == nil {
		ts = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "test-token"})
	}
	if opts == nil {
		opts = &graph.Options{}
	}
	if opts.Email == "" {
		opts.Email = account
	}
	opts.BaseURL = srv.URL()
	opts.HTTPClient = srv.Client()
	if graph.BackoffOf(opts).Sleep == nil {
		graph.WithBackoff(opts, noWait)
	}
	p, err := graph.New(context.Background(), ts, opts)
	if err != nil {
		t.Fatalf("graph.New: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// trim drops the angle brackets Graph keeps around internetMessageId.
func trim(id string) string { return strings.Trim(strings.TrimSpace(id), "<>") }

func harness(srv *fakegraph.Server, p *graph.Provider) *providertest.Harness {
	return &providertest.Harness{
		Provider:  p,
		Prospects: []string{"bob@prospect.example", "cyd@elsewhere.example"},
		Deliver: func(ctx context.Context, raw []byte) error {
			_, err := srv.Deliver(account, "inbox", raw)
			return err
		},
		SentCopies: func(ctx context.Context, id string) (int, error) {
			n := 0
			for _, m := range srv.Messages(account, "sentitems") {
				if trim(m.InternetMessageID) == id {
					n++
				}
			}
			return n, nil
		},
		Deliveries: func(ctx context.Context, id string) (int, error) {
			n := 0
			for _, s := range srv.Sends() {
				if trim(s.MessageID) == id {
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

func TestConformanceWithDrafts(t *testing.T) {
	providertest.Run(t, func(t *testing.T) *providertest.Harness {
		srv := startFake(t)
		return harness(srv, newProvider(t, srv, nil, &graph.Options{SendWithDrafts: true}))
	})
}

// countingSource hands out tokens in turn and counts the calls.
type countingSource struct {
	tokens []string
	calls  int
}

func (s *countingSource) Token() (*oauth2.Token, error) {
	tok := s.tokens[min(s.calls, len(s.tokens)-1)]
	s.calls++
	return &oauth2.Token{AccessToken: tok, Expiry: time.Now().Add(time.Hour)}, nil
}

// recordSleeps is a Backoff that records the waits instead of sleeping.
func recordSleeps(waits *[]time.Duration) providerkit.Backoff {
	return providerkit.Backoff{Attempts: 4, Sleep: func(ctx context.Context, d time.Duration) error {
		*waits = append(*waits, d)
		return ctx.Err()
	}}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func msg(subject string) *provider.Message {
	return &provider.Message{
		To:      []provider.Address{{Name: "Bob", Email: "bob@prospect.example"}},
		Subject: subject,
		Text:    "Hello Bob.\r\n",
	}
}

func staticToken(tok string) oauth2.TokenSource {
	return oauth2.StaticTokenSource(&oauth2.Token{AccessToken: tok})
}
