package crypto

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func testRing(t testing.TB, primary string, ids ...string) *Keyring {
	t.Helper()
	keys := map[string][]byte{}
	for i, id := range append([]string{primary}, ids...) {
		keys[id] = testKey(byte(i + 1))
	}
	k, err := NewKeyring(primary, keys)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestNewKeyring_bad(t *testing.T) {
	tests := []struct {
		name    string
		primary string
		keys    map[string][]byte
		want    []error
	}{
		{"nil map", "a", nil, []error{ErrKeyring}},
		{"empty map", "a", map[string][]byte{}, []error{ErrKeyring}},
		{"primary missing", "b", map[string][]byte{"a": testKey(1)}, []error{ErrKeyring}},
		{"empty ID", "", map[string][]byte{"": testKey(1)}, []error{ErrKeyring}},
		{"comma in ID", "a,b", map[string][]byte{"a,b": testKey(1)}, []error{ErrKeyring}},
		{"colon in ID", "a:b", map[string][]byte{"a:b": testKey(1)}, []error{ErrKeyring}},
		{"space in ID", "a b", map[string][]byte{"a b": testKey(1)}, []error{ErrKeyring}},
		{"NUL in ID", "a\x00", map[string][]byte{"a\x00": testKey(1)}, []error{ErrKeyring}},
		{"non-ASCII ID", "ké", map[string][]byte{"ké": testKey(1)}, []error{ErrKeyring}},
		{"256-byte ID", strings.Repeat("a", 256), map[string][]byte{strings.Repeat("a", 256): testKey(1)}, []error{ErrKeyring}},
		{"short key", "a", map[string][]byte{"a": make([]byte, 32)}, []error{ErrKeyring, ErrKeySize}},
		{"long key", "a", map[string][]byte{"a": make([]byte, 65)}, []error{ErrKeyring, ErrKeySize}},
		{"nil key", "a", map[string][]byte{"a": nil}, []error{ErrKeyring, ErrKeySize}},
		{"short old key", "a", map[string][]byte{"a": testKey(1), "b": testKey(2)[:10]}, []error{ErrKeyring, ErrKeySize}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, err := NewKeyring(tc.primary, tc.keys)
			if k != nil {
				t.Errorf("NewKeyring() = %v; want nil", k)
			}
			for _, want := range tc.want {
				if !errors.Is(err, want) {
					t.Errorf("NewKeyring() error = %v; want %v", err, want)
				}
			}
		})
	}
	if _, err := NewKeyring(strings.Repeat("a", 255), map[string][]byte{strings.Repeat("a", 255): testKey(1)}); err != nil {
		t.Errorf("NewKeyring(255-byte ID) error = %v; want nil", err)
	}
}

// TestKeyring_layout holds Seal to the fixed byte layout of DESIGN.md by
// opening its output with the bare AEAD.
func TestKeyring_layout(t *testing.T) {
	key := testKey(7)
	k, err := NewKeyring("k-2025", map[string][]byte{"k-2025": key})
	if err != nil {
		t.Fatal(err)
	}
	plaintext, ad := []byte("seventeen bytes!!"), []byte("cred/smtpimap/a@example.com")
	sealed, err := k.Seal(plaintext, ad)
	if err != nil {
		t.Fatal(err)
	}
	hdr := []byte("\x01\x06k-2025")
	if !bytes.HasPrefix(sealed, hdr) {
		t.Fatalf("sealed header = %x; want %x", sealed[:len(hdr)], hdr)
	}
	if want := len(hdr) + 16 + 32 + 32; len(sealed) != want {
		t.Errorf("len(sealed) = %d; want %d", len(sealed), want)
	}
	aead, err := NewAEAD(key)
	if err != nil {
		t.Fatal(err)
	}
	iv := sealed[len(hdr) : len(hdr)+16]
	got, err := aead.Open(nil, iv, sealed[len(hdr)+16:], append(bytes.Clone(hdr), ad...))
	if err != nil || !bytes.Equal(got, plaintext) {
		t.Errorf("AEAD Open(sealed body, A = header ‖ ad) = %q, %v; want %q", got, err, plaintext)
	}
	again, _ := k.Seal(plaintext, ad)
	if bytes.Equal(again[len(hdr):len(hdr)+16], iv) {
		t.Error("two Seals used the same IV")
	}
}

