package graph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	abstractions "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/provider"
)

func odataError(status int, code, retryAfter string) error {
	e := odataerrors.NewODataError()
	main := odataerrors.NewMainError()
	main.SetCode(&code)
	msg := "message for " + code
	main.SetMessage(&msg)
	e.SetErrorEscaped(main)
	e.ResponseStatusCode = status
	if retryAfter != "" {
		e.ResponseHeaders.Add("Retry-After", retryAfter)
	}
	return e
}

func TestClassify(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		err   error
		want  error
		retry time.Duration // for ErrRateLimited
	}{
		{"401", odataError(401, "InvalidAuthenticationToken", ""), provider.ErrAuth, 0},
		{"403 access denied", odataError(403, "ErrorAccessDenied", ""), provider.ErrPermission, 0},
		{"403 send as denied", odataError(403, "ErrorSendAsDenied", ""), provider.ErrNotAllowed, 0},
		{"404", odataError(404, "ErrorItemNotFound", ""), provider.ErrNotFound, 0},
		{"410 expired delta", odataError(410, "SyncStateNotFound", ""), provider.ErrNotFound, 0},
		{"400", odataError(400, "ErrorInvalidRecipients", ""), provider.ErrInvalid, 0},
		{"429 with Retry-After", odataError(429, "ApplicationThrottled", "7"), provider.ErrRateLimited, 7 * time.Second},
		{"429 without Retry-After", odataError(429, "TooManyRequests", ""), provider.ErrRateLimited, 0},
		{"503 with Retry-After", odataError(503, "ServiceUnavailable", "3"), provider.ErrRateLimited, 3 * time.Second},
		{"503 without Retry-After", odataError(503, "ServiceUnavailable", ""), provider.ErrTemporary, 0},
		{"500", odataError(500, "InternalServerError", ""), provider.ErrTemporary, 0},
		{"bare ApiError", &abstractions.ApiError{ResponseStatusCode: 502, ResponseHeaders: abstractions.NewResponseHeaders()}, provider.ErrTemporary, 0},
		{"network", fmt.Errorf("dial tcp: connection refused"), provider.ErrTemporary, 0},
		{"token invalid_grant", &oauth2.RetrieveError{ErrorCode: "invalid_grant", Response: &http.Response{StatusCode: 400}}, provider.ErrAuth, 0},
		{"token AADSTS700082", &oauth2.RetrieveError{ErrorCode: "invalid_grant", ErrorDescription: "AADSTS700082: The refresh token has expired due to inactivity.", Response: &http.Response{StatusCode: 400}}, provider.ErrAuth, 0},
		{"token 503", &oauth2.RetrieveError{Response: &http.Response{StatusCode: 503}}, provider.ErrTemporary, 0},
		{"token temporarily_unavailable", &oauth2.RetrieveError{ErrorCode: "temporarily_unavailable", Response: &http.Response{StatusCode: 400}}, provider.ErrTemporary, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := classify("op", tc.err, now)
			if !errors.Is(err, tc.want) {
				t.Fatalf("classify(%v) = %v; want %v", tc.err, err, tc.want)
			}
			var pe *provider.Error
			if !errors.As(err, &pe) || pe.Provider != provider.KindGraph || pe.Op != "op" {
				t.Errorf("classify = %#v; want a graph *provider.Error for op", err)
			}
			if tc.want == provider.ErrRateLimited {
				d, ok := provider.RetryAfter(err)
				if ok != (tc.retry > 0) || d != tc.retry {
					t.Errorf("RetryAfter = %v, %v; want %v", d, ok, tc.retry)
				}
			}
			// The message must be printable even when the SDK's own
			// Error() would dereference a missing message.
			_ = err.Error()
		})
	}
}

func TestClassifyKeepsContextErrors(t *testing.T) {
	for _, e := range []error{context.Canceled, context.DeadlineExceeded, fmt.Errorf("wrapped: %w", context.Canceled)} {
		if got := classify("op", e, time.Now()); got != e {
			t.Errorf("classify(%v) = %v; want it unchanged", e, got)
		}
	}
}

func TestAPIErrorWithoutMessage(t *testing.T) {
	e := odataerrors.NewODataError() // no error body at all
	e.ResponseStatusCode = 500
	err := classify("op", e, time.Now())
	if !errors.Is(err, provider.ErrTemporary) || !strings.Contains(err.Error(), "HTTP 500") {
		t.Errorf("classify = %v", err)
	}
}
