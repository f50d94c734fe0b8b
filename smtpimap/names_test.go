package smtpimap_test

import (
	"fmt"
	"testing"

	"github.com/inboxkit/inboxkit/smtpimap"
)

func TestEnumStrings(t *testing.T) {
	var zero smtpimap.Security
	tests := []struct {
		got  fmt.Stringer
		want string
	}{
		{zero, "auto"},
		{smtpimap.TLS, "tls"},
		{smtpimap.STARTTLS, "starttls"},
		{smtpimap.Security(9), "Security(9)"},
		{smtpimap.AuthAuto, "auto"},
		{smtpimap.AuthPlain, "plain"},
		{smtpimap.AuthLogin, "login"},
		{smtpimap.AuthXOAUTH2, "xoauth2"},
		{smtpimap.Auth(9), "Auth(9)"},
		{smtpimap.SaveSentAuto, "auto"},
		{smtpimap.SaveSentAlways, "always"},
		{smtpimap.SaveSentNever, "never"},
		{smtpimap.SaveSent(9), "SaveSent(9)"},
	}
	for _, tc := range tests {
		if got := tc.got.String(); got != tc.want {
			t.Errorf("%#v.String() = %q; want %q", tc.got, got, tc.want)
		}
	}
}

// ParseSecurity reads what Security.String writes; "auto" and "" are the
// zero value, which infers the mode from the port.
func TestParseSecurity_roundTrip(t *testing.T) {
	for _, s := range []smtpimap.Security{0, smtpimap.TLS, smtpimap.STARTTLS} {
		got, err := smtpimap.ParseSecurity(s.String())
		if err != nil || got != s {
			t.Errorf("ParseSecurity(%q) = %v, %v; want %v", s.String(), got, err, s)
		}
	}
	if got, err := smtpimap.ParseSecurity(""); err != nil || got != 0 {
		t.Errorf(`ParseSecurity("") = %v, %v; want the zero value`, got, err)
	}
	if _, err := smtpimap.ParseSecurity("none"); err == nil {
		t.Error(`ParseSecurity("none") = nil error; plaintext must be refused`)
	}
}
