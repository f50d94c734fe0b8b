package providerkit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

func TestInvalid_namesField(t *testing.T) {
	err := providerkit.Invalid("To[1].Email", "no domain")
	if !errors.Is(err, provider.ErrInvalid) || err.Field != "To[1].Email" {
		t.Errorf("Invalid = %v (field %q); want provider.ErrInvalid naming To[1].Email", err, err.Field)
	}
}

func TestTagFillsSharedErrorsOnly(t *testing.T) {
	shared := providerkit.Invalid("To[0].Email", "no @")
	got := providerkit.Tag(provider.KindGraph, "send", shared)
	var pe *provider.Error
	if !errors.As(got, &pe) || pe.Op != "send" || pe.Provider != provider.KindGraph || pe.Field != "To[0].Email" || !errors.Is(got, provider.ErrInvalid) {
		t.Fatalf("Tag = %#v", got)
	}
	if shared.Provider != "" {
		t.Error("Tag changed the original error")
	}
	own := &provider.Error{Op: "fetch", Provider: provider.KindGmail, Code: provider.ErrAuth}
	if providerkit.Tag(provider.KindGraph, "send", own) != own {
		t.Error("Tag rewrote a provider's own error")
	}
	plain := errors.New("plain")
	if providerkit.Tag(provider.KindGraph, "send", plain) != plain {
		t.Error("Tag wrapped a plain error")
	}
}

func TestBackoffWaitUsesSleep(t *testing.T) {
	var got time.Duration
	b := providerkit.Backoff{Sleep: func(ctx context.Context, d time.Duration) error { got = d; return nil }}
	if err := b.Wait(context.Background(), 3*time.Second); err != nil || got != 3*time.Second {
		t.Fatalf("Wait = %v, slept %v", err, got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := (providerkit.Backoff{}).Wait(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait on a done context = %v", err)
	}
}
