package providerkit_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// recordingLimit is a SendLimit that refuses when full and records what
// Settle was told.
type recordingLimit struct {
	full     bool
	reserved int
	settled  []*provider.Sent
}

func (l *recordingLimit) Reserve(context.Context, *provider.Message) (providerkit.Ticket, error) {
	if l.full {
		return providerkit.Ticket{}, &provider.RateLimitError{RetryAfter: time.Minute}
	}
	l.reserved++
	return providerkit.Ticket{At: time.Unix(int64(l.reserved), 0)}, nil
}

func (l *recordingLimit) Settle(_ context.Context, _ providerkit.Ticket, sent *provider.Sent) {
	l.settled = append(l.settled, sent)
}

func newPath(closed *atomic.Bool, limit providerkit.SendLimit, delivered *int) *providerkit.SendPath {
	return &providerkit.SendPath{
		Kind: provider.KindSMTPIMAP, Account: "ada@example.com", Closed: closed,
		Dedupe: providerkit.Deduper{Log: provider.NewMemorySendLog()},
		CheckFrom: func(_ context.Context, from string) error {
			if from == "sales@example.com" {
				return nil
			}
			return providerkit.NotAllowedFrom(provider.KindSMTPIMAP, from+" is not an alias")
		},
		Limit: limit,
		Deliver: func(_ context.Context, m *provider.Message) (*provider.Sent, error) {
			*delivered++
			return &provider.Sent{MessageID: m.MessageID}, nil
		},
	}
}

func note() *provider.Message {
	return &provider.Message{To: []provider.Address{{Email: "bob@example.com"}}, Subject: "hi", Text: "hello"}
}

func TestSendPath_refusesBeforeDelivering(t *testing.T) {
	tests := []struct {
		name   string
		closed bool
		full   bool
		edit   func(m *provider.Message)
		code   error
		field  string
	}{
		{"closed", true, false, func(*provider.Message) {}, provider.ErrClosed, ""},
		{"invalid", false, false, func(m *provider.Message) { m.Subject = "a\r\nBcc: x@example.com" }, provider.ErrInvalid, "Subject"},
		{"nil message", false, false, nil, provider.ErrInvalid, "Message"},
		{"foreign from", false, false, func(m *provider.Message) { m.From.Email = "eve@example.com" }, provider.ErrNotAllowed, "From.Email"},
		{"over the limit", false, true, func(*provider.Message) {}, provider.ErrRateLimited, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var closed atomic.Bool
			closed.Store(tc.closed)
			limit := &recordingLimit{full: tc.full}
			delivered := 0
			path := newPath(&closed, limit, &delivered)
			var m *provider.Message
			if tc.edit != nil {
				m = note()
				tc.edit(m)
			}
			_, err := path.Send(context.Background(), m)
			var pe *provider.Error
			if !errors.Is(err, tc.code) || !errors.As(err, &pe) || pe.Field != tc.field || pe.Op != "send" || pe.Provider != provider.KindSMTPIMAP {
				t.Fatalf("Send = %#v; want a send *provider.Error matching %v naming %q", err, tc.code, tc.field)
			}
			if got, want := delivered, 0; got != want {
				t.Errorf("delivered %d; want %d", got, want)
			}
			if got, want := len(limit.settled), 0; got != want {
				t.Errorf("Settle called %d times for a refused send; want %d", got, want)
			}
		})
	}
}

func TestSendPath_settlesWithTheOutcome(t *testing.T) {
	var closed atomic.Bool
	limit := &recordingLimit{}
	delivered := 0
	path := newPath(&closed, limit, &delivered)
	for _, from := range []string{"", "ADA@example.com", "sales@example.com"} {
		m := note()
		m.From.Email = from
		m.IdempotencyKey = "step-1/bob"
		if _, err := path.Send(context.Background(), m); err != nil {
			t.Fatalf("Send from %q = %v", from, err)
		}
		if m.MessageID == "" {
			t.Errorf("Send from %q left MessageID empty", from)
		}
	}
	if got, want := delivered, 1; got != want {
		t.Errorf("delivered %d; want %d (one key)", got, want)
	}
	if got, want := len(limit.settled), 3; got != want {
		t.Fatalf("Settle called %d times; want %d", got, want)
	}
	if limit.settled[0] == nil || limit.settled[0].Duplicate || !limit.settled[1].Duplicate || !limit.settled[2].Duplicate {
		t.Errorf("Settle saw %+v, %+v, %+v; want a delivery, then two duplicates", limit.settled[0], limit.settled[1], limit.settled[2])
	}
}

func TestSendPath_nilCheckFromRefusesOtherAddresses(t *testing.T) {
	var closed atomic.Bool
	delivered := 0
	path := newPath(&closed, nil, &delivered)
	path.CheckFrom = nil
	m := note()
	m.From.Email = "sales@example.com"
	if _, err := path.Send(context.Background(), m); !errors.Is(err, provider.ErrNotAllowed) {
		t.Errorf("Send from another address without CheckFrom = %v; want ErrNotAllowed", err)
	}
}
