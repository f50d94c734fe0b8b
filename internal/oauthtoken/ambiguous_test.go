package oauthtoken_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/internal/oauthtoken"
	"github.com/inboxkit/inboxkit/provider"
)

// statusError is an API error carrying an HTTP status.
type statusError int

func (s statusError) Error() string { return fmt.Sprintf("HTTP %d", int(s)) }

func statusOf(err error) int {
	var s statusError
	if errors.As(err, &s) {
		return int(s)
	}
	return 0
}

func TestAmbiguous(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"server error", statusError(503), true},
		{"wrapped server error", fmt.Errorf("send: %w", statusError(500)), true},
		{"client error", statusError(400), false},
		{"rate limited", statusError(429), false},
		{"no answer", errors.New("read: connection reset by peer"), true},
		{"deadline", context.DeadlineExceeded, true},
		{"cancelled", context.Canceled, false},
		{"token source", &provider.Error{Code: provider.ErrAuth}, false},
		{"token endpoint", &oauth2.RetrieveError{ErrorCode: "invalid_grant"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := oauthtoken.Ambiguous(tc.err, statusOf); got != tc.want {
				t.Errorf("Ambiguous(%v) = %v; want %v", tc.err, got, tc.want)
			}
		})
	}
}
