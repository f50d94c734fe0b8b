package gmail

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
	"golang.org/x/oauth2"
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

// ambiguous reports whether a failed send may still have been delivered:
// the server failed (5xx) or the request never got an answer.
func ambiguous(err error) bool {
	var g *googleapi.Error
	if errors.As(err, &g) {
		return g.Code >= 500
	}
	var pe *provider.Error
	if errors.As(err, &pe) {
		return false // a token-source failure: nothing was sent
	}
	var re *oauth2.RetrieveError
	return !errors.As(err, &re) && !errors.Is(err, context.Canceled)
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
	if err == nil {
		return nil
	}
	wrap := func(code error) error {
		return &provider.Error{Op: op, Provider: provider.KindGmail, Code: code, Err: err}
	}
	var pe *provider.Error
	if errors.As(err, &pe) {
		if pe == err {
			return err // classified already (by a nested call)
		}
		return wrap(pe.Code)
	}
	var g *googleapi.Error
	if errors.As(err, &g) {
		r := reason(g)
		switch {
		case g.Code == http.StatusUnauthorized:
			return wrap(provider.ErrAuth)
		case g.Code == http.StatusTooManyRequests || (g.Code == http.StatusForbidden && rateLimitReason(r)):
			return &provider.Error{Op: op, Provider: provider.KindGmail, Code: provider.ErrRateLimited,
				Err: &provider.RateLimitError{RetryAfter: providerkit.ParseRetryAfter(g.Header.Get("Retry-After"), now), Err: err}}
		case g.Code == http.StatusForbidden:
			return wrap(provider.ErrPermission)
		case g.Code == http.StatusNotFound:
			return wrap(provider.ErrNotFound)
		case g.Code >= 500:
			return wrap(provider.ErrTemporary)
		case g.Code >= 400:
			return wrap(provider.ErrInvalid)
		}
		return wrap(provider.ErrTemporary)
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return tokenError(op, err)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return wrap(provider.ErrTemporary)
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
