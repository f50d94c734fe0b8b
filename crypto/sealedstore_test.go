package crypto_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/inboxkit/inboxkit/crypto"
)

func ring(t *testing.T, primary string, ids ...string) (*crypto.Keyring, map[string][]byte) {
	t.Helper()
	keys := map[string][]byte{}
	for i, id := range append([]string{primary}, ids...) {
		keys[id] = bytes.Repeat([]byte{byte(i + 1)}, crypto.KeySize)
	}
	k, err := crypto.NewKeyring(primary, keys)
	if err != nil {
		t.Fatal(err)
	}
	return k, keys
}

func TestNewSealedStore_nil(t *testing.T) {
	k, _ := ring(t, "k")
	if _, err := crypto.NewSealedStore(nil, k); !errors.Is(err, crypto.ErrNilStore) {
		t.Errorf("NewSealedStore(nil store) error = %v; want ErrNilStore", err)
	}
	if _, err := crypto.NewSealedStore(crypto.NewMemoryStore(), nil); !errors.Is(err, crypto.ErrNilStore) {
		t.Errorf("NewSealedStore(nil ring) error = %v; want ErrNilStore", err)
	}
	if _, err := crypto.NewSealedStore(crypto.NewMemoryStore(), &crypto.Keyring{}); !errors.Is(err, crypto.ErrKeyring) {
		t.Errorf("NewSealedStore(zero ring) error = %v; want ErrKeyring", err)
	}
	if _, err := crypto.NewCredentialStore(nil, k); !errors.Is(err, crypto.ErrNilStore) {
		t.Errorf("NewCredentialStore(nil store) error = %v; want ErrNilStore", err)
	}
	var s *crypto.SealedStore
	ctx := context.Background()
	if _, err := s.Get(ctx, "k"); !errors.Is(err, crypto.ErrNilStore) {
		t.Errorf("nil SealedStore Get() error = %v; want ErrNilStore", err)
	}
	if err := (&crypto.SealedStore{}).Put(ctx, "k", nil); !errors.Is(err, crypto.ErrNilStore) {
		t.Errorf("zero SealedStore Put() error = %v; want ErrNilStore", err)
	}
	var cs *crypto.CredentialStore
	if _, err := cs.Load(ctx, "smtpimap", "a@b"); !errors.Is(err, crypto.ErrNilStore) {
		t.Errorf("nil CredentialStore Load() error = %v; want ErrNilStore", err)
	}
	if err := cs.Save(ctx, &crypto.Credentials{}); !errors.Is(err, crypto.ErrNilStore) {
		t.Errorf("nil CredentialStore Save() error = %v; want ErrNilStore", err)
	}
	if err := cs.Delete(ctx, "smtpimap", "a@b"); !errors.Is(err, crypto.ErrNilStore) {
		t.Errorf("nil CredentialStore Delete() error = %v; want ErrNilStore", err)
	}
}

func TestSealedStore(t *testing.T) {
	ctx := context.Background()
	k, _ := ring(t, "k")
	mem := crypto.NewMemoryStore()
	s, err := crypto.NewSealedStore(mem, k)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "a", []byte("secret")); err != nil {
		t.Fatal(err)
	}
	raw, _ := mem.Get(ctx, "a")
	if got, err := k.Open(raw, []byte("a")); string(got) != "secret" || err != nil {
		t.Errorf("Keyring.Open(raw, ad = record key) = %q, %v; want secret", got, err)
	}
	if got, err := s.Get(ctx, "a"); string(got) != "secret" || err != nil {
		t.Errorf("Get() = %q, %v; want secret", got, err)
	}
	if _, err := s.Get(ctx, "missing"); !errors.Is(err, crypto.ErrNotFound) {
		t.Errorf("Get(missing) error = %v; want ErrNotFound", err)
	}
	if err := s.Put(ctx, "", nil); !errors.Is(err, crypto.ErrInvalidKey) {
		t.Errorf("Put(empty key) error = %v; want ErrInvalidKey", err)
	}
	for name, bad := range map[string][]byte{"empty": {}, "truncated": raw[:len(raw)-1], "trailing": append(bytes.Clone(raw), 0), "flipped": flip(raw, len(raw)-1)} {
		_ = mem.Put(ctx, "bad", bad)
		got, err := s.Get(ctx, "bad")
		if got != nil || !(errors.Is(err, crypto.ErrMalformed) || errors.Is(err, crypto.ErrAuthFailed)) {
			t.Errorf("Get(%s value) = %q, %v; want nil, ErrMalformed or ErrAuthFailed", name, got, err)
		}
	}
	if err := s.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "a"); !errors.Is(err, crypto.ErrNotFound) {
		t.Errorf("Get(after Delete) error = %v; want ErrNotFound", err)
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0x80
	return c
}

