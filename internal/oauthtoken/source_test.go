package oauthtoken_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/internal/oauthtoken"
	"github.com/inboxkit/inboxkit/provider"
)

// endpoint is a token endpoint that rotates the refresh token (rt-N) on
// every refresh, or fails with status when it is set.
type endpoint struct {
	*httptest.Server
	status    atomic.Int32
	delay     atomic.Int64 // nanoseconds
	refreshes atomic.Int32
}

func newEndpoint(t *testing.T) *endpoint {
	e := &endpoint{}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := e.refreshes.Add(1)
		time.Sleep(time.Duration(e.delay.Load()))
		w.Header().Set("Content-Type", "application/json")
		if s := e.status.Load(); s != 0 {
			w.WriteHeader(int(s))
			_, _ = w.Write([]byte(`{"error":"invalid_grant"}`))
			return
		}
		_ = r.ParseForm()
		fmt.Fprintf(w, `{"access_token":"at-%d","refresh_token":"rt-%d","expires_in":3600,"token_type":"Bearer","old":%q}`,
			n+1, n+1, r.PostForm.Get("refresh_token"))
	}))
	t.Cleanup(e.Close)
	return e
}

func (e *endpoint) config() *oauth2.Config {
	return &oauth2.Config{ClientID: "id", Endpoint: oauth2.Endpoint{TokenURL: e.URL, AuthStyle: oauth2.AuthStyleInParams}}
}

// classifier records its calls and wraps errors as ErrAuth.
type classifier struct {
	mu  sync.Mutex
	ops []string
}

func (c *classifier) classify(op string, err error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ops = append(c.ops, op)
	return &provider.Error{Op: op, Provider: "test", Code: provider.ErrAuth, Err: err}
}

func expired() *oauth2.Token {
	return &oauth2.Token{AccessToken: "at-1", RefreshToken: "rt-1", Expiry: time.Now().Add(-time.Second)}
}

func TestSource_refreshSaveAndClassify(t *testing.T) {
	e := newEndpoint(t)
	var c classifier
	var saved []string
	s := oauthtoken.NewSource(e.config(), expired(), "test", c.classify, &oauthtoken.Options{
		Save: func(ctx context.Context, tok *oauth2.Token) error {
			if _, ok := ctx.Deadline(); !ok {
				t.Error("Save got a context without a deadline")
			}
			saved = append(saved, tok.RefreshToken)
			return nil
		},
	})
	tok, err := s.Token()
	if err != nil || tok.AccessToken != "at-2" || tok.Extra("old") != "rt-1" {
		t.Fatalf("Token = %v, %v; want at-2 refreshed with rt-1", tok, err)
	}
	if tok2, _ := s.Token(); tok2 != tok || s.Refreshes() != 1 || len(saved) != 1 {
		t.Errorf("second Token refreshed or saved again (%d refreshes, saved %v)", s.Refreshes(), saved)
	}
	e.status.Store(400)
	s.Invalidate(tok)
	if _, err := s.Token(); !errors.Is(err, provider.ErrAuth) || len(c.ops) != 1 || c.ops[0] != "token" {
		t.Errorf("failed refresh = %v (classifier calls %v); want the classifier's error for op token", err, c.ops)
	}
}

func TestSource_saveFailureRetriedWithoutRefresh(t *testing.T) {
	e := newEndpoint(t)
	fail := true
	var saved []string
	s := oauthtoken.NewSource(e.config(), expired(), "test", (&classifier{}).classify, &oauthtoken.Options{
		Save: func(ctx context.Context, tok *oauth2.Token) error {
			if fail {
				return errors.New("store down")
			}
			saved = append(saved, tok.RefreshToken)
			return nil
		},
	})
	_, err := s.Token()
	var pe *provider.Error
	if !errors.Is(err, provider.ErrTemporary) || !errors.As(err, &pe) || pe.Provider != "test" || !strings.Contains(err.Error(), "store down") {
		t.Fatalf("Token with Save failing = %v; want a test ErrTemporary naming the cause", err)
	}
	fail = false
	tok, err := s.Token()
	if err != nil || tok.RefreshToken != "rt-2" || s.Refreshes() != 1 || e.refreshes.Load() != 1 || len(saved) != 1 {
		t.Errorf("Token after Save recovered = %v, %v (%d refreshes, saved %v); want rt-2 saved, no second refresh", tok, err, e.refreshes.Load(), saved)
	}
}

func TestSource_timeoutIsTemporary(t *testing.T) {
	e := newEndpoint(t)
	e.delay.Store(int64(time.Second))
	var c classifier
	s := oauthtoken.NewSource(e.config(), expired(), "test", c.classify, &oauthtoken.Options{Timeout: 20 * time.Millisecond})
	if _, err := s.Token(); !errors.Is(err, provider.ErrTemporary) || len(c.ops) != 0 {
		t.Errorf("Token past the timeout = %v (classifier calls %v); want ErrTemporary, not the classifier's verdict", err, c.ops)
	}
}

func TestSource_noRefreshToken(t *testing.T) {
	s := oauthtoken.NewSource(&oauth2.Config{}, &oauth2.Token{AccessToken: "x", Expiry: time.Now().Add(-time.Second)}, "test", (&classifier{}).classify, &oauthtoken.Options{})
	var pe *provider.Error
	if _, err := s.Token(); !errors.Is(err, provider.ErrAuth) || !errors.As(err, &pe) || pe.Provider != "test" {
		t.Errorf("Token without a refresh token = %v; want a test ErrAuth", err)
	}
	if _, err := oauthtoken.NewSource(&oauth2.Config{}, nil, "test", (&classifier{}).classify, &oauthtoken.Options{}).Token(); !errors.Is(err, provider.ErrAuth) {
		t.Errorf("Token without any token = %v; want ErrAuth", err)
	}
}

func TestSource_concurrentRefreshOnce(t *testing.T) {
	e := newEndpoint(t)
	e.delay.Store(int64(20 * time.Millisecond))
	s := oauthtoken.NewSource(e.config(), expired(), "test", (&classifier{}).classify, &oauthtoken.Options{})
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if tok, err := s.Token(); err != nil || tok.AccessToken != "at-2" {
				t.Errorf("Token = %v, %v", tok, err)
			}
		})
	}
	wg.Wait()
	if e.refreshes.Load() != 1 {
		t.Errorf("refreshes = %d; want 1", e.refreshes.Load())
	}
}
