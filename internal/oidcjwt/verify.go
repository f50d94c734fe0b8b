package oidcjwt

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// GoogleIssuers returns the issuers Google's ID tokens carry: both
// spellings of accounts.google.com.
func GoogleIssuers() []string {
	return []string{"accounts.google.com", "https://accounts.google.com"}
}

// ErrInvalid is the error of a token that is well formed but fails a
// check: signature, issuer, audience, e-mail, or time.
var ErrInvalid = errors.New("oidcjwt: token rejected")

// Verifier checks tokens against one key set and one expected identity.
type Verifier struct {
	// Keys is the issuer's key set.
	Keys *Keys
	// Issuers are the accepted iss values (GoogleIssuers for Google).
	Issuers []string
	// Audience must be among the token's aud values.
	Audience string
	// Email, when set, must equal the token's email (case-insensitively),
	// and email_verified must be true.
	Email string
	// Skew is the clock difference tolerated on exp, iat and nbf; zero
	// means 1 minute.
	Skew time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Verify parses token and checks its signature (RS256 only) and claims.
// Its errors match ErrMalformed or ErrInvalid, or are the key set's fetch
// failure; they never quote the token.
func (v *Verifier) Verify(ctx context.Context, token string) (*Claims, error) {
	t, err := Parse(token)
	if err != nil {
		return nil, err
	}
	if t.Header.Alg != "RS256" {
		return nil, fmt.Errorf("%w: alg %q, want RS256", ErrInvalid, t.Header.Alg)
	}
	if err := v.checkClaims(&t.Claims); err != nil {
		return nil, err
	}
	key, err := v.Keys.Key(ctx, t.Header.Kid)
	if errors.Is(err, ErrUnknownKey) {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(t.SigningInput)
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], t.Signature); err != nil {
		return nil, fmt.Errorf("%w: bad signature", ErrInvalid)
	}
	return &t.Claims, nil
}

// checkClaims runs the checks that need no key first, so that a token
// that fails them costs no key set fetch.
func (v *Verifier) checkClaims(c *Claims) error {
	if v.Audience == "" || len(v.Issuers) == 0 {
		return fmt.Errorf("%w: the verifier has no audience or issuer configured", ErrInvalid)
	}
	if !slices.Contains(v.Issuers, c.Issuer) {
		return fmt.Errorf("%w: issuer %q", ErrInvalid, c.Issuer)
	}
	if !slices.Contains(c.Audience, v.Audience) {
		return fmt.Errorf("%w: audience does not match", ErrInvalid)
	}
	if v.Email != "" && (!strings.EqualFold(c.Email, v.Email) || !c.EmailVerified) {
		return fmt.Errorf("%w: email %q is not the expected, verified service account", ErrInvalid, c.Email)
	}
	now := v.now()
	skew := defaultDur(v.Skew, time.Minute)
	if c.Expiry == 0 || !now.Before(time.Unix(c.Expiry, 0).Add(skew)) {
		return fmt.Errorf("%w: expired or without exp", ErrInvalid)
	}
	if c.NotBefore != 0 && now.Add(skew).Before(time.Unix(c.NotBefore, 0)) {
		return fmt.Errorf("%w: not valid yet", ErrInvalid)
	}
	if c.IssuedAt != 0 && now.Add(skew).Before(time.Unix(c.IssuedAt, 0)) {
		return fmt.Errorf("%w: issued in the future", ErrInvalid)
	}
	return nil
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}
