package crypto

import (
	"context"
	"errors"
	"fmt"
)

// SealedStore wraps a host's ByteStore so every value is sealed with the
// Keyring before it leaves the process. The record key is the associated
// data, so a sealed blob copied to another key does not open there
// (ErrAuthFailed). What the host stores is the sealed value's bytes in the
// fixed layout (see Keyring); a host that wants text can EncodeText them.
//
// SealedStore is itself a ByteStore, and is safe for concurrent use if the
// underlying store is.
type SealedStore struct {
	store ByteStore
	ring  *Keyring
}

var _ ByteStore = (*SealedStore)(nil)

// NewSealedStore returns store sealed with ring. A nil store or ring is
// ErrNilStore.
func NewSealedStore(store ByteStore, ring *Keyring) (*SealedStore, error) {
	if store == nil || ring == nil {
		return nil, fmt.Errorf("%w: NewSealedStore needs a ByteStore and a Keyring", ErrNilStore)
	}
	if err := ring.check(); err != nil {
		return nil, err
	}
	return &SealedStore{store: store, ring: ring}, nil
}

func (s *SealedStore) check(key string) error {
	if s == nil || s.store == nil {
		return fmt.Errorf("%w: nil or zero SealedStore (use NewSealedStore)", ErrNilStore)
	}
	return ValidateKey(key)
}

// Get reads and opens the value under key. Errors: ErrNotFound, ErrInvalidKey,
// and those of Keyring.Open (ErrAuthFailed for a tampered or moved value,
// ErrUnknownKey when the key that sealed it has left the ring).
func (s *SealedStore) Get(ctx context.Context, key string) ([]byte, error) {
	if err := s.check(key); err != nil {
		return nil, err
	}
	sealed, err := s.store.Get(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("crypto: sealed store: get %q: %w", key, err)
	}
	p, err := s.ring.Open(sealed, []byte(key))
	if err != nil {
		return nil, fmt.Errorf("crypto: sealed store: open %q: %w", key, err)
	}
	return p, nil
}

// Put seals plaintext under the primary key, bound to key, and stores it.
func (s *SealedStore) Put(ctx context.Context, key string, plaintext []byte) error {
	if err := s.check(key); err != nil {
		return err
	}
	sealed, err := s.ring.Seal(plaintext, []byte(key))
	if err != nil {
		return err
	}
	if err := s.store.Put(ctx, key, sealed); err != nil {
		return fmt.Errorf("crypto: sealed store: put %q: %w", key, err)
	}
	return nil
}

// Delete removes key from the underlying store.
func (s *SealedStore) Delete(ctx context.Context, key string) error {
	if err := s.check(key); err != nil {
		return err
	}
	if err := s.store.Delete(ctx, key); err != nil {
		return fmt.Errorf("crypto: sealed store: delete %q: %w", key, err)
	}
	return nil
}

// NeedsReseal reports whether the value under key was sealed by a key
// other than the ring's primary one, reading only its header.
func (s *SealedStore) NeedsReseal(ctx context.Context, key string) (bool, error) {
	if err := s.check(key); err != nil {
		return false, err
	}
	sealed, err := s.store.Get(ctx, key)
	if err != nil {
		return false, fmt.Errorf("crypto: sealed store: get %q: %w", key, err)
	}
	return s.ring.NeedsReseal(sealed)
}

// Reseal re-encrypts the value under key with the primary key if an older
// key sealed it, and reports whether it rewrote it. It reads, then writes:
// run rotation while nothing else writes the same key, or a concurrent Put
// may be overwritten by the older value.
func (s *SealedStore) Reseal(ctx context.Context, key string) (bool, error) {
	if err := s.check(key); err != nil {
		return false, err
	}
	sealed, err := s.store.Get(ctx, key)
	if err != nil {
		return false, fmt.Errorf("crypto: sealed store: get %q: %w", key, err)
	}
	stale, err := s.ring.NeedsReseal(sealed)
	if err != nil || !stale {
		return false, err
	}
	fresh, err := s.ring.Reseal(sealed, []byte(key))
	if err != nil {
		return false, fmt.Errorf("crypto: sealed store: reseal %q: %w", key, err)
	}
	if err := s.store.Put(ctx, key, fresh); err != nil {
		return false, fmt.Errorf("crypto: sealed store: put %q: %w", key, err)
	}
	return true, nil
}

// ResealAll reseals every value the store lists (it must be a Lister,
// otherwise the error matches errors.ErrUnsupported) and returns how many
// it rewrote. It stops at the first error; running it again resumes, since
// values already under the primary key are skipped. Once it returns nil,
// the old keys may leave the ring.
func (s *SealedStore) ResealAll(ctx context.Context) (int, error) {
	if err := s.check("k"); err != nil {
		return 0, err
	}
	l, ok := s.store.(Lister)
	if !ok {
		return 0, fmt.Errorf("crypto: sealed store: ResealAll needs a store with Keys: %w", errors.ErrUnsupported)
	}
	keys, err := l.Keys(ctx)
	if err != nil {
		return 0, fmt.Errorf("crypto: sealed store: list: %w", err)
	}
	n := 0
	for _, key := range keys {
		done, err := s.Reseal(ctx, key)
		if errors.Is(err, ErrNotFound) {
			continue // deleted since the listing
		}
		if err != nil {
			return n, err
		}
		if done {
			n++
		}
	}
	return n, nil
}
