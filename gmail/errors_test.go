package gmail_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/gmail"
	"github.com/inboxkit/inboxkit/internal/fakegmail"
	"github.com/inboxkit/inboxkit/provider"
	"golang.org/x/oauth2"
	"google.golang.org/api/googleapi"
)

func TestProvider_errorMapping(t *testing.T) {
	tests := []struct {
		name      string
		fault     fakegmail.Fault
		times     int // how often the call fails
		want      error
		calls     int // getProfile calls made
		retryWait time.Duration
	}{
		{"403 insufficientPermissions", fakegmail.InsufficientPermissions(), 1, provider.ErrPermission, 1, 0},
		{"403 forbidden", fakegmail.Fault{Status: 403, Reason: "forbidden"}, 1, provider.ErrPermission, 1, 0},
		{"403 rateLimitExceeded retried", fakegmail.RateLimit(), 1, nil, 2, 0},
		{"403 userRateLimitExceeded retried", fakegmail.UserRateLimit(), 1, nil, 2, 0},
		{"429 retried", fakegmail.TooManyRequests(), 2, nil, 3, 0},
		{"429 exhausted", fakegmail.TooManyRequests(), 4, provider.ErrRateLimited, 4, 2 * time.Second},
		{"403 rate limit exhausted", fakegmail.UserRateLimit(), 4, provider.ErrRateLimited, 4, 0},
		{"403 dailyLimitExceeded exhausted", fakegmail.Fault{Status: 403, Reason: "dailyLimitExceeded"}, 4, provider.ErrRateLimited, 4, 0},
		{"500 retried", fakegmail.BackendError(), 3, nil, 4, 0},
		{"503 exhausted", fakegmail.Unavailable(), 4, provider.ErrTemporary, 4, 0},
		{"404", fakegmail.Fault{Status: 404}, 1, provider.ErrNotFound, 1, 0},
		{"400", fakegmail.Fault{Status: 400}, 1, provider.ErrInvalid, 1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := startFake(t)
			p := newProvider(t, srv, nil, nil)
			srv.Fail("getProfile", tc.times, tc.fault)
			err := p.Verify(context.Background())
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("Verify() error = %v; want %v", err, tc.want)
			}
			if got := srv.Stats().Calls["getProfile"]; got != tc.calls {
				t.Errorf("getProfile calls = %d; want %d", got, tc.calls)
			}
			if d, _ := provider.RetryAfter(err); d != tc.retryWait {
				t.Errorf("RetryAfter = %v; want %v", d, tc.retryWait)
			}
			var g *googleapi.Error
			if tc.want != nil && !errors.As(err, &g) {
				t.Errorf("error %v does not wrap the *googleapi.Error", err)
			}
		})
	}
}

// seqSource hands out the given tokens in turn, then the last one again.
type seqSource struct {
	mu   sync.Mutex
	toks []string
	n    int
}

func (s *seqSource) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tok := s.toks[min(s.n, len(s.toks)-1)]
	s.n++
	return &oauth2.Token{AccessToken: tok, Expiry: time.Now().Add(time.Hour)}, nil
}

func TestProvider_unauthorized(t *testing.T) {
	t.Run("one refresh then success", func(t *testing.T) {
		srv := startFake(t)
		ts := &seqSource{toks: []string{"stale", "test-token"}}
		p := newProvider(t, srv, ts, nil)
		if err := p.Verify(context.Background()); err != nil {
			t.Fatalf("Verify after a refresh = %v; want nil", err)
		}
		if ts.n != 2 {
			t.Errorf("token source called %d times; want 2", ts.n)
		}
	})
	t.Run("revoked", func(t *testing.T) {
		srv := startFake(t)
		ts := &seqSource{toks: []string{"stale", "still-bad"}}
		p := newProvider(t, srv, ts, nil)
		err := p.Verify(context.Background())
		if !errors.Is(err, provider.ErrAuth) || !provider.NeedsReconnect(err) {
			t.Fatalf("Verify = %v; want ErrAuth", err)
		}
		if got := srv.Stats().Requests; got != 2 {
			t.Errorf("requests = %d; want 2 (one refresh, no more)", got)
		}
	})
	t.Run("account mismatch", func(t *testing.T) {
		srv := fakegmail.New(fakegmail.Options{Email: "eve@inboxkit.test"})
		t.Cleanup(srv.Close)
		err := newProvider(t, srv, nil, nil).Verify(context.Background())
		if !errors.Is(err, provider.ErrAccountMismatch) {
			t.Fatalf("Verify as another account = %v; want ErrAccountMismatch", err)
		}
	})
}

