package beacon

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"sort"
	"sync"
)

// Key sizes a Signer accepts. A 64-byte key from crypto.GenerateKey fits.
const (
	MinKeySize = 32
	MaxKeySize = 128
	maxKeyID   = 32
)

// Signer makes and checks the signed tokens in tracking URLs. It holds a
// small key ring: one primary key signs, every key verifies, so keys can be
// rotated by adding a new primary and keeping the old one until the mail it
// signed no longer matters.
//
// A Signer is safe for concurrent use.
type Signer struct {
	primary *signKey
	keys    []*signKey
}

// signKey is one HMAC-SHA-256 key with a pool of ready hashes and scratch
// buffers, so verifying a token does not allocate.
type signKey struct {
	id   string
	pool sync.Pool // *macState
}

// macState is the per-call scratch space of a token operation.
type macState struct {
	mac hash.Hash
	buf [maxTokenBytes]byte
	tmp [256]byte
	sum [sha256.Size]byte
}

// NewSigner returns a Signer whose primary key is keys[primary]. Key IDs are
// 1 to 32 bytes of letters, digits, '.', '_' and '-'; keys are 32 to 128
// bytes and are copied.
func NewSigner(primary string, keys map[string][]byte) (*Signer, error) {
	if len(keys) == 0 {
		return nil, errors.New("beacon: signer: no keys")
	}
	ids := make([]string, 0, len(keys))
	for id := range keys {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	s := &Signer{keys: make([]*signKey, 0, len(keys))}
	for _, id := range ids {
		if !validKeyID(id) {
			return nil, fmt.Errorf("beacon: signer: invalid key ID %q", id)
		}
		key := keys[id]
		if len(key) < MinKeySize || len(key) > MaxKeySize {
			return nil, fmt.Errorf("beacon: signer: key %q is %d bytes, want %d to %d", id, len(key), MinKeySize, MaxKeySize)
		}
		k := newSignKey(id, key)
		s.keys = append(s.keys, k)
		if id == primary {
			s.primary = k
		}
	}
	if s.primary == nil {
		return nil, fmt.Errorf("beacon: signer: primary key %q not in keys", primary)
	}
	return s, nil
}

func newSignKey(id string, key []byte) *signKey {
	own := append([]byte(nil), key...)
	k := &signKey{id: id}
	k.pool.New = func() any { return &macState{mac: hmac.New(sha256.New, own)} }
	return k
}

// Primary returns the ID of the key that signs new tokens.
func (s *Signer) Primary() string { return s.primary.id }

// find returns the key whose ID equals id, without allocating.
func (s *Signer) find(id []byte) *signKey {
	for _, k := range s.keys {
		if k.id == string(id) {
			return k
		}
	}
	return nil
}

func (k *signKey) get() *macState  { return k.pool.Get().(*macState) }
func (k *signKey) put(m *macState) { k.pool.Put(m) }

func validKeyID(id string) bool {
	if id == "" || len(id) > maxKeyID {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}
