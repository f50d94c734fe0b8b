package graph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	abstractions "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// APIError is a failed Graph response: the HTTP status and Graph's error
// code and message ({"error":{"code","message"}}), with the request-id to
// quote to Microsoft support. It is the native cause inside the
// *provider.Error a Provider returns.
type APIError struct {
	Status    int
	Code      string
	Message   string
	RequestID string
	// RetryAfter is the Retry-After header as sent, "" when absent.
	RetryAfter string
}

func (e *APIError) Error() string {
	s := "graph: HTTP " + strconv.Itoa(e.Status)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.RequestID != "" {
		s += " (request-id " + e.RequestID + ")"
	}
	return s
}

// apiErrorOf converts the SDK's error (an *odataerrors.ODataError, or a
// bare abstractions.ApiError for bodies that are not Graph's JSON) into an
// *APIError, or returns nil when err is not an HTTP failure. The SDK's
// ODataError.Error dereferences a message that may be absent, so it is
// never kept in the chain.
func apiErrorOf(err error) *APIError {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae
	}
	var odata *odataerrors.ODataError
	if errors.As(err, &odata) {
		out := &APIError{Status: odata.ResponseStatusCode}
		if main := odata.GetErrorEscaped(); main != nil {
			out.Code = deref(main.GetCode())
			out.Message = deref(main.GetMessage())
			if inner := main.GetInnerError(); inner != nil {
				out.RequestID = deref(inner.GetRequestId())
			}
		}
		fillHeaders(out, odata.ResponseHeaders)
		return out
	}
	var bare *abstractions.ApiError
	if errors.As(err, &bare) {
		out := &APIError{Status: bare.ResponseStatusCode, Message: bare.Message}
		fillHeaders(out, bare.ResponseHeaders)
		return out
	}
	return nil
}

func fillHeaders(e *APIError, h *abstractions.ResponseHeaders) {
	if h == nil {
		return
	}
	if v := h.Get("Retry-After"); len(v) > 0 {
		e.RetryAfter = v[0]
	}
	if e.RequestID == "" {
		if v := h.Get("request-id"); len(v) > 0 {
			e.RequestID = v[0]
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// statusOf returns the HTTP status of a Graph failure, 0 for others.
func statusOf(err error) int {
	if ae := apiErrorOf(err); ae != nil {
		return ae.Status
	}
	return 0
}

// sendDenied are Exchange's codes for a From the account may not use.
var sendDenied = map[string]bool{
	"ErrorSendAsDenied":         true,
	"ErrorSendOnBehalfOfDenied": true,
	"SendAsDeniedException":     true,
}

// quotaExceeded are Exchange's codes for a mailbox over its sending
// limits (10,000 recipients a day): a rate limit, not a missing permission.
var quotaExceeded = map[string]bool{
	"ErrorSubmissionQuotaExceeded": true,
	"ErrorQuotaExceeded":           true,
	"ErrorExceededMessageLimit":    true,
}

// classify wraps a failure once in a *provider.Error with the sentinel
// that matches it:
//
//   - 401 → ErrAuth (after the one token refresh call makes)
//   - 429, and 503 with Retry-After → ErrRateLimited as a
//     *provider.RateLimitError carrying Retry-After
//   - ErrorSubmissionQuotaExceeded (Exchange's daily recipient limit) →
//     ErrRateLimited
//   - 403 ErrorSendAsDenied → ErrNotAllowed; other 403 → ErrPermission
//   - 404, and 410 (an expired delta token) → ErrNotFound; other 4xx →
//     ErrInvalid
//   - 5xx and network failures → ErrTemporary
//   - token endpoint failures → see tokenError
//
// A *provider.Error already in the chain keeps its code; a context error
// is returned as is.
func (p *Provider) classify(op string, err error) error { return classify(op, err, p.now()) }

func classify(op string, err error, now time.Time) error {
	if err == nil {
		return nil
	}
	var pe *provider.Error
	if errors.As(err, &pe) {
		if pe == err {
			return err
		}
		return &provider.Error{Op: op, Provider: provider.KindGraph, Code: pe.Code, Field: pe.Field, Err: err}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if ae := apiErrorOf(err); ae != nil {
		wrap := func(code error) error {
			return &provider.Error{Op: op, Provider: provider.KindGraph, Code: code, Err: ae}
		}
		limited := func() error {
			return &provider.Error{Op: op, Provider: provider.KindGraph, Code: provider.ErrRateLimited,
				Err: &provider.RateLimitError{RetryAfter: providerkit.ParseRetryAfter(ae.RetryAfter, now), Err: ae}}
		}
		switch {
		case ae.Status == http.StatusUnauthorized:
			return wrap(provider.ErrAuth)
		case ae.Status == http.StatusTooManyRequests:
			return limited()
		case ae.Status == http.StatusServiceUnavailable && ae.RetryAfter != "":
			return limited()
		case quotaExceeded[ae.Code]:
			return limited()
		case ae.Status == http.StatusForbidden && sendDenied[ae.Code]:
			return wrap(provider.ErrNotAllowed)
		case ae.Status == http.StatusForbidden:
			return wrap(provider.ErrPermission)
		case ae.Status == http.StatusNotFound || ae.Status == http.StatusGone:
			return wrap(provider.ErrNotFound)
		case ae.Status >= 500:
			return wrap(provider.ErrTemporary)
		case ae.Status >= 400:
			return wrap(provider.ErrInvalid)
		}
		return wrap(provider.ErrTemporary)
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return tokenError(op, err)
	}
	return &provider.Error{Op: op, Provider: provider.KindGraph, Code: provider.ErrTemporary, Err: err}
}

// ambiguous reports whether a failed send may still have been delivered:
// the server failed (5xx) or the request got no answer at all.
func ambiguous(err error) bool {
	if ae := apiErrorOf(err); ae != nil {
		return ae.Status >= 500
	}
	var pe *provider.Error
	if errors.As(err, &pe) {
		return false // a token-source failure: nothing was sent
	}
	var re *oauth2.RetrieveError
	return !errors.As(err, &re) && !errors.Is(err, context.Canceled)
}

// call runs fn under the shared retry policy. A 401 first drops the cached
// access token and tries once more with a fresh one; a second 401 is
// ErrAuth. Throttling and transient failures are retried by providerkit.Retry
// with the Retry-After Graph sent.
func (p *Provider) call(ctx context.Context, op string, fn func(ctx context.Context) error) error {
	return p.tokens.Call(ctx, p.backoff,
		func(err error) bool { return statusOf(err) == http.StatusUnauthorized },
		func(err error) error { return p.classify(op, err) },
		fn)
}

// tag fills Op and Provider of a *provider.Error from shared code.
func (p *Provider) tag(op string, err error) error {
	return providerkit.Tag(provider.KindGraph, op, err)
}

func itoa(i int) string { return strconv.Itoa(i) }

func mismatchError(want, got string) error {
	return fmt.Errorf("graph: signed in as %s, expected %s", got, want)
}
