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

	"github.com/inboxkit/inboxkit/internal/oauthtoken"
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

// sendDenied reports Exchange's codes for a From the account may not use.
func sendDenied(code string) bool {
	switch code {
	case "ErrorSendAsDenied", "ErrorSendOnBehalfOfDenied", "SendAsDeniedException":
		return true
	}
	return false
}

// quotaExceeded reports Exchange's codes for a mailbox over its sending
// limits (10,000 recipients a day): a rate limit, not a missing permission.
func quotaExceeded(code string) bool {
	switch code {
	case "ErrorSubmissionQuotaExceeded", "ErrorQuotaExceeded", "ErrorExceededMessageLimit":
		return true
	}
	return false
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
	return oauthtoken.Classify(provider.KindGraph, op, err, func(err error) error {
		ae := apiErrorOf(err)
		if ae == nil {
			return nil
		}
		code := oauthtoken.StatusCode(ae.Status)
		switch {
		case ae.Status == http.StatusTooManyRequests, ae.Status == http.StatusServiceUnavailable && ae.RetryAfter != "", quotaExceeded(ae.Code):
			return oauthtoken.RateLimited(provider.KindGraph, op, ae.RetryAfter, now, ae)
		case ae.Status == http.StatusForbidden && sendDenied(ae.Code):
			code = provider.ErrNotAllowed
		case ae.Status == http.StatusGone: // an expired delta token
			code = provider.ErrNotFound
		}
		return &provider.Error{Op: op, Provider: provider.KindGraph, Code: code, Err: ae}
	}, tokenError)
}

// ambiguous reports whether a failed send may still have been delivered
// (see oauthtoken.Ambiguous).
func ambiguous(err error) bool {
	return oauthtoken.Ambiguous(err, func(err error) int {
		if ae := apiErrorOf(err); ae != nil {
			return ae.Status
		}
		return 0
	})
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
