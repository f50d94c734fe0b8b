package smtpimap

import (
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"testing"

	"github.com/inboxkit/inboxkit/provider"
)

// sessionIntact decides whether the kept SMTP connection survives a failed
// send: it does after a refusal the server answered, not after a lost
// connection or a 421.
func TestSessionIntact(t *testing.T) {
	reply := func(code int, msg string) error { return &textproto.Error{Code: code, Msg: msg} }
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"unknown recipient", wrap("send", reply(550, "5.1.1 <x@y>: Recipient address rejected")), true},
		{"refused sender", rateLimited("send", reply(553, "5.7.1 Sender address rejected")), true},
		{"greylisted", wrap("send", reply(450, "4.2.0 greylisted")), true},
		{"message too big", wrap("send", reply(552, "5.3.4 Message size exceeds limit")), true},
		{"service closing", wrap("send", reply(421, "4.3.2 Shutting down")), false},
		{"eof", wrap("send", io.EOF), false},
		{"stale", fmt.Errorf("%w: %w", errStale, reply(550, "x")), false},
		{"ambiguous", &provider.Error{Op: "send", Code: provider.ErrTemporary, Err: fmt.Errorf("%w: %w", errAmbiguous, io.ErrUnexpectedEOF)}, false},
		{"plain", errors.New("something"), false},
	}
	for _, tc := range tests {
		if got := sessionIntact(tc.err); got != tc.want {
			t.Errorf("%s: sessionIntact(%v) = %v; want %v", tc.name, tc.err, got, tc.want)
		}
	}
}

func TestNameRecipient(t *testing.T) {
	m := &provider.Message{
		To:  []provider.Address{{Email: "a@x.test"}, {Email: "b@x.test"}},
		Cc:  []provider.Address{{Email: "c@x.test"}},
		Bcc: []provider.Address{{Email: "d@x.test"}, {Email: "e@x.test"}},
	}
	tests := []struct{ in, want string }{
		{"Recipients[0]", "To[0].Email"},
		{"Recipients[1]", "To[1].Email"},
		{"Recipients[2]", "Cc[0].Email"},
		{"Recipients[4]", "Bcc[1].Email"},
		{"Recipients[5]", "Recipients[5]"}, // out of range: left alone
		{"Recipients[x]", "Recipients[x]"},
		{"Subject", "Subject"},
	}
	for _, tc := range tests {
		err := fmt.Errorf("context: %w", &provider.Error{Op: "send", Code: provider.ErrInvalid, Field: tc.in})
		nameRecipient(err, m)
		var pe *provider.Error
		if !errors.As(err, &pe) || pe.Field != tc.want {
			t.Errorf("nameRecipient(%s) = %s; want %s", tc.in, pe.Field, tc.want)
		}
	}
	nameRecipient(errors.New("not a provider error"), m) // must not panic
}
