// Package storetest is the conformance suite for crypto.ByteStore: a host
// that keeps inboxkit's sealed credentials in its own storage runs Run
// against its implementation from an ordinary test:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) crypto.ByteStore {
//			return newMyStore(t) // empty, cleaned up with t.Cleanup
//		})
//	}
//
// The suite covers missing keys, round trips, empty, binary and large
// values, overwrite, delete, that slices are copied, odd key names kept
// distinct, concurrent use (run it with -race), listing for stores that
// implement crypto.Lister, and that a crypto.SealedStore over the store
// refuses a value copied to another key.
package storetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/inboxkit/inboxkit/crypto"
)

// OddKeys are record keys a store must keep apart although they hold
// path separators, dot segments, case differences, escapes, whitespace,
// control characters and non-ASCII runes.
var oddKeys = []string{
	"a/b", "a%2Fb", "a%2fb", "a_2Fb", "../escape", "..", ".", ".hidden", "a/../b", "/abs", "//", "back\\slash",
	"with space", " leading", "trailing ", "tab\tkey", "new\nline", "colon:key", "semi;key",
	"Üñïçødé ключ 鍵", "emoji 🔑", "UPPER", "upper", "Upper", "%", "%25", "%%", `*?<>|"`, "con", "NUL",
	"a.b", "a..b", "~tilde", "-dash", "cred/smtpimap/alice@example.com", "cred/smtpimap/ALICE@example.com",
}

// Run runs the suite. newStore must return a new, empty store each time it
// is called (once per subtest) and release it with t.Cleanup.
func Run(t *testing.T, newStore func(t *testing.T) crypto.ByteStore) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, s crypto.ByteStore)
	}{
		{"GetMissing", testGetMissing},
		{"DeleteMissing", testDeleteMissing},
		{"PutGet", testPutGet},
		{"EmptyValue", testEmptyValue},
		{"BinaryValue", testBinaryValue},
		{"LargeValue", testLargeValue},
		{"Overwrite", testOverwrite},
		{"Delete", testDelete},
		{"CopiesSlices", testCopiesSlices},
		{"OddKeyNames", testOddKeyNames},
		{"LongKeys", testLongKeys},
		{"Concurrency", testConcurrency},
		{"Sealed", testSealed},
	}
	// Listing is optional: probe one store to see whether to test it.
	var probe crypto.ByteStore
	t.Run("New", func(t *testing.T) { probe = newStore(t) })
	if _, ok := probe.(crypto.Lister); ok {
		tests = append(tests, struct {
			name string
			fn   func(t *testing.T, s crypto.ByteStore)
		}{"Lister", testLister})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			if s == nil {
				t.Fatal("newStore returned nil")
			}
			tc.fn(t, s)
		})
	}
}

func mustPut(t *testing.T, s crypto.ByteStore, key string, v []byte) {
	t.Helper()
	if err := s.Put(context.Background(), key, v); err != nil {
		t.Fatalf("Put(%q) error = %v", key, err)
	}
}

func wantValue(t *testing.T, s crypto.ByteStore, key string, want []byte) {
	t.Helper()
	got, err := s.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("Get(%q) error = %v; want %d bytes", key, err, len(want))
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("Get(%q) = %d bytes %.40q; want %d bytes %.40q", key, len(got), got, len(want), want)
	}
}

func wantNotFound(t *testing.T, s crypto.ByteStore, key string) {
	t.Helper()
	got, err := s.Get(context.Background(), key)
	if !errors.Is(err, crypto.ErrNotFound) {
		t.Fatalf("Get(%q) = %q, %v; want an error matching crypto.ErrNotFound", key, got, err)
	}
	if len(got) != 0 {
		t.Errorf("Get(%q) returned %d bytes with ErrNotFound; want none", key, len(got))
	}
}

func testGetMissing(t *testing.T, s crypto.ByteStore) {
	wantNotFound(t, s, "missing")
	mustPut(t, s, "present", []byte("x"))
	wantNotFound(t, s, "presen")
	wantNotFound(t, s, "present/child")
}

