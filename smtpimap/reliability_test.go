package smtpimap_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/provider"
)

// #12 item 8: under XOAUTH2 the host's token source may fail because the
// token endpoint is down or slow: that is ErrTemporary (retry later), and
// only a refused grant is ErrAuth (reconnect).
func TestItem8_tokenEndpointFailureIsTemporary(t *testing.T) {
	srv := testServer(t, nil)
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		want    error
	}{
		{"503", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "backend unavailable", http.StatusServiceUnavailable)
		}, provider.ErrTemporary},
		{"429", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "slow down", http.StatusTooManyRequests)
		}, provider.ErrTemporary},
		{"timeout", nil, provider.ErrTemporary}, // the endpoint never answers
		{"invalid_grant", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"invalid_grant","error_description":"Token has been expired or revoked."}`))
		}, provider.ErrAuth},
	} {
		t.Run(tc.name, func(t *testing.T) {
			handler := tc.handler
			release := make(chan struct{})
			if handler == nil {
				handler = func(w http.ResponseWriter, r *http.Request) {
					select {
					case <-r.Context().Done():
					case <-release:
					}
				}
			}
			endpoint := httptest.NewServer(handler)
			t.Cleanup(endpoint.Close)
			t.Cleanup(func() { close(release) }) // runs first: lets Close finish
			oc := &oauth2.Config{ClientID: "id", Endpoint: oauth2.Endpoint{TokenURL: endpoint.URL}}
			hc := &http.Client{Timeout: 200 * time.Millisecond}
			tokCtx := context.WithValue(context.Background(), oauth2.HTTPClient, hc)
			cfg := configFor(srv)
			cfg.Password = ""
			cfg.TokenSource = oc.TokenSource(tokCtx, &oauth2.Token{RefreshToken: "1//refresh", Expiry: time.Now().Add(-time.Hour)})
			err := newProvider(t, cfg).Verify(ctxT(t))
			if !errors.Is(err, tc.want) {
				t.Fatalf("Verify = %v; want %v", err, tc.want)
			}
			if tc.want == provider.ErrTemporary && (errors.Is(err, provider.ErrAuth) || provider.NeedsReconnect(err) || !provider.IsTemporary(err)) {
				t.Errorf("Verify = %v; a token endpoint outage must not ask the user to reconnect", err)
			}
		})
	}
}

// #12 item 8: a cancelled or expired context comes back as an error that
// matches the context's error and is not temporary, from every method.
func TestItem8_smtpimapContextErrors(t *testing.T) {
	srv := testServer(t, nil)
	p := newProvider(t, configFor(srv))
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
				_, err := p.Send(ctx, hello("bob@inboxkit.test"))
				return err
			},
			"Fetch": func(ctx context.Context) error {
				_, err := p.Fetch(ctx, "", emptyIndex{})
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
	if n := len(srv.Outbox()); n != 0 {
		t.Errorf("%d messages went out on a dead context", n)
	}
}
