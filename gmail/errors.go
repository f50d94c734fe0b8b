package gmail

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/internal/oauthtoken"
	"github.com/inboxkit/inboxkit/provider"
	"google.golang.org/api/googleapi"
)

var (
	errNilTokenSource = errors.New("gmail: nil oauth2.TokenSource")
	errBadName        = errors.New("gmail: display name contains CR, LF or NUL")
	errNoToken        = errors.New("gmail: no token to revoke")
)

func mismatchError(want, got string) error {
	return fmt.Errorf("gmail: signed in as %s, expected %s", got, want)
}

// reason returns the first errors[].reason of a Google API error.
func reason(g *googleapi.Error) string {
	for _, e := range g.Errors {
		if e.Reason != "" {
			return e.Reason
		}
	}
	return ""
}

func unauthorized(err error) bool {
	var g *googleapi.Error
	return errors.As(err, &g) && g.Code == http.StatusUnauthorized
}

// ambiguous reports whether a failed send may still have been delivered
// (see oauthtoken.Ambiguous).
func ambiguous(err error) bool {
	return oauthtoken.Ambiguous(err, func(err error) int {
		var g *googleapi.Error
		if errors.As(err, &g) {
			return g.Code
		}
		return 0
	})
}

// classify wraps a native error once in a *provider.Error with the
// sentinel that matches it:
//
//   - 401 → ErrAuth (after the one token refresh call makes)
//   - 403 rateLimitExceeded, userRateLimitExceeded, dailyLimitExceeded,
//     quotaExceeded, and 429 → ErrRateLimited, as a *provider.RateLimitError
//     with the Retry-After the server sent
//   - other 403 (insufficientPermissions, forbidden, …) → ErrPermission
//   - 404 → ErrNotFound; 400, 409, 413 → ErrInvalid
//   - 5xx, network failures → ErrTemporary
//   - a token endpoint's invalid_grant → ErrAuth, its other failures →
//     ErrTemporary
//
// A *provider.Error already in the chain (from this package's token
// source) keeps its code; a context error is returned as is.
func (p *Provider) classify(op string, err error) error { return classify(op, err, p.now()) }

func classify(op string, err error, now time.Time) error {
	return oauthtoken.Classify(provider.KindGmail, op, err, func(err error) error {
		var g *googleapi.Error
		if !errors.As(err, &g) {
			return nil
		}
		if g.Code == http.StatusTooManyRequests || (g.Code == http.StatusForbidden && rateLimitReason(reason(g))) {
			return oauthtoken.RateLimited(provider.KindGmail, op, g.Header.Get("Retry-After"), now, err)
		}
		return &provider.Error{Op: op, Provider: provider.KindGmail, Code: oauthtoken.StatusCode(g.Code), Err: err}
	}, tokenError)
}

func rateLimitReason(r string) bool {
	switch r {
	case "rateLimitExceeded", "userRateLimitExceeded", "dailyLimitExceeded", "quotaExceeded":
		return true
	}
	return strings.HasSuffix(r, "RateLimitExceeded")
}

// call runs fn under the shared retry policy. A 401 first drops the cached
// access token and tries once more with a fresh one; a second 401 is
// ErrAuth. Rate limits and transient failures are retried by
// providerkit.Retry.
func (p *Provider) call(ctx context.Context, op string, fn func(ctx context.Context) error) error {
	return p.tokens.Call(ctx, p.backoff, unauthorized, func(err error) error { return p.classify(op, err) }, fn)
}