func testDeleteMissing(t *testing.T, s crypto.ByteStore) {
	if err := s.Delete(context.Background(), "never-stored"); err != nil {
		t.Errorf("Delete(missing) error = %v; want nil", err)
	}
}

func testPutGet(t *testing.T, s crypto.ByteStore) {
	mustPut(t, s, "k1", []byte("value one"))
	mustPut(t, s, "k2", []byte("value two"))
	wantValue(t, s, "k1", []byte("value one"))
	wantValue(t, s, "k2", []byte("value two"))
}

func testEmptyValue(t *testing.T, s crypto.ByteStore) {
	mustPut(t, s, "empty", []byte{})
	mustPut(t, s, "nil", nil)
	wantValue(t, s, "empty", nil)
	wantValue(t, s, "nil", nil)
}

func testBinaryValue(t *testing.T, s crypto.ByteStore) {
	v := make([]byte, 512)
	for i := range v {
		v[i] = byte(i)
	}
	mustPut(t, s, "binary", v)
	wantValue(t, s, "binary", v)
}

func testLargeValue(t *testing.T, s crypto.ByteStore) {
	v := make([]byte, 1<<20+3)
	_, _ = rand.Read(v)
	mustPut(t, s, "large", v)
	wantValue(t, s, "large", v)
}

func testOverwrite(t *testing.T, s crypto.ByteStore) {
	mustPut(t, s, "k", bytes.Repeat([]byte("long "), 100))
	mustPut(t, s, "k", []byte("short"))
	wantValue(t, s, "k", []byte("short"))
	mustPut(t, s, "k", []byte("longer again"))
	wantValue(t, s, "k", []byte("longer again"))
}

func testDelete(t *testing.T, s crypto.ByteStore) {
	ctx := context.Background()
	mustPut(t, s, "gone", []byte("v"))
	mustPut(t, s, "kept", []byte("w"))
	if err := s.Delete(ctx, "gone"); err != nil {
		t.Fatalf("Delete() error = %v", err)
	}
	wantNotFound(t, s, "gone")
	wantValue(t, s, "kept", []byte("w"))
	if err := s.Delete(ctx, "gone"); err != nil {
		t.Errorf("second Delete() error = %v; want nil", err)
	}
	mustPut(t, s, "gone", []byte("back"))
	wantValue(t, s, "gone", []byte("back"))
}

func testCopiesSlices(t *testing.T, s crypto.ByteStore) {
	v := []byte("original")
	mustPut(t, s, "k", v)
	copy(v, "CHANGED!")
	wantValue(t, s, "k", []byte("original"))
	got, _ := s.Get(context.Background(), "k")
	if len(got) > 0 {
		got[0] = 'X'
	}
	wantValue(t, s, "k", []byte("original"))
}

func testOddKeyNames(t *testing.T, s crypto.ByteStore) {
	for i, key := range oddKeys {
		if err := crypto.ValidateKey(key); err != nil {
			t.Fatalf("suite bug: %q: %v", key, err)
		}
		mustPut(t, s, key, fmt.Appendf(nil, "value %d", i))
	}
	for i, key := range oddKeys {
		wantValue(t, s, key, fmt.Appendf(nil, "value %d", i))
	}
	for _, key := range oddKeys[:len(oddKeys)/2] {
		if err := s.Delete(context.Background(), key); err != nil {
			t.Fatalf("Delete(%q) error = %v", key, err)
		}
	}
	for i, key := range oddKeys {
		if i < len(oddKeys)/2 {
			wantNotFound(t, s, key)
		} else {
			wantValue(t, s, key, fmt.Appendf(nil, "value %d", i))
		}
	}
}

