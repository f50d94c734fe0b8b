package tracking

import (
	"context"
	"sort"
	"strings"
	"sync"

	"github.com/inboxkit/inboxkit/provider"
)

// MemoryIndex is an in-memory provider.SentIndex that also implements
// RecipientIndex. It is safe for concurrent use; lookups take a read
// lock and a map access, so millions of records cost memory, not time.
// Records are copied on Add; the records lookups return are shared and
// must not be modified.
type MemoryIndex struct {
	mu      sync.RWMutex
	byID    map[string]*provider.SentRecord
	byTh    map[threadKey]*provider.SentRecord
	byRcpt  map[string][]*provider.SentRecord
	sizeCap int
}

type threadKey struct{ account, thread string }

var (
	_ provider.SentIndex = (*MemoryIndex)(nil)
	_ RecipientIndex     = (*MemoryIndex)(nil)
)

// NewMemoryIndex returns an empty index with room for sizeHint records
// (0 is fine).
func NewMemoryIndex(sizeHint int) *MemoryIndex {
	if sizeHint < 0 {
		sizeHint = 0
	}
	return &MemoryIndex{
		byID:   make(map[string]*provider.SentRecord, sizeHint),
		byTh:   make(map[threadKey]*provider.SentRecord, sizeHint),
		byRcpt: make(map[string][]*provider.SentRecord, sizeHint),
	}
}

// Add stores a copy of rec. Its MessageID is required (angle brackets
// are removed); a record with the same MessageID replaces the old one
// in the Message-ID lookup.
func (x *MemoryIndex) Add(rec provider.SentRecord) error {
	rec.MessageID = provider.TrimMessageID(rec.MessageID)
	if rec.MessageID == "" {
		return provider.Invalid("MessageID", "required")
	}
	rec.Recipients = append([]string(nil), rec.Recipients...)
	r := &rec
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.byID == nil {
		x.byID = map[string]*provider.SentRecord{}
		x.byTh = map[threadKey]*provider.SentRecord{}
		x.byRcpt = map[string][]*provider.SentRecord{}
	}
	x.byID[r.MessageID] = r
	if r.ThreadID != "" {
		k := threadKey{strings.ToLower(r.Account), r.ThreadID}
		if old, ok := x.byTh[k]; !ok || !r.SentAt.Before(old.SentAt) {
			x.byTh[k] = r
		}
	}
	for _, a := range r.Recipients {
		a = strings.ToLower(strings.TrimSpace(a))
		if a == "" {
			continue
		}
		// Copy on write: readers may hold the old slice.
		old := x.byRcpt[a]
		list := make([]*provider.SentRecord, 0, len(old)+1)
		list = append(append(list, r), old...)
		sort.SliceStable(list, func(i, j int) bool { return list[i].SentAt.After(list[j].SentAt) })
		x.byRcpt[a] = list
	}
	return nil
}

// Len returns the number of distinct Message-IDs stored.
func (x *MemoryIndex) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.byID)
}

// ByMessageID implements provider.SentIndex.
func (x *MemoryIndex) ByMessageID(_ context.Context, messageID string) (*provider.SentRecord, error) {
	r := x.get(messageID)
	if r == nil {
		if t := provider.TrimMessageID(messageID); t != messageID {
			r = x.get(t)
		}
	}
	if r == nil {
		return nil, provider.ErrNotFound
	}
	return r, nil
}

func (x *MemoryIndex) get(id string) *provider.SentRecord {
	x.mu.RLock()
	r := x.byID[id]
	x.mu.RUnlock()
	return r
}

// ByThread implements provider.SentIndex; account compares
// case-insensitively and an empty account matches none.
func (x *MemoryIndex) ByThread(_ context.Context, account, threadID string) (*provider.SentRecord, error) {
	x.mu.RLock()
	r := x.byTh[threadKey{strings.ToLower(account), threadID}]
	x.mu.RUnlock()
	if r == nil {
		return nil, provider.ErrNotFound
	}
	return r, nil
}

// ByRecipient implements RecipientIndex.
func (x *MemoryIndex) ByRecipient(_ context.Context, address string) ([]*provider.SentRecord, error) {
	x.mu.RLock()
	list := x.byRcpt[strings.ToLower(strings.TrimSpace(address))]
	x.mu.RUnlock()
	if len(list) == 0 {
		return nil, provider.ErrNotFound
	}
	return list, nil
}
