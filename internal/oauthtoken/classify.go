package oauthtoken

import (
	"context"
	"errors"
	"net/http"
	"time"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// Classify wraps a failed API call once in a *provider.Error, the way both
// OAuth providers do: a *provider.Error already in the chain keeps its
// code and field (retagged with op and kind unless it is err itself), a
// context error is returned as is, an error of the service's API is what
// api makes of it (api returns nil when err holds none), a token
// endpoint's failure is what token makes of it, and anything else (a
// network failure) is ErrTemporary.
func Classify(kind provider.Kind, op string, err error, api func(error) error, token func(op string, err error) error) error {
	if err == nil {
		return nil
	}
	var pe *provider.Error
	if errors.As(err, &pe) {
		if pe == err {
			return err // classified already (by a nested call)
		}
		return &provider.Error{Op: op, Provider: kind, Code: pe.Code, Field: pe.Field, Err: err}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if e := api(err); e != nil {
		return e
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return token(op, err)
	}
	return &provider.Error{Op: op, Provider: kind, Code: provider.ErrTemporary, Err: err}
}

// StatusCode is the sentinel for an API answer's HTTP status once the
// provider has settled its own cases (rate limits, vendor error codes):
// 401 ErrAuth, 403 ErrPermission, 404 ErrNotFound, other 4xx ErrInvalid,
// 5xx and anything else ErrTemporary.
func StatusCode(status int) error {
	switch {
	case status == http.StatusUnauthorized:
		return provider.ErrAuth
	case status == http.StatusForbidden:
		return provider.ErrPermission
	case status == http.StatusNotFound:
		return provider.ErrNotFound
	case status >= 500:
		return provider.ErrTemporary
	case status >= 400:
		return provider.ErrInvalid
	}
	return provider.ErrTemporary
}

// RateLimited is an ErrRateLimited *provider.Error carrying the wait the
// server asked for (a Retry-After value, read at now) as a
// *provider.RateLimitError.
func RateLimited(kind provider.Kind, op, retryAfter string, now time.Time, err error) error {
	return &provider.Error{Op: op, Provider: kind, Code: provider.ErrRateLimited,
		Err: &provider.RateLimitError{RetryAfter: providerkit.ParseRetryAfter(retryAfter, now), Err: err}}
}

// TokenRules classify a failure of an OAuth token endpoint.
type TokenRules struct {
	// Kind names the provider in errors.
	Kind provider.Kind
	// Transient reports a failure to retry whatever else it says (an
	// identity provider's retryable error code); nil means none.
	Transient func(*oauth2.RetrieveError) bool
	// Dead reports a grant that will never work again beyond the OAuth
	// error values Classify knows; nil means none.
	Dead func(*oauth2.RetrieveError) bool
}

// authError reports OAuth error values (RFC 6749 §5.2, OpenID Connect)
// that mean the grant or the client is refused for good: reconnect.
func authError(code string) bool {
	switch code {
	case "invalid_grant", "invalid_client", "unauthorized_client", "interaction_required", "consent_required":
		return true
	}
	return false
}

// Classify returns err as is when it is a context error, else a
// *provider.Error for op: Transient, temporarily_unavailable, a 5xx, a 429
// or a network failure is ErrTemporary; a refused grant or client (see
// authError), Dead, and any other 400 or 401 is ErrAuth.
func (r TokenRules) Classify(op string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	code := provider.ErrTemporary
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		switch {
		case r.Transient != nil && r.Transient(re):
		case re.ErrorCode == "temporarily_unavailable" || status >= 500 || status == http.StatusTooManyRequests:
		case authError(re.ErrorCode), r.Dead != nil && r.Dead(re):
			code = provider.ErrAuth
		case status == http.StatusBadRequest || status == http.StatusUnauthorized:
			code = provider.ErrAuth
		}
	}
	return &provider.Error{Op: op, Provider: r.Kind, Code: code, Err: err}
}
