package tracking_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking"
)

// BenchmarkClassifyCorpus classifies every corpus message once per
// iteration on one goroutine; it reports messages/s and MB/s, and
// allocs/op divided by the message count is allocations per message.
func BenchmarkClassifyCorpus(b *testing.B) {
	msgs := loadCorpus(b)
	var total int64
	for _, m := range msgs {
		total += int64(len(m.raw))
	}
	ctx := context.Background()
	idx := tracking.NewMemoryIndex(0)
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, m := range msgs {
			if _, err := tracking.Classify(ctx, m.raw, idx); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(msgs))/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkMemoryIndexLookup looks up Message-IDs in an index holding
// one million records.
func BenchmarkMemoryIndexLookup(b *testing.B) {
	const n = 1_000_000
	idx := tracking.NewMemoryIndex(n)
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%016x.%d@mail.example.com", i*7919, i)
		if err := idx.Add(provider.SentRecord{MessageID: ids[i], ThreadID: fmt.Sprint(i), Account: "me@example.com",
			Recipients: []string{fmt.Sprintf("r%d@example.org", i)}}); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := idx.ByMessageID(ctx, ids[(i*104729)%n]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMemoryIndexLookupHotKey is BenchmarkMemoryIndexLookup with the
// key's bytes already in cache, as they are when Classify has just parsed
// them out of a message: the IDs are visited in the order they were made,
// while the table is still hit at hash-random places. It measures the
// lookup itself; BenchmarkMemoryIndexLookup adds two cache misses of its
// own for fetching a random key.
func BenchmarkMemoryIndexLookupHotKey(b *testing.B) {
	const n = 1_000_000
	idx := tracking.NewMemoryIndex(n)
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%016x.%d@mail.example.com", i*7919, i)
		if err := idx.Add(provider.SentRecord{MessageID: ids[i], Account: "me@example.com"}); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := idx.ByMessageID(ctx, ids[i%n]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMemoryIndexLookupParallel is BenchmarkMemoryIndexLookup with
// every available core reading at once (the sharded locks at work).
func BenchmarkMemoryIndexLookupParallel(b *testing.B) {
	const n = 1_000_000
	idx := tracking.NewMemoryIndex(n)
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%016x.%d@mail.example.com", i*7919, i)
		if err := idx.Add(provider.SentRecord{MessageID: ids[i], Account: "me@example.com"}); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := idx.ByMessageID(ctx, ids[(i*104729)%n]); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}
