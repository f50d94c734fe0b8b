package compose_test

import (
	"bytes"
	"testing"

	"github.com/inboxkit/inboxkit/internal/compose"
	"github.com/inboxkit/inboxkit/provider"
)

// KeepBcc writes the Bcc header, once, for an API that takes the envelope
// from the headers (Gmail's raw send); without it the header is never
// written and the addresses are only envelope recipients.
func TestBuild_bccHeaderOnceOnlyWhenKept(t *testing.T) {
	bcc := []provider.Address{{Email: "x@y.z"}, {Name: "Q", Email: "q@y.z"}}
	const header = "Bcc: <x@y.z>,\r\n \"Q\" <q@y.z>\r\n"
	tests := []struct {
		name    string
		keep    bool
		bcc     []provider.Address
		wantHdr int
	}{
		{"kept", true, bcc, 1},
		{"kept, none to keep", true, nil, 0},
		{"smtp", false, bcc, 0},
	}
	for _, tc := range tests {
		m := &provider.Message{To: []provider.Address{{Email: "d@e.f"}}, Bcc: tc.bcc, Subject: "s", Text: "t"}
		b, err := compose.Build(m, compose.Options{Account: "a@b.c", KeepBcc: tc.keep})
		if err != nil {
			t.Fatalf("%s: Build: %v", tc.name, err)
		}
		head, _, _ := bytes.Cut(b.Raw, []byte("\r\n\r\n"))
		head = append(head, "\r\n"...)
		if got := bytes.Count(head, []byte(header)); got != tc.wantHdr {
			t.Errorf("%s: %d Bcc headers %q; want %d in\n%s", tc.name, got, header, tc.wantHdr, head)
		}
		if tc.wantHdr == 0 && bytes.Contains(b.Raw, []byte("q@y.z")) {
			t.Errorf("%s: a Bcc address appears in the message", tc.name)
		}
		if got, want := len(b.Recipients), 1+len(tc.bcc); got != want {
			t.Errorf("%s: %d envelope recipients; want %d", tc.name, got, want)
		}
	}
}
