package crypto

import "errors"

// The error sentinels. Every error this package returns for bad input
// matches one of them with errors.Is. They are distinct from the provider
// package's sentinels (crypto imports nothing of inboxkit's).
var (
	// ErrKeySize: a key is not KeySize (64) bytes long.
	ErrKeySize = errors.New("crypto: key must be 64 bytes")
	// ErrAuthFailed: a sealed value or AEAD ciphertext did not authenticate:
	// it was altered, truncated by whole blocks, sealed with other associated
	// data (for a store: under another record key), or sealed by another
	// key that happens to carry the same key ID. No plaintext is returned.
	ErrAuthFailed = errors.New("crypto: message authentication failed")
	// ErrMalformed: the input is not a sealed value at all (too short,
	// unknown version byte, a zero-length key ID, a ciphertext that is not
	// whole blocks, or text that is not unpadded base64url).
	ErrMalformed = errors.New("crypto: malformed sealed value")
	// ErrUnknownKey: the sealed value names a key ID the Keyring does not
	// hold. Add the old key to the ring (not as primary) to open it.
	ErrUnknownKey = errors.New("crypto: unknown key ID")
	// ErrKeyring: a key ring, or its text form, is malformed (no keys, a
	// bad key ID, a duplicate ID, a primary that is not in the ring, a key
	// that is not base64url). The message never contains key material.
	ErrKeyring = errors.New("crypto: invalid key ring")
	// ErrNotFound: a store holds no value under the key. Host stores must
	// return it (or an error wrapping it) from Get.
	ErrNotFound = errors.New("crypto: not found")
	// ErrInvalidKey: a store record key is empty or longer than MaxKeyLen.
	ErrInvalidKey = errors.New("crypto: invalid store key")
	// ErrNilStore: a nil ByteStore or nil Keyring was given to a store
	// constructor.
	ErrNilStore = errors.New("crypto: nil store or key ring")
	// ErrInvalidCredentials: a Credentials value is incomplete or mixes an
	// OAuth2 token with a password.
	ErrInvalidCredentials = errors.New("crypto: invalid credentials")
)
