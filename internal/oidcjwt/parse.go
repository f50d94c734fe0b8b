package oidcjwt

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// MaxTokenSize bounds the compact token Parse accepts; real ID tokens are
// around 1 KiB.
const MaxTokenSize = 16 << 10

// ErrMalformed is the error of a token that is not a well-formed JWS
// compact serialisation with a JSON header and claims.
var ErrMalformed = errors.New("oidcjwt: malformed token")

// Header is the JOSE header of a token.
type Header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	Typ string `json:"typ"`
}

// Claims are the ID token claims the Verifier checks.
type Claims struct {
	Issuer        string
	Audience      []string
	Subject       string
	Email         string
	EmailVerified bool
	// Expiry, IssuedAt and NotBefore are Unix seconds (0 when absent).
	Expiry, IssuedAt, NotBefore int64
}

// Token is a parsed, not yet verified, token.
type Token struct {
	Header Header
	Claims Claims
	// SigningInput is the "header.payload" the signature covers.
	SigningInput []byte
	Signature    []byte
}

// Parse splits a compact JWS into its header, claims and signature. It
// checks the form only: nothing in a Token is to be trusted before
// Verifier.Verify.
func Parse(token string) (*Token, error) {
	if len(token) > MaxTokenSize {
		return nil, fmt.Errorf("%w: longer than %d bytes", ErrMalformed, MaxTokenSize)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: want 3 dot-separated parts, have %d", ErrMalformed, len(parts))
	}
	var t Token
	hdr, err := decodeSegment(parts[0])
	if err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	if err := strictJSON(hdr, &t.Header); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	payload, err := decodeSegment(parts[1])
	if err != nil {
		return nil, fmt.Errorf("%w: claims: %v", ErrMalformed, err)
	}
	if t.Claims, err = parseClaims(payload); err != nil {
		return nil, fmt.Errorf("%w: claims: %v", ErrMalformed, err)
	}
	if t.Signature, err = decodeSegment(parts[2]); err != nil {
		return nil, fmt.Errorf("%w: signature: %v", ErrMalformed, err)
	}
	t.SigningInput = []byte(token[:len(parts[0])+1+len(parts[1])])
	return &t, nil
}

// decodeSegment decodes unpadded base64url (RFC 7515 §2).
func decodeSegment(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("empty")
	}
	return base64.RawURLEncoding.Strict().DecodeString(s)
}

func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data")
	}
	return nil
}

// parseClaims reads the claims, accepting the forms issuers use: aud as a
// string or an array, email_verified as a boolean or the string "true",
// times as JSON numbers.
func parseClaims(b []byte) (Claims, error) {
	var raw struct {
		Iss           string          `json:"iss"`
		Aud           json.RawMessage `json:"aud"`
		Sub           string          `json:"sub"`
		Email         string          `json:"email"`
		EmailVerified json.RawMessage `json:"email_verified"`
		Exp           json.Number     `json:"exp"`
		Iat           json.Number     `json:"iat"`
		Nbf           json.Number     `json:"nbf"`
	}
	if err := strictJSON(b, &raw); err != nil {
		return Claims{}, err
	}
	c := Claims{Issuer: raw.Iss, Subject: raw.Sub, Email: raw.Email}
	if len(raw.Aud) > 0 {
		var one string
		if err := json.Unmarshal(raw.Aud, &one); err == nil {
			c.Audience = []string{one}
		} else if err := json.Unmarshal(raw.Aud, &c.Audience); err != nil {
			return Claims{}, errors.New("aud is neither a string nor an array of strings")
		}
	}
	switch v := strings.TrimSpace(string(raw.EmailVerified)); v {
	case "", "null", "false", `"false"`:
	case "true", `"true"`:
		c.EmailVerified = true
	default:
		return Claims{}, errors.New("email_verified is not a boolean")
	}
	var err error
	for _, f := range []struct {
		n   json.Number
		dst *int64
		tag string
	}{{raw.Exp, &c.Expiry, "exp"}, {raw.Iat, &c.IssuedAt, "iat"}, {raw.Nbf, &c.NotBefore, "nbf"}} {
		if f.n == "" {
			continue
		}
		if *f.dst, err = numericDate(f.n); err != nil {
			return Claims{}, fmt.Errorf("%s: %v", f.tag, err)
		}
	}
	return c, nil
}

// numericDate reads a NumericDate (RFC 7519 §2): seconds, possibly with a
// fraction, which is dropped.
func numericDate(n json.Number) (int64, error) {
	s := string(n)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s = s[:i]
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 {
		return 0, errors.New("not a positive number of seconds")
	}
	return v, nil
}