func TestKeyring_roundTrip(t *testing.T) {
	k := testRing(t, "primary")
	for _, n := range []int{0, 1, 15, 16, 17, 1000} {
		p := bytes.Repeat([]byte("x"), n)
		sealed, err := k.Seal(p, []byte("ad"))
		if err != nil {
			t.Fatal(err)
		}
		got, err := k.Open(sealed, []byte("ad"))
		if err != nil || !bytes.Equal(got, p) {
			t.Errorf("Open(Seal(%d bytes)) = %q, %v", n, got, err)
		}
		if got, err := k.Open(sealed, nil); got != nil || !errors.Is(err, ErrAuthFailed) {
			t.Errorf("Open(without ad) = %q, %v; want nil, ErrAuthFailed", got, err)
		}
	}
}

func TestKeyring_Open_bad(t *testing.T) {
	k := testRing(t, "k1", "k0")
	ad := []byte("rec")
	sealed, err := k.Seal([]byte("a password long enough for three blocks"), ad)
	if err != nil {
		t.Fatal(err)
	}
	other := testRing(t, "zz")
	fromOther, _ := other.Seal([]byte("a password"), ad)
	sameIDOtherKey, _ := NewKeyring("k1", map[string][]byte{"k1": testKey(99)})
	impostor, _ := sameIDOtherKey.Seal([]byte("a password"), ad)

	tests := []struct {
		name   string
		sealed []byte
		want   error
	}{
		{"nil", nil, ErrMalformed},
		{"empty", []byte{}, ErrMalformed},
		{"version only", []byte{1}, ErrMalformed},
		{"version 0", append([]byte{0}, sealed[1:]...), ErrMalformed},
		{"version 2", append([]byte{2}, sealed[1:]...), ErrMalformed},
		{"zero-length key ID", append([]byte{1, 0}, sealed[2:]...), ErrMalformed},
		{"trailing byte", append(bytes.Clone(sealed), 0), ErrMalformed},
		{"trailing block", append(bytes.Clone(sealed), make([]byte, 16)...), ErrAuthFailed},
		{"last byte cut", sealed[:len(sealed)-1], ErrMalformed},
		{"last block cut", sealed[:len(sealed)-16], ErrAuthFailed},
		{"header only", sealed[:4], ErrMalformed},
		{"unknown key ID", fromOther, ErrUnknownKey},
		{"same ID, other key", impostor, ErrAuthFailed},
		{"key ID renamed", append([]byte("\x01\x02k0"), sealed[4:]...), ErrAuthFailed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := k.Open(tc.sealed, ad)
			if got != nil || !errors.Is(err, tc.want) {
				t.Errorf("Open() = %q, %v; want nil, %v", got, err, tc.want)
			}
		})
	}
	t.Run("every prefix", func(t *testing.T) {
		for n := range len(sealed) {
			if got, err := k.Open(sealed[:n], ad); got != nil || err == nil {
				t.Errorf("Open(first %d bytes) = %q, %v; want an error", n, got, err)
			}
		}
	})
	t.Run("every bit flipped", func(t *testing.T) {
		for i := range len(sealed) * 8 {
			bad := bytes.Clone(sealed)
			bad[i/8] ^= 1 << (i % 8)
			got, err := k.Open(bad, ad)
			if got != nil || !(errors.Is(err, ErrAuthFailed) || errors.Is(err, ErrMalformed) || errors.Is(err, ErrUnknownKey)) {
				t.Fatalf("Open(bit %d flipped) = %q, %v; want nil and a sentinel error", i, got, err)
			}
		}
	})
}

