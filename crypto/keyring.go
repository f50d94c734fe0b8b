package crypto

import (
	"crypto/rand"
	"fmt"
	"slices"
	"strings"
)

// sealVersion is the first byte of every sealed value.
const sealVersion = 0x01

// MaxKeyIDLen is the longest key ID: its length is one byte of the header.
const MaxKeyIDLen = 255

// Keyring holds named 64-byte keys for AES_256_CBC_HMAC_SHA_512: one
// primary key that seals, and any number of older keys that still open
// what they sealed. A Keyring is immutable and safe for concurrent use; it
// keeps no copy of the raw keys, only their AES key schedules and HMAC
// states, and it prints as its key IDs only.
//
// A sealed value has this fixed layout:
//
//	0x01 ‖ n (1 byte, 1..255) ‖ keyID (n bytes) ‖ IV (16) ‖ C ‖ T (32)
//
// where C ‖ T is the AEAD's output with a fresh random IV and associated
// data A = 0x01 ‖ n ‖ keyID ‖ ad, so the header, too, is authenticated.
type Keyring struct {
	primary string
	keys    map[string]*cbcHMAC
}

// NewKeyring returns a Keyring over keys (ID to 64-byte key) that seals
// with keys[primary]. IDs are 1 to 255 bytes of printable ASCII other than
// space, ',' and ':' (so a ring fits the text form ParseKeyring reads).
// The keys are not retained: the caller may wipe them afterwards.
// Errors match ErrKeyring, and ErrKeySize for a key of the wrong length.
func NewKeyring(primary string, keys map[string][]byte) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: no keys", ErrKeyring)
	}
	k := &Keyring{primary: primary, keys: make(map[string]*cbcHMAC, len(keys))}
	for id, key := range keys {
		if !validKeyID(id) {
			return nil, fmt.Errorf("%w: invalid key ID (want 1-%d printable ASCII bytes, no space, ',' or ':')", ErrKeyring, MaxKeyIDLen)
		}
		if len(key) != KeySize {
			return nil, &keyringError{msg: fmt.Sprintf("key %q is %d bytes, want %d", id, len(key), KeySize), err: ErrKeySize}
		}
		a, err := newCBCHMAC(key)
		if err != nil {
			return nil, fmt.Errorf("crypto: key %q: %w", id, err)
		}
		k.keys[id] = a
	}
	if _, ok := k.keys[primary]; !ok {
		return nil, fmt.Errorf("%w: primary key ID is not in the ring", ErrKeyring)
	}
	return k, nil
}

// validKeyID reports whether id can name a key.
func validKeyID(id string) bool {
	if len(id) == 0 || len(id) > MaxKeyIDLen {
		return false
	}
	for i := range len(id) {
		c := id[i]
		if c <= ' ' || c > '~' || c == ',' || c == ':' {
			return false
		}
	}
	return true
}

// keyringError is an ErrKeyring that also matches a more specific
// sentinel such as ErrKeySize.
type keyringError struct {
	msg string
	err error
}

func (e *keyringError) Error() string   { return ErrKeyring.Error() + ": " + e.msg }
func (e *keyringError) Unwrap() []error { return []error{ErrKeyring, e.err} }

func (k *Keyring) check() error {
	if k == nil || len(k.keys) == 0 {
		return fmt.Errorf("%w: nil or empty Keyring (use NewKeyring or ParseKeyring)", ErrKeyring)
	}
	return nil
}

// Primary returns the ID of the key that seals.
func (k *Keyring) Primary() string {
	if k == nil {
		return ""
	}
	return k.primary
}