// listlessStore hides MemoryStore's Keys method.
type listlessStore struct{ m *crypto.MemoryStore }

func (l listlessStore) Get(ctx context.Context, k string) ([]byte, error) { return l.m.Get(ctx, k) }
func (l listlessStore) Put(ctx context.Context, k string, v []byte) error { return l.m.Put(ctx, k, v) }
func (l listlessStore) Delete(ctx context.Context, k string) error        { return l.m.Delete(ctx, k) }

func TestSealedStore_rotation(t *testing.T) {
	ctx := context.Background()
	mem := crypto.NewMemoryStore()
	oldRing, oldKeys := ring(t, "old")
	before, _ := crypto.NewSealedStore(mem, oldRing)
	for _, k := range []string{"a", "b", "c"} {
		if err := before.Put(ctx, k, []byte("v-"+k)); err != nil {
			t.Fatal(err)
		}
	}
	newKey := bytes.Repeat([]byte{9}, crypto.KeySize)
	during, _ := crypto.NewKeyring("new", map[string][]byte{"new": newKey, "old": oldKeys["old"]})
	s, _ := crypto.NewSealedStore(mem, during)
	if stale, err := s.NeedsReseal(ctx, "a"); !stale || err != nil {
		t.Errorf("NeedsReseal(a) = %v, %v; want true", stale, err)
	}
	if done, err := s.Reseal(ctx, "a"); !done || err != nil {
		t.Errorf("Reseal(a) = %v, %v; want true", done, err)
	}
	if done, err := s.Reseal(ctx, "a"); done || err != nil {
		t.Errorf("second Reseal(a) = %v, %v; want false, nil", done, err)
	}
	if n, err := s.ResealAll(ctx); n != 2 || err != nil {
		t.Errorf("ResealAll() = %d, %v; want 2 (b and c)", n, err)
	}
	after, _ := crypto.NewKeyring("new", map[string][]byte{"new": newKey})
	s2, _ := crypto.NewSealedStore(mem, after)
	for _, k := range []string{"a", "b", "c"} {
		if got, err := s2.Get(ctx, k); string(got) != "v-"+k || err != nil {
			t.Errorf("Get(%s) with only the new key = %q, %v", k, got, err)
		}
	}
	if _, err := s.Reseal(ctx, "missing"); !errors.Is(err, crypto.ErrNotFound) {
		t.Errorf("Reseal(missing) error = %v; want ErrNotFound", err)
	}
	if _, err := s.NeedsReseal(ctx, "missing"); !errors.Is(err, crypto.ErrNotFound) {
		t.Errorf("NeedsReseal(missing) error = %v; want ErrNotFound", err)
	}
	nolist, _ := crypto.NewSealedStore(listlessStore{mem}, during)
	if _, err := nolist.ResealAll(ctx); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("ResealAll(no Lister) error = %v; want errors.ErrUnsupported", err)
	}
	_ = mem.Put(ctx, "garbage", []byte("x"))
	if _, err := s.ResealAll(ctx); !errors.Is(err, crypto.ErrMalformed) {
		t.Errorf("ResealAll(with a garbage value) error = %v; want ErrMalformed", err)
	}
}
