package crypto

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

// MemoryStore is a ByteStore (and Lister) in memory, for tests and for
// hosts that only need credentials for the life of the process. The zero
// value is an empty store ready to use; it is safe for concurrent use.
type MemoryStore struct {
	mu     sync.RWMutex
	values map[string][]byte
}

var (
	_ ByteStore = (*MemoryStore)(nil)
	_ Lister    = (*MemoryStore)(nil)
)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore { return &MemoryStore{} }

func (m *MemoryStore) check(ctx context.Context, key string) error {
	if m == nil {
		return fmt.Errorf("%w: nil *MemoryStore", ErrNilStore)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return ValidateKey(key)
}

// Get returns a copy of the value under key, or ErrNotFound.
func (m *MemoryStore) Get(ctx context.Context, key string) ([]byte, error) {
	if err := m.check(ctx, key); err != nil {
		return nil, err
	}
	m.mu.RLock()
	v, ok := m.values[key]
	m.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, key)
	}
	return append([]byte{}, v...), nil
}

// Put stores a copy of value under key.
func (m *MemoryStore) Put(ctx context.Context, key string, value []byte) error {
	if err := m.check(ctx, key); err != nil {
		return err
	}
	v := append([]byte{}, value...)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.values == nil {
		m.values = make(map[string][]byte)
	}
	m.values[key] = v
	return nil
}

// Delete removes key; a missing key is not an error.
func (m *MemoryStore) Delete(ctx context.Context, key string) error {
	if err := m.check(ctx, key); err != nil {
		return err
	}
	m.mu.Lock()
	delete(m.values, key)
	m.mu.Unlock()
	return nil
}

// Keys returns the stored keys, sorted.
func (m *MemoryStore) Keys(ctx context.Context) ([]string, error) {
	if err := m.check(ctx, "k"); err != nil {
		return nil, err
	}
	m.mu.RLock()
	keys := make([]string, 0, len(m.values))
	for k := range m.values {
		keys = append(keys, k)
	}
	m.mu.RUnlock()
	slices.Sort(keys)
	return keys, nil
}
