package tracking

import (
	"testing"

	"github.com/inboxkit/inboxkit/provider"
)

func TestIDTable_putGetGrowReplace(t *testing.T) {
	var tb idTable
	recs := make([]*provider.SentRecord, 5000)
	for i := range recs {
		recs[i] = &provider.SentRecord{MessageID: string(rune('a' + i%26))}
		// Fingerprints that collide on the probe start (same h1 bits
		// above 7 for runs of 8) exercise linear probing.
		tb.put(uint64(i/8)<<7|1, uint64(i), recs[i])
	}
	if tb.n != len(recs) || len(tb.slots)*3 < tb.n*4 {
		t.Fatalf("n=%d slots=%d; want %d records at load ≤ 3/4", tb.n, len(tb.slots), len(recs))
	}
	for i, r := range recs {
		if got := tb.get(uint64(i/8)<<7|1, uint64(i)); got != r {
			t.Fatalf("get(%d) = %p; want %p", i, got, r)
		}
	}
	if got := tb.get(uint64(1)<<7|1, 99999); got != nil {
		t.Errorf("get(same h1, other h2) = %v; want nil", got)
	}
	repl := &provider.SentRecord{MessageID: "new"}
	tb.put(1, 0, repl)
	if tb.n != len(recs) || tb.get(1, 0) != repl {
		t.Errorf("replace: n=%d get=%v; want same n and the new record", tb.n, tb.get(1, 0))
	}
	var empty idTable
	if empty.get(1, 1) != nil {
		t.Error("get on an empty table found something")
	}
}
