package crypto_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/crypto/storetest"
)

func TestMemoryStore_conformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) crypto.ByteStore { return crypto.NewMemoryStore() })
}

func TestMemoryStore_zeroValue(t *testing.T) {
	var m crypto.MemoryStore
	ctx := context.Background()
	if _, err := m.Get(ctx, "k"); !errors.Is(err, crypto.ErrNotFound) {
		t.Errorf("zero MemoryStore Get() error = %v; want ErrNotFound", err)
	}
	if err := m.Put(ctx, "k", []byte("v")); err != nil {
		t.Errorf("zero MemoryStore Put() error = %v", err)
	}
}

func newFileStore(t *testing.T) *crypto.FileStore {
	t.Helper()
	fs, err := crypto.NewFileStore(filepath.Join(t.TempDir(), "creds"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fs.Close() })
	return fs
}

func TestFileStore_conformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) crypto.ByteStore { return newFileStore(t) })
}

func TestFileStore_permissions(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "a", "creds")
	fs, err := crypto.NewFileStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Close()
	if err := fs.Put(context.Background(), "cred/x", []byte("v")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o700 {
		t.Errorf("directory mode = %#o; want 0700", got)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("directory holds %d entries; want 1 (no temporary files left)", len(entries))
	}
	info, _ := entries[0].Info()
	if got := info.Mode().Perm(); got != 0o600 {
		t.Errorf("file mode = %#o; want 0600", got)
	}
	if got, want := entries[0].Name(), "cred%2Fx"; got != want {
		t.Errorf("file name = %q; want %q", got, want)
	}
}

func TestFileStore_badDirectory(t *testing.T) {
	open := t.TempDir()
	if err := os.Chmod(open, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := crypto.NewFileStore(open); err == nil || !strings.Contains(err.Error(), "0700") {
		t.Errorf("NewFileStore(0755 dir) error = %v; want a refusal naming 0700", err)
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := crypto.NewFileStore(file); err == nil {
		t.Error("NewFileStore(regular file) error = nil; want an error")
	}
	if _, err := crypto.NewFileStore(""); err == nil {
		t.Error(`NewFileStore("") error = nil; want an error`)
	}
}

// TestFileStore_noEscape stores hostile key names and checks that every
// file landed directly inside the store's directory and nowhere else.
func TestFileStore_noEscape(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "store")
	fs, err := crypto.NewFileStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Close()
	ctx := context.Background()
	hostile := []string{"../outside", "../../etc/passwd", "/tmp/abs", "..", ".", "a/b/c", `..\win`, ".tmp-1234", "%2E%2E"}
	for _, k := range hostile {
		if err := fs.Put(ctx, k, []byte(k)); err != nil {
			t.Fatalf("Put(%q) error = %v", k, err)
		}
	}
	err = filepath.WalkDir(parent, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && filepath.Dir(path) != dir {
			t.Errorf("file %s is outside the store directory", path)
		}
		if d.IsDir() && path != parent && path != dir {
			t.Errorf("directory %s was created", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := fs.Keys(ctx)
	if err != nil || len(keys) != len(hostile) {
		t.Errorf("Keys() = %q, %v; want the %d hostile keys", keys, err, len(hostile))
	}
}

func TestFileStore_symlinkOut(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "store")
	fs, err := crypto.NewFileStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Close()
	outside := filepath.Join(parent, "outside")
	if err := os.WriteFile(outside, []byte("not yours"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "evil")); err != nil {
		t.Fatal(err)
	}
	if got, err := fs.Get(context.Background(), "evil"); err == nil {
		t.Errorf("Get(symlink out of the directory) = %q; want an error", got)
	}
}

func TestFileStore_foreignFilesAndLimits(t *testing.T) {
	fs := newFileStore(t)
	ctx := context.Background()
	if err := fs.Put(ctx, "real", []byte("v")); err != nil {
		t.Fatal(err)
	}
	keys, _ := fs.Keys(ctx)
	if len(keys) != 1 || keys[0] != "real" {
		t.Fatalf("Keys() = %q; want [real]", keys)
	}
	long := strings.Repeat("/", crypto.MaxKeyLen) // escapes to 450 bytes of file name
	if err := fs.Put(ctx, long, []byte("long")); err != nil {
		t.Fatalf("Put(key escaping past 255 bytes) error = %v", err)
	}
	if got, err := fs.Get(ctx, long); string(got) != "long" || err != nil {
		t.Errorf("Get(long key) = %q, %v; want long", got, err)
	}
	keys, _ = fs.Keys(ctx)
	if len(keys) != 2 || keys[0] != long {
		t.Errorf("Keys() = %q; want the long key and real", keys)
	}
}

func TestFileStore_foreignNamesIgnored(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "s")
	fs, err := crypto.NewFileStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Close()
	for _, name := range []string{"UPPER", ".tmp-abc", "bad%2", "bad%zz", "lower%2f", "%61", "%2Efine", "~", "~UPPER", "~c5h66", "~zz"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "subdir"), 0o700); err != nil {
		t.Fatal(err)
	}
	keys, err := fs.Keys(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(keys, "|") != ".fine" {
		t.Errorf("Keys() = %q; want only [.fine] (the one name the store would write)", keys)
	}
}

func TestStores_badInput(t *testing.T) {
	ctx := context.Background()
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	stores := map[string]crypto.ByteStore{"memory": crypto.NewMemoryStore(), "file": newFileStore(t)}
	for name, s := range stores {
		for _, key := range []string{"", strings.Repeat("k", crypto.MaxKeyLen+1), "bad\xffutf8", "nul\x00"} {
			if err := s.Put(ctx, key, nil); !errors.Is(err, crypto.ErrInvalidKey) {
				t.Errorf("%s Put(%.20q) error = %v; want ErrInvalidKey", name, key, err)
			}
			if _, err := s.Get(ctx, key); !errors.Is(err, crypto.ErrInvalidKey) {
				t.Errorf("%s Get(%.20q) error = %v; want ErrInvalidKey", name, key, err)
			}
			if err := s.Delete(ctx, key); !errors.Is(err, crypto.ErrInvalidKey) {
				t.Errorf("%s Delete(%.20q) error = %v; want ErrInvalidKey", name, key, err)
			}
		}
		if err := s.Put(canceled, "k", nil); !errors.Is(err, context.Canceled) {
			t.Errorf("%s Put(canceled ctx) error = %v; want context.Canceled", name, err)
		}
	}
	var nilMem *crypto.MemoryStore
	var nilFile *crypto.FileStore
	for name, s := range map[string]crypto.ByteStore{"nil memory": nilMem, "nil file": nilFile} {
		if _, err := s.Get(ctx, "k"); !errors.Is(err, crypto.ErrNilStore) {
			t.Errorf("%s Get() error = %v; want ErrNilStore", name, err)
		}
		if err := s.Put(ctx, "k", nil); !errors.Is(err, crypto.ErrNilStore) {
			t.Errorf("%s Put() error = %v; want ErrNilStore", name, err)
		}
	}
	if err := nilFile.Close(); !errors.Is(err, crypto.ErrNilStore) {
		t.Errorf("nil FileStore Close() error = %v; want ErrNilStore", err)
	}
	fs := newFileStore(t)
	fs.Close()
	if err := fs.Put(ctx, "k", nil); err == nil {
		t.Error("Put after Close error = nil; want an error")
	}
}
