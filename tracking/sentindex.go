package tracking

import (
	"context"
	"hash/maphash"
	"sort"
	"strings"
	"sync"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// MemoryIndex is an in-memory provider.SentIndex that also implements
// RecipientIndex. It is safe for concurrent use; a Message-ID lookup
// takes the read lock of one of idShards shards (chosen by a seeded
// hash) and one map access, so concurrent readers do not contend on
// one lock word and millions of records cost memory, not time. Records
// are copied on Add; the records lookups return are shared and must not
// be modified. The zero value is an empty index.
type MemoryIndex struct {
	seedOnce sync.Once
	seeds    [2]maphash.Seed
	ids      [idShards]idShard

	mu     sync.RWMutex // guards byTh and byRcpt
	byTh   map[threadKey]*provider.SentRecord
	byRcpt map[string][]*provider.SentRecord
}

// idShards is the number of Message-ID shards (a power of two).
const idShards = 64

// idShard is one shard of the Message-ID map, padded to its own cache
// line so that readers of neighbouring shards do not false-share.
type idShard struct {
	mu sync.RWMutex
	t  idTable
	_  [64 - 24 - 32]byte
}

// locate returns id's fingerprint (two maphash values under independent
// random seeds) and the shard holding it.
func (x *MemoryIndex) locate(id string) (h1, h2 uint64, sh *idShard) {
	x.seedOnce.Do(func() { x.seeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()} })
	h1 = maphash.String(x.seeds[0], id) | 1
	h2 = maphash.String(x.seeds[1], id)
	return h1, h2, &x.ids[(h1>>1)&(idShards-1)]
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
	x := &MemoryIndex{
		byTh:   make(map[threadKey]*provider.SentRecord, sizeHint),
		byRcpt: make(map[string][]*provider.SentRecord, sizeHint),
	}
	for i := range x.ids {
		x.ids[i].t.reserve(sizeHint / idShards)
	}
	return x
}

// Add stores a copy of rec. Its MessageID is required (angle brackets
// are removed); a record with the same MessageID replaces the old one
// in the Message-ID lookup.
func (x *MemoryIndex) Add(rec provider.SentRecord) error {
	rec.MessageID = providerkit.TrimMessageID(rec.MessageID)
	if rec.MessageID == "" {
		return providerkit.Invalid("MessageID", "required")
	}
	rec.Recipients = append([]string(nil), rec.Recipients...)
	r := &rec
	h1, h2, sh := x.locate(r.MessageID)
	sh.mu.Lock()
	sh.t.put(h1, h2, r)
	sh.mu.Unlock()
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.byTh == nil {
		x.byTh = map[threadKey]*provider.SentRecord{}
		x.byRcpt = map[string][]*provider.SentRecord{}
	}
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
	n := 0
	for i := range x.ids {
		sh := &x.ids[i]
		sh.mu.RLock()
		n += sh.t.n
		sh.mu.RUnlock()
	}
	return n
}

// ByMessageID implements provider.SentIndex.
func (x *MemoryIndex) ByMessageID(_ context.Context, messageID string) (*provider.SentRecord, error) {
	r := x.get(messageID)
	if r == nil {
		if t := providerkit.TrimMessageID(messageID); t != messageID {
			r = x.get(t)
		}
	}
	if r == nil {
		return nil, provider.ErrNotFound
	}
	return r, nil
}

func (x *MemoryIndex) get(id string) *provider.SentRecord {
	h1, h2, sh := x.locate(id)
	sh.mu.RLock()
	r := sh.t.get(h1, h2)
	sh.mu.RUnlock()
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
