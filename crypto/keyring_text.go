package crypto

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
)

// b64 is unpadded base64url that rejects non-canonical trailing bits, so
// one sealed value has exactly one text form.
var b64 = base64.RawURLEncoding.Strict()

// EncodeText returns the text form of a sealed value: unpadded base64url
// (RFC 4648 §5) of the same bytes, for hosts that store strings.
func EncodeText(sealed []byte) string { return b64.EncodeToString(sealed) }

// DecodeText reverses EncodeText. Anything but unpadded base64url is
// ErrMalformed; the error does not echo the input.
func DecodeText(s string) ([]byte, error) {
	b, err := b64.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: text form is not unpadded base64url", ErrMalformed)
	}
	return b, nil
}

// SealString is Seal followed by EncodeText.
func (k *Keyring) SealString(plaintext, ad []byte) (string, error) {
	b, err := k.Seal(plaintext, ad)
	if err != nil {
		return "", err
	}
	return EncodeText(b), nil
}

// OpenString is DecodeText followed by Open.
func (k *Keyring) OpenString(s string, ad []byte) ([]byte, error) {
	b, err := DecodeText(s)
	if err != nil {
		return nil, err
	}
	return k.Open(b, ad)
}

// GenerateKey returns a new random 64-byte key from crypto/rand.
func GenerateKey() ([]byte, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("crypto: generate key: %w", err)
	}
	return key, nil
}

// FormatKey returns one entry of the key-ring text form, "id:base64url",
// for ParseKeyring. Keep the result as secret as the key.
func FormatKey(id string, key []byte) (string, error) {
	if !validKeyID(id) {
		return "", fmt.Errorf("%w: invalid key ID", ErrKeyring)
	}
	if len(key) != KeySize {
		return "", &keyringError{msg: fmt.Sprintf("key is %d bytes, want %d", len(key), KeySize), err: ErrKeySize}
	}
	return id + ":" + base64.RawURLEncoding.EncodeToString(key), nil
}

// ParseKeyring reads a key ring from its text form, meant for an
// environment variable or a secret manager:
//
//	id1:base64url-key,id2:base64url-key,...
//
// Each entry is a key ID, a colon and the 64-byte key in base64url
// (unpadded; trailing '=' padding is tolerated). The first entry is the
// primary key, which seals; the others only open. Spaces and newlines
// around entries are ignored. To rotate, put a new key first and keep the
// old ones after it until every value is resealed.
//
// Errors match ErrKeyring (and ErrKeySize for a key of the wrong length)
// and name the entry by position only: they never contain any part of the
// input, which may be key material.
func ParseKeyring(s string) (*Keyring, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("%w: empty", ErrKeyring)
	}
	entries := strings.Split(s, ",")
	keys := make(map[string][]byte, len(entries))
	defer func() {
		for _, k := range keys {
			clear(k)
		}
	}()
	var primary string
	for i, e := range entries {
		n := i + 1
		id, enc, ok := strings.Cut(strings.TrimSpace(e), ":")
		if !ok {
			return nil, fmt.Errorf("%w: entry %d: want ID:base64url-key", ErrKeyring, n)
		}
		id, enc = strings.TrimSpace(id), strings.TrimSpace(enc)
		if !validKeyID(id) {
			return nil, fmt.Errorf("%w: entry %d: invalid key ID (want 1-%d printable ASCII bytes, no space, ',' or ':')", ErrKeyring, n, MaxKeyIDLen)
		}
		if _, dup := keys[id]; dup {
			return nil, fmt.Errorf("%w: entry %d: duplicate key ID", ErrKeyring, n)
		}
		key, err := b64.DecodeString(strings.TrimRight(enc, "="))
		if err != nil {
			return nil, fmt.Errorf("%w: entry %d: key is not base64url", ErrKeyring, n)
		}
		if len(key) != KeySize {
			clear(key)
			return nil, &keyringError{msg: fmt.Sprintf("entry %d: key is %d bytes, want %d", n, len(key), KeySize), err: ErrKeySize}
		}
		keys[id] = key
		if i == 0 {
			primary = id
		}
	}
	return NewKeyring(primary, keys)
}
