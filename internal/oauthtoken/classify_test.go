package oauthtoken_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/internal/oauthtoken"
	"github.com/inboxkit/inboxkit/provider"
)

func retrieveErr(status int, code string) *oauth2.RetrieveError {
	return &oauth2.RetrieveError{Response: &http.Response{StatusCode: status}, ErrorCode: code}
}

func TestTokenRules_Classify(t *testing.T) {
	rules := oauthtoken.TokenRules{
		Kind:      "test",
		Transient: func(re *oauth2.RetrieveError) bool { return re.ErrorDescription == "retry" },
		Dead:      func(re *oauth2.RetrieveError) bool { return re.ErrorDescription == "dead" },
	}
	transient := retrieveErr(400, "invalid_grant")
	transient.ErrorDescription = "retry"
	dead := retrieveErr(403, "access_denied")
	dead.ErrorDescription = "dead"
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"invalid_grant", retrieveErr(400, "invalid_grant"), provider.ErrAuth},
		{"interaction_required", retrieveErr(400, "interaction_required"), provider.ErrAuth},
		{"other 401", retrieveErr(401, ""), provider.ErrAuth},
		{"transient wins", transient, provider.ErrTemporary},
		{"dead", dead, provider.ErrAuth},
		{"5xx", retrieveErr(503, "invalid_grant"), provider.ErrTemporary},
		{"429", retrieveErr(429, ""), provider.ErrTemporary},
		{"temporarily_unavailable", retrieveErr(400, "temporarily_unavailable"), provider.ErrTemporary},
		{"other 403", retrieveErr(403, "access_denied"), provider.ErrTemporary},
		{"network", errors.New("dial tcp: refused"), provider.ErrTemporary},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := rules.Classify("token", tc.err)
			var pe *provider.Error
			if !errors.Is(err, tc.want) || !errors.As(err, &pe) || pe.Op != "token" || pe.Provider != "test" {
				t.Errorf("Classify(%v) = %v; want a *provider.Error matching %v", tc.err, err, tc.want)
			}
		})
	}
	if err := rules.Classify("token", context.Canceled); err != context.Canceled {
		t.Errorf("Classify(context.Canceled) = %v; want it as is", err)
	}
}

func TestClassify(t *testing.T) {
	api := func(err error) error {
		var s statusError
		if !errors.As(err, &s) {
			return nil
		}
		if s == 429 {
			return oauthtoken.RateLimited("test", "op", "7", time.Now(), err)
		}
		return &provider.Error{Op: "op", Provider: "test", Code: oauthtoken.StatusCode(int(s)), Err: err}
	}
	token := func(op string, err error) error { return &provider.Error{Op: op, Code: provider.ErrAuth, Err: err} }
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"401", statusError(401), provider.ErrAuth},
		{"403", statusError(403), provider.ErrPermission},
		{"404", statusError(404), provider.ErrNotFound},
		{"409", statusError(409), provider.ErrInvalid},
		{"500", statusError(500), provider.ErrTemporary},
		{"429", statusError(429), provider.ErrRateLimited},
		{"token endpoint", retrieveErr(400, "invalid_grant"), provider.ErrAuth},
		{"classified inside", &provider.Error{Code: provider.ErrNotAllowed, Field: "From"}, provider.ErrNotAllowed},
		{"network", errors.New("EOF"), provider.ErrTemporary},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := oauthtoken.Classify("test", "op", tc.err, api, token); !errors.Is(err, tc.want) {
				t.Errorf("Classify(%v) = %v; want %v", tc.err, err, tc.want)
			}
		})
	}
	if d, ok := provider.RetryAfter(oauthtoken.Classify("test", "op", statusError(429), api, token)); !ok || d != 7*time.Second {
		t.Errorf("429 with Retry-After 7 waits %v, %v; want 7s", d, ok)
	}
	if err := oauthtoken.Classify("test", "op", context.DeadlineExceeded, api, token); err != context.DeadlineExceeded {
		t.Errorf("Classify(deadline) = %v; want it as is", err)
	}
}
