// Package oidcjwttest signs RS256 ID tokens and writes JSON Web Keys for
// tests of code that verifies them (internal/oidcjwt, gmail's Pub/Sub push
// check), so each test plays Google's signer without a copy of the JWS
// encoding.
package oidcjwttest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"sync"
	"testing"
)

// Keys holds two RSA keys generated once, on first use: generating them
// is the slow part of a test. The zero value is ready to use; declare one
// per test package.
type Keys struct {
	once sync.Once
	a, b *rsa.PrivateKey
	err  error
}

// Get returns the two keys, failing t if they cannot be made.
func (k *Keys) Get(t testing.TB) (a, b *rsa.PrivateKey) {
	t.Helper()
	k.once.Do(func() {
		if k.a, k.err = rsa.GenerateKey(rand.Reader, 2048); k.err != nil {
			return
		}
		k.b, k.err = rsa.GenerateKey(rand.Reader, 2048)
	})
	if k.err != nil {
		t.Fatal(k.err)
	}
	return k.a, k.b
}

// Sign returns a compact RS256 JWS with the header's kid and the claims.
func Sign(t testing.TB, key *rsa.PrivateKey, kid string, claims map[string]any) string {
	t.Helper()
	h, err := json.Marshal(map[string]string{"alg": "RS256", "kid": kid, "typ": "JWT"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	input := B64(h) + "." + B64(c)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + B64(sig)
}

// JWK is pub as a JSON Web Key for RS256 signatures with the given kid.
func JWK(kid string, pub *rsa.PublicKey) map[string]string {
	return map[string]string{"kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid,
		"n": B64(pub.N.Bytes()), "e": B64(big.NewInt(int64(pub.E)).Bytes())}
}

// B64 is unpadded base64url, the encoding of every JWS part.
func B64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
