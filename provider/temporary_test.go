package provider_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/inboxkit/inboxkit/provider"
)

// #12 item 8: a cancelled or timed-out call is not worth retrying, however
// a provider wrapped it, and neither is a send whose outcome is unknown.
func TestItem8_IsTemporaryFalseForContextAndOutcomeUnknown(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"temporary", &provider.Error{Code: provider.ErrTemporary}, true},
		{"rate limited", &provider.RateLimitError{}, true},
		{"canceled, wrapped as temporary", &provider.Error{Code: provider.ErrTemporary, Err: context.Canceled}, false},
		{"deadline, wrapped as temporary", &provider.Error{Code: provider.ErrTemporary, Err: fmt.Errorf("dial: %w", context.DeadlineExceeded)}, false},
		{"canceled, bare", context.Canceled, false},
		{"joined with a temporary failure", errors.Join(&provider.Error{Code: provider.ErrTemporary}, context.Canceled), false},
		{"outcome unknown", &provider.Error{Code: provider.ErrOutcomeUnknown, Err: &provider.Error{Code: provider.ErrTemporary}}, false},
		{"auth", &provider.Error{Code: provider.ErrAuth}, false},
		{"nil", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := provider.IsTemporary(tc.err); got != tc.want {
				t.Errorf("IsTemporary(%v) = %v; want %v", tc.err, got, tc.want)
			}
			var pe *provider.Error
			if errors.As(tc.err, &pe) && pe == tc.err {
				if got := pe.Temporary(); got != tc.want {
					t.Errorf("(*Error).Temporary() = %v; want %v", got, tc.want)
				}
			}
		})
	}
}
