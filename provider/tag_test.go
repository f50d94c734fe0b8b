package provider

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestTagFillsSharedErrorsOnly(t *testing.T) {
	shared := Invalid("To[0].Email", "no @")
	got := Tag(KindGraph, "send", shared)
	var pe *Error
	if !errors.As(got, &pe) || pe.Op != "send" || pe.Provider != KindGraph || pe.Field != "To[0].Email" || !errors.Is(got, ErrInvalid) {
		t.Fatalf("Tag = %#v", got)
	}
	if shared.Provider != "" {
		t.Error("Tag changed the original error")
	}
	own := &Error{Op: "fetch", Provider: KindGmail, Code: ErrAuth}
	if Tag(KindGraph, "send", own) != own {
		t.Error("Tag rewrote a provider's own error")
	}
	plain := errors.New("plain")
	if Tag(KindGraph, "send", plain) != plain {
		t.Error("Tag wrapped a plain error")
	}
}

func TestBackoffWaitUsesSleep(t *testing.T) {
	var got time.Duration
	b := Backoff{Sleep: func(ctx context.Context, d time.Duration) error { got = d; return nil }}
	if err := b.Wait(context.Background(), 3*time.Second); err != nil || got != 3*time.Second {
		t.Fatalf("Wait = %v, slept %v", err, got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := (Backoff{}).Wait(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait on a done context = %v", err)
	}
}