// IDs returns the IDs of every key in the ring, sorted.
func (k *Keyring) IDs() []string {
	if k == nil {
		return nil
	}
	ids := make([]string, 0, len(k.keys))
	for id := range k.keys {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// String describes the ring by its key IDs; it never shows key material.
func (k *Keyring) String() string {
	if k == nil {
		return "crypto.Keyring(nil)"
	}
	return fmt.Sprintf("crypto.Keyring{primary: %q, keys: [%s]}", k.primary, strings.Join(k.IDs(), " "))
}

// GoString is String, for %#v.
func (k *Keyring) GoString() string { return k.String() }

// Seal encrypts and authenticates plaintext under the primary key with a
// fresh random IV, binding ad (for a stored record: its key), and returns
// the sealed value in the fixed layout. The same ad must be given to Open.
func (k *Keyring) Seal(plaintext, ad []byte) ([]byte, error) {
	if err := k.check(); err != nil {
		return nil, err
	}
	a := k.keys[k.primary]
	hdr := 2 + len(k.primary)
	size := hdr + NonceSize + len(plaintext)&^(NonceSize-1) + NonceSize + TagSize
	out := make([]byte, hdr+NonceSize, size)
	out[0] = sealVersion
	out[1] = byte(len(k.primary))
	copy(out[2:], k.primary)
	iv := out[hdr:]
	if _, err := rand.Read(iv); err != nil {
		return nil, fmt.Errorf("crypto: random IV: %w", err)
	}
	return a.seal(out, iv, plaintext, out[:hdr], ad), nil
}

// Open checks and decrypts a value made by Seal with the same ad, using
// whichever key of the ring its header names. Errors: ErrMalformed (not a
// sealed value: empty, too short, trailing bytes, a bad version byte),
// ErrUnknownKey (the ring lacks that key ID), ErrAuthFailed (altered, or
// sealed with other ad). On error no plaintext is returned.
func (k *Keyring) Open(sealed, ad []byte) ([]byte, error) {
	if err := k.check(); err != nil {
		return nil, err
	}
	id, hdr, err := parseHeader(sealed)
	if err != nil {
		return nil, err
	}
	a, ok := k.keys[string(id)]
	if !ok {
		return nil, unknownKeyError(id)
	}
	body := sealed[hdr:]
	return a.open(nil, body[:NonceSize], body[NonceSize:], sealed[:hdr], ad)
}

// Reseal opens sealed with whichever key it names and seals the plaintext
// again under the primary key, with a new IV and the same ad. Use it to
// rotate keys with nothing lost: after every stored value is resealed, the
// old key can leave the ring. NeedsReseal tells which values need it.
func (k *Keyring) Reseal(sealed, ad []byte) ([]byte, error) {
	p, err := k.Open(sealed, ad)
	if err != nil {
		return nil, err
	}
	defer clear(p)
	return k.Seal(p, ad)
}

// NeedsReseal reports whether sealed was made by a key other than the
// primary one. It reads only the header, so it neither authenticates nor
// needs ad; an error means the value is malformed or names a key the ring
// does not hold (ErrUnknownKey), and then it reports false.
func (k *Keyring) NeedsReseal(sealed []byte) (bool, error) {
	if err := k.check(); err != nil {
		return false, err
	}
	id, _, err := parseHeader(sealed)
	if err != nil {
		return false, err
	}
	if _, ok := k.keys[string(id)]; !ok {
		return false, unknownKeyError(id)
	}
	return string(id) != k.primary, nil
}

// SealedKeyID returns the ID of the key that sealed a value, read from its
// header without opening it (and so without authenticating it).
func SealedKeyID(sealed []byte) (string, error) {
	id, _, err := parseHeader(sealed)
	if err != nil {
		return "", err
	}
	return string(id), nil
}

// parseHeader checks the shape of a sealed value and returns its key ID
// and the header length (2 + n).
func parseHeader(sealed []byte) (id []byte, hdr int, err error) {
	switch {
	case len(sealed) == 0:
		return nil, 0, fmt.Errorf("%w: empty", ErrMalformed)
	case sealed[0] != sealVersion:
		return nil, 0, fmt.Errorf("%w: unsupported version byte %#02x", ErrMalformed, sealed[0])
	case len(sealed) < 2 || sealed[1] == 0:
		return nil, 0, fmt.Errorf("%w: missing key ID", ErrMalformed)
	}
	hdr = 2 + int(sealed[1])
	body := len(sealed) - hdr - NonceSize - TagSize // the length of C
	switch {
	case body < NonceSize:
		return nil, 0, fmt.Errorf("%w: too short (%d bytes)", ErrMalformed, len(sealed))
	case body%NonceSize != 0:
		return nil, 0, fmt.Errorf("%w: ciphertext is not whole blocks (truncated or trailing bytes)", ErrMalformed)
	}
	return sealed[2:hdr], hdr, nil
}

func unknownKeyError(id []byte) error {
	const max = 64
	if len(id) > max {
		id = id[:max]
	}
	return fmt.Errorf("%w %q", ErrUnknownKey, id)
}
