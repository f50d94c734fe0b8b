package oidcjwt_test

import (
	"testing"

	"github.com/inboxkit/inboxkit/internal/oidcjwt"
)

// FuzzParse: Parse never panics, and what it accepts has three parts whose
// signing input is a prefix of the token.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"eyJhbGciOiJSUzI1NiIsImtpZCI6ImEifQ.eyJpc3MiOiJhY2NvdW50cy5nb29nbGUuY29tIiwiYXVkIjpbImEiLCJiIl0sImV4cCI6MX0.c2ln",
		"eyJhbGciOiJub25lIn0.eyJlbWFpbF92ZXJpZmllZCI6InRydWUifQ.",
		"a.b.c", "..", "", "eyJ9.e30.AA",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := oidcjwt.Parse(s)
		if err != nil {
			return
		}
		if len(tok.SigningInput) >= len(s) || s[:len(tok.SigningInput)] != string(tok.SigningInput) {
			t.Fatalf("signing input %q is not a proper prefix of %q", tok.SigningInput, s)
		}
	})
}

// FuzzParseJWKS: the key set parser never panics.
func FuzzParseJWKS(f *testing.F) {
	f.Add([]byte(`{"keys":[{"kty":"RSA","kid":"a","n":"AQAB","e":"AQAB"}]}`))
	f.Add([]byte(`{"keys":[]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = oidcjwt.ParseJWKS(b)
	})
}