func TestKeyring_nil(t *testing.T) {
	var k *Keyring
	if _, err := k.Seal([]byte("x"), nil); !errors.Is(err, ErrKeyring) {
		t.Errorf("nil.Seal() error = %v; want ErrKeyring", err)
	}
	if _, err := k.Open([]byte("x"), nil); !errors.Is(err, ErrKeyring) {
		t.Errorf("nil.Open() error = %v; want ErrKeyring", err)
	}
	if _, err := k.NeedsReseal([]byte("x")); !errors.Is(err, ErrKeyring) {
		t.Errorf("nil.NeedsReseal() error = %v; want ErrKeyring", err)
	}
	if _, err := (&Keyring{}).Seal(nil, nil); !errors.Is(err, ErrKeyring) {
		t.Errorf("Keyring{}.Seal() error = %v; want ErrKeyring", err)
	}
	if got := k.String(); got != "crypto.Keyring(nil)" {
		t.Errorf("nil.String() = %q", got)
	}
	if k.Primary() != "" || k.IDs() != nil {
		t.Errorf("nil.Primary(), IDs() = %q, %v; want empty", k.Primary(), k.IDs())
	}
}

func TestKeyring_rotation(t *testing.T) {
	oldKey, newKey := testKey(1), testKey(2)
	before, _ := NewKeyring("2024", map[string][]byte{"2024": oldKey})
	during, _ := NewKeyring("2025", map[string][]byte{"2025": newKey, "2024": oldKey})
	after, _ := NewKeyring("2025", map[string][]byte{"2025": newKey})
	ad := []byte("cred/gmail/a@example.com")

	old, _ := before.Seal([]byte("token"), ad)
	if id, err := SealedKeyID(old); id != "2024" || err != nil {
		t.Errorf("SealedKeyID(old) = %q, %v; want 2024", id, err)
	}
	if stale, err := during.NeedsReseal(old); !stale || err != nil {
		t.Errorf("NeedsReseal(old) = %v, %v; want true, nil", stale, err)
	}
	if _, err := after.Open(old, ad); !errors.Is(err, ErrUnknownKey) || !strings.Contains(err.Error(), `"2024"`) {
		t.Errorf("after.Open(old) error = %v; want ErrUnknownKey naming 2024", err)
	}
	if _, err := after.NeedsReseal(old); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("after.NeedsReseal(old) error = %v; want ErrUnknownKey", err)
	}
	fresh, err := during.Reseal(old, ad)
	if err != nil {
		t.Fatal(err)
	}
	if stale, err := during.NeedsReseal(fresh); stale || err != nil {
		t.Errorf("NeedsReseal(resealed) = %v, %v; want false, nil", stale, err)
	}
	if got, err := after.Open(fresh, ad); string(got) != "token" || err != nil {
		t.Errorf("after.Open(resealed) = %q, %v; want token", got, err)
	}
	if _, err := during.Reseal(old, []byte("other")); !errors.Is(err, ErrAuthFailed) {
		t.Errorf("Reseal(wrong ad) error = %v; want ErrAuthFailed", err)
	}
	if _, err := SealedKeyID([]byte{9}); !errors.Is(err, ErrMalformed) {
		t.Errorf("SealedKeyID(garbage) error = %v; want ErrMalformed", err)
	}
	if _, err := during.NeedsReseal(nil); !errors.Is(err, ErrMalformed) {
		t.Errorf("NeedsReseal(nil) error = %v; want ErrMalformed", err)
	}
}

func TestKeyring_String(t *testing.T) {
	k := testRing(t, "b", "a")
	want := `crypto.Keyring{primary: "b", keys: [a b]}`
	for _, got := range []string{k.String(), k.GoString()} {
		if got != want {
			t.Errorf("String() = %q; want %q", got, want)
		}
	}
}

// TestKeyring_concurrent shares one ring (and so its pooled per-call
// states) between goroutines; run with -race.
func TestKeyring_concurrent(t *testing.T) {
	k := testRing(t, "k")
	done := make(chan struct{})
	for g := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 200 {
				p := bytes.Repeat([]byte{byte(g)}, g*37+i)
				ad := []byte{byte(g), byte(i)}
				s, err := k.Seal(p, ad)
				if err != nil {
					t.Error(err)
					return
				}
				got, err := k.Open(s, ad)
				if err != nil || !bytes.Equal(got, p) {
					t.Errorf("goroutine %d round %d: Open = %d bytes, %v; want %d bytes", g, i, len(got), err, len(p))
					return
				}
			}
		}()
	}
	for range 8 {
		<-done
	}
}
