package tracking

import "github.com/inboxkit/inboxkit/provider"

// idTable is an open-addressing hash table from a Message-ID's 128-bit
// fingerprint to its record. The fingerprint sits inline in the slot, so
// a lookup reads one slot (usually one cache line) and never the stored
// string: with a million records that is the difference between one
// cache miss and three. Two different Message-IDs share a fingerprint
// with probability about 2⁻¹²⁸ per pair (10⁻²⁷ for a million records).
// It is not safe for concurrent use; MemoryIndex guards each one.
type idTable struct {
	slots []idSlot // length a power of two, or zero
	n     int
}

// idSlot is one entry; h1 == 0 marks an empty slot (fingerprints have
// their low bit forced on).
type idSlot struct {
	h1, h2 uint64
	rec    *provider.SentRecord
}

func (t *idTable) get(h1, h2 uint64) *provider.SentRecord {
	if len(t.slots) == 0 {
		return nil
	}
	mask := uint64(len(t.slots) - 1)
	for i := (h1 >> 7) & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.h1 == 0 {
			return nil
		}
		if s.h1 == h1 && s.h2 == h2 {
			return s.rec
		}
	}
}

// put inserts or replaces, growing to keep the load at most 3/4.
func (t *idTable) put(h1, h2 uint64, rec *provider.SentRecord) {
	if (t.n+1)*4 > len(t.slots)*3 {
		t.grow(max(16, 2*len(t.slots)))
	}
	mask := uint64(len(t.slots) - 1)
	for i := (h1 >> 7) & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.h1 == 0 {
			*s = idSlot{h1: h1, h2: h2, rec: rec}
			t.n++
			return
		}
		if s.h1 == h1 && s.h2 == h2 {
			s.rec = rec
			return
		}
	}
}

func (t *idTable) grow(size int) {
	old := t.slots
	t.slots = make([]idSlot, size)
	t.n = 0
	for _, s := range old {
		if s.h1 != 0 {
			t.put(s.h1, s.h2, s.rec)
		}
	}
}

// reserve sizes the table for n records.
func (t *idTable) reserve(n int) {
	size := 16
	for size*3 < n*4 {
		size *= 2
	}
	if size > len(t.slots) {
		t.grow(size)
	}
}