type errSource struct{ err error }

func (s errSource) Token() (*oauth2.Token, error) { return nil, s.err }

func TestProvider_tokenSourceErrors(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"invalid_grant", &oauth2.RetrieveError{Response: &http.Response{StatusCode: 400}, ErrorCode: "invalid_grant"}, provider.ErrAuth},
		{"token endpoint 503", &oauth2.RetrieveError{Response: &http.Response{StatusCode: 503}}, provider.ErrTemporary},
		{"provider error kept", &provider.Error{Code: provider.ErrAuth}, provider.ErrAuth},
		{"network", errors.New("dial tcp: connection refused"), provider.ErrTemporary},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := startFake(t)
			p := newProvider(t, srv, errSource{tc.err}, nil)
			if err := p.Verify(context.Background()); !errors.Is(err, tc.want) {
				t.Errorf("Verify() = %v; want %v", err, tc.want)
			}
			if got := srv.Stats().Requests; got != 0 {
				t.Errorf("requests = %d; want 0 (no token, no request)", got)
			}
		})
	}
}

func TestNew_invalid(t *testing.T) {
	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "x"})
	tests := []struct {
		name  string
		ts    oauth2.TokenSource
		opts  *gmail.Options
		field string
	}{
		{"nil options", ts, nil, "Email"},
		{"bad email", ts, &gmail.Options{Email: "nope"}, "Email"},
		{"nil token source", nil, &gmail.Options{Email: account}, "TokenSource"},
		{"name injection", ts, &gmail.Options{Email: account, FromName: "A\r\nBcc: x@y.z"}, "FromName"},
	}
	for _, tc := range tests {
		_, err := gmail.New(context.Background(), tc.ts, tc.opts)
		var pe *provider.Error
		if !errors.Is(err, provider.ErrInvalid) || !errors.As(err, &pe) || pe.Field != tc.field {
			t.Errorf("%s: New error = %v; want ErrInvalid naming %s", tc.name, err, tc.field)
		}
	}
}

func TestProvider_sendOnly(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, &gmail.Options{SendOnly: true})
	srv.Fail("getProfile", 1, fakegmail.InsufficientPermissions())
	if err := p.Verify(context.Background()); err != nil {
		t.Errorf("send-only Verify with the profile refused = %v; want nil", err)
	}
	srv.Fail("getProfile", 1, fakegmail.Fault{Status: 401})
	srv.SetTokens("other")
	if err := p.Verify(context.Background()); !errors.Is(err, provider.ErrAuth) {
		t.Errorf("send-only Verify with a revoked token = %v; want ErrAuth", err)
	}
	before := srv.Stats().Requests
	if _, err := p.Fetch(context.Background(), "", nil); !errors.Is(err, provider.ErrPermission) {
		t.Errorf("send-only Fetch = %v; want ErrPermission", err)
	}
	if err := p.Watch(context.Background(), func() {}); !errors.Is(err, provider.ErrPermission) {
		t.Errorf("send-only Watch = %v; want ErrPermission", err)
	}
	if got := srv.Stats().Requests; got != before {
		t.Errorf("send-only Fetch/Watch made %d requests; want 0", got-before)
	}
}