func testLongKeys(t *testing.T, s crypto.ByteStore) {
	long := strings.Repeat("k", crypto.MaxKeyLen)
	runes := strings.Repeat("鍵", crypto.MaxKeyLen/len("鍵"))
	mustPut(t, s, long, []byte("ascii"))
	mustPut(t, s, long[1:], []byte("one shorter"))
	mustPut(t, s, runes, []byte("runes"))
	wantValue(t, s, long, []byte("ascii"))
	wantValue(t, s, long[1:], []byte("one shorter"))
	wantValue(t, s, runes, []byte("runes"))
}

// testConcurrency has writers replace a shared key while readers check
// they always see one whole value, and workers use keys of their own.
func testConcurrency(t *testing.T, s crypto.ByteStore) {
	ctx := context.Background()
	const workers, rounds = 8, 40
	values := make([][]byte, workers)
	for i := range values {
		values[i] = bytes.Repeat([]byte{byte('a' + i)}, 1000+i)
	}
	mustPut(t, s, "shared", values[0])
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own := fmt.Sprintf("worker/%d", w)
			for r := range rounds {
				if err := s.Put(ctx, "shared", values[w]); err != nil {
					t.Errorf("Put(shared) error = %v", err)
					return
				}
				got, err := s.Get(ctx, "shared")
				if err != nil || !slices.ContainsFunc(values, func(v []byte) bool { return bytes.Equal(v, got) }) {
					t.Errorf("Get(shared) = %d bytes, %v; want one whole written value", len(got), err)
					return
				}
				mine := fmt.Appendf(nil, "%d/%d", w, r)
				if err := s.Put(ctx, own, mine); err != nil {
					t.Errorf("Put(%s) error = %v", own, err)
					return
				}
				if got, err := s.Get(ctx, own); err != nil || !bytes.Equal(got, mine) {
					t.Errorf("Get(%s) = %q, %v; want %q", own, got, err, mine)
					return
				}
				if r%4 == 3 {
					if err := s.Delete(ctx, own); err != nil {
						t.Errorf("Delete(%s) error = %v", own, err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

func testLister(t *testing.T, s crypto.ByteStore) {
	l := s.(crypto.Lister)
	ctx := context.Background()
	if keys, err := l.Keys(ctx); err != nil || len(keys) != 0 {
		t.Fatalf("Keys(empty store) = %q, %v; want none", keys, err)
	}
	want := []string{"x/1", "UPPER", "..", "Üñï"}
	for _, k := range want {
		mustPut(t, s, k, []byte(k))
	}
	mustPut(t, s, "deleted", nil)
	if err := s.Delete(ctx, "deleted"); err != nil {
		t.Fatal(err)
	}
	got, err := l.Keys(ctx)
	if err != nil {
		t.Fatalf("Keys() error = %v", err)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("Keys() = %q; want %q", got, want)
	}
}

// testSealed checks the store works under crypto.SealedStore: what it
// holds is sealed, and a blob moved to another key does not open.
func testSealed(t *testing.T, s crypto.ByteStore) {
	ctx := context.Background()
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	ring, err := crypto.NewKeyring("suite", map[string][]byte{"suite": key})
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := crypto.NewSealedStore(s, ring)
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte("refresh-token-that-must-not-be-stored-in-the-clear")
	if err := sealed.Put(ctx, "cred/alice", secret); err != nil {
		t.Fatalf("sealed Put() error = %v", err)
	}
	raw, err := s.Get(ctx, "cred/alice")
	if err != nil {
		t.Fatalf("raw Get() error = %v", err)
	}
	if bytes.Contains(raw, secret) || bytes.Contains(raw, secret[:16]) {
		t.Fatal("the store holds the plaintext")
	}
	if got, err := sealed.Get(ctx, "cred/alice"); err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("sealed Get() = %q, %v; want the secret", got, err)
	}
	mustPut(t, s, "cred/mallory", raw)
	if got, err := sealed.Get(ctx, "cred/mallory"); got != nil || !errors.Is(err, crypto.ErrAuthFailed) {
		t.Errorf("sealed Get(copied blob) = %q, %v; want crypto.ErrAuthFailed", got, err)
	}
}
