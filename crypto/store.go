package crypto

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxKeyLen is the longest record key, in bytes, a ByteStore must accept.
const MaxKeyLen = 150

// ByteStore is the storage a host gives inboxkit for its credentials: a
// map from record keys to opaque bytes. The host implements it over its
// database, KMS-backed vault or files; MemoryStore and FileStore are ready
// made, and crypto/storetest checks an implementation.
//
// Record keys are non-empty valid UTF-8 of at most MaxKeyLen bytes without
// NUL (ValidateKey). A store must keep every such key distinct, including
// ones with '/', "..", spaces, upper and lower case and non-ASCII runes;
// it need not accept anything else. Values are opaque, may be empty, and a
// store must not keep or change the slices it is given or hands out.
// Implementations must be safe for concurrent use.
type ByteStore interface {
	// Get returns the value stored under key, or an error matching
	// ErrNotFound (with errors.Is) if there is none.
	Get(ctx context.Context, key string) ([]byte, error)
	// Put stores value under key, replacing any earlier value in one step:
	// a concurrent or later Get sees the old value or the new one, whole.
	Put(ctx context.Context, key string, value []byte) error
	// Delete removes key. Deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

// Lister is a ByteStore that can list its keys, which SealedStore.ResealAll
// needs to find every value to rotate. MemoryStore and FileStore have it.
type Lister interface {
	// Keys returns every key that has a value, in any order.
	Keys(ctx context.Context) ([]string, error)
}

// ValidateKey reports whether key is a record key every ByteStore must
// accept; if not, the error matches ErrInvalidKey. The error quotes no part
// of the key beyond its length.
func ValidateKey(key string) error {
	switch {
	case key == "":
		return fmt.Errorf("%w: empty", ErrInvalidKey)
	case len(key) > MaxKeyLen:
		return fmt.Errorf("%w: %d bytes, the limit is %d", ErrInvalidKey, len(key), MaxKeyLen)
	case !utf8.ValidString(key):
		return fmt.Errorf("%w: not valid UTF-8", ErrInvalidKey)
	case strings.IndexByte(key, 0) >= 0:
		return fmt.Errorf("%w: contains NUL", ErrInvalidKey)
	}
	return nil
}
