package provider_test

import (
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/provider"
)

func TestError_IsAndAs(t *testing.T) {
	native := io.ErrUnexpectedEOF
	err := fmt.Errorf("outer: %w", &provider.Error{Op: "send", Provider: provider.KindSMTPIMAP, Code: provider.ErrAuth, Err: native})
	if !errors.Is(err, provider.ErrAuth) {
		t.Error("errors.Is(err, ErrAuth) = false; want true")
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Error("errors.Is(err, native) = false; want true: the native cause must stay reachable")
	}
	if errors.Is(err, provider.ErrTemporary) {
		t.Error("errors.Is(err, ErrTemporary) = true; want false")
	}
	var pe *provider.Error
	if !errors.As(err, &pe) || pe.Op != "send" {
		t.Errorf("errors.As = %v, %+v; want the *Error", errors.As(err, &pe), pe)
	}
	if got, want := pe.Error(), "smtpimap: send: authentication failed: unexpected EOF"; got != want {
		t.Errorf("Error() = %q; want %q", got, want)
	}
	if !provider.NeedsReconnect(err) {
		t.Error("NeedsReconnect(ErrAuth) = false")
	}
}

func TestErrClosed_isInvalid(t *testing.T) {
	if !errors.Is(provider.ErrClosed, provider.ErrInvalid) {
		t.Error("ErrClosed does not match ErrInvalid")
	}
}

func TestRateLimitError(t *testing.T) {
	err := fmt.Errorf("graph: %w", &provider.RateLimitError{RetryAfter: 3 * time.Second, Err: errors.New("429")})
	if !errors.Is(err, provider.ErrRateLimited) || !provider.IsTemporary(err) {
		t.Errorf("RateLimitError: Is(ErrRateLimited)=%v IsTemporary=%v; want both true", errors.Is(err, provider.ErrRateLimited), provider.IsTemporary(err))
	}
	if d, ok := provider.RetryAfter(err); !ok || d != 3*time.Second {
		t.Errorf("RetryAfter = %v, %v; want 3s, true", d, ok)
	}
	if _, ok := provider.RetryAfter(provider.ErrTemporary); ok {
		t.Error("RetryAfter(ErrTemporary) reported a wait")
	}
}

func TestStatus(t *testing.T) {
	now := time.Unix(1700000000, 0)
	if st := provider.AccountStateOf(nil, now); st.Status != provider.StatusActive || st.Status.String() != "active" {
		t.Errorf("AccountStateOf(nil) = %+v; want active", st)
	}
	if st := provider.AccountStateOf(provider.ErrAuth, now); st.Status != provider.StatusError || st.Err == nil {
		t.Errorf("AccountStateOf(ErrAuth) = %+v; want error with cause", st)
	}
	if provider.StatusPending.String() != "pending" {
		t.Errorf("StatusPending = %q", provider.StatusPending.String())
	}
}
