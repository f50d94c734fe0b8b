package crypto

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
)

// FileStore is a ByteStore (and Lister) that keeps one file per key in a
// directory: written to a temporary file, synced and renamed into place, so
// a reader or a crash sees the old value or the new one, never a mix. The
// directory is mode 0700 and the files 0600.
//
// Keys become file names by escaping: lower-case ASCII letters, digits and
// "-_@+" stay as they are, '.' too except as the first byte, and every other
// byte becomes %XX (upper-case hex). So "smtpimap/Bob@example.com" is
// stored as "smtpimap%2F%42ob@example.com": no key can name a path outside
// the directory, a hidden file or "..", and keys that differ only in case
// stay distinct on case-insensitive file systems. All access also goes
// through an os.Root, which refuses to leave the directory. A key whose
// escaped name would exceed 255 bytes is stored as "~" and its lower-case
// unpadded base32hex instead (at most 241 bytes for MaxKeyLen), so every
// valid key fits and Keys can still list it.
//
// A FileStore is safe for concurrent use within one process; Close releases
// its directory handle.
type FileStore struct {
	root *os.Root
}

var (
	_ ByteStore = (*FileStore)(nil)
	_ Lister    = (*FileStore)(nil)
)

const (
	tmpPrefix   = ".tmp-"
	maxFileName = 255
)

// NewFileStore opens (creating it with mode 0700 if missing) the directory
// dir as a FileStore. An existing directory that group or others may read,
// write or enter is refused rather than silently trusted.
func NewFileStore(dir string) (*FileStore, error) {
	if dir == "" {
		return nil, errors.New("crypto: file store: empty directory name")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("crypto: file store: %w", err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("crypto: file store: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("crypto: file store: %s is not a directory", dir)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("crypto: file store: directory %s has mode %#o; want 0700 (chmod 700 it)", dir, perm)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("crypto: file store: %w", err)
	}
	return &FileStore{root: root}, nil
}

// Close releases the directory handle. Further calls fail.
func (f *FileStore) Close() error {
	if f == nil {
		return fmt.Errorf("%w: nil *FileStore", ErrNilStore)
	}
	return f.root.Close()
}

func (f *FileStore) name(ctx context.Context, key string) (string, error) {
	if f == nil {
		return "", fmt.Errorf("%w: nil *FileStore", ErrNilStore)
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if err := ValidateKey(key); err != nil {
		return "", err
	}
	return fileName(key), nil
}

// Get reads the value under key, or returns ErrNotFound.
func (f *FileStore) Get(ctx context.Context, key string) ([]byte, error) {
	name, err := f.name(ctx, key)
	if err != nil {
		return nil, err
	}
	b, err := f.root.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, key)
	}
	if err != nil {
		return nil, fmt.Errorf("crypto: file store: %w", err)
	}
	return b, nil
}

// Put writes value under key atomically: temporary file, fsync, rename,
// then fsync of the directory.
func (f *FileStore) Put(ctx context.Context, key string, value []byte) error {
	name, err := f.name(ctx, key)
	if err != nil {
		return err
	}
	var rnd [8]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return fmt.Errorf("crypto: file store: %w", err)
	}
	tmp := tmpPrefix + hex.EncodeToString(rnd[:])
	file, err := f.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("crypto: file store: %w", err)
	}
	_, werr := file.Write(value)
	serr := file.Sync()
	cerr := file.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		_ = f.root.Remove(tmp)
		return fmt.Errorf("crypto: file store: write: %w", err)
	}
	if err := f.root.Rename(tmp, name); err != nil {
		_ = f.root.Remove(tmp)
		return fmt.Errorf("crypto: file store: %w", err)
	}
	return f.syncDir()
}

func (f *FileStore) syncDir() error {
	d, err := f.root.Open(".")
	if err != nil {
		return fmt.Errorf("crypto: file store: %w", err)
	}
	serr := d.Sync()
	cerr := d.Close()
	if err := errors.Join(serr, cerr); err != nil {
		return fmt.Errorf("crypto: file store: sync directory: %w", err)
	}
	return nil
}

// Delete removes the file for key; a missing key is not an error.
func (f *FileStore) Delete(ctx context.Context, key string) error {
	name, err := f.name(ctx, key)
	if err != nil {
		return err
	}
	if err := f.root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("crypto: file store: %w", err)
	}
	return nil
}

// Keys returns the stored keys, sorted. Files the store did not write
// (names it would not produce) are ignored.
func (f *FileStore) Keys(ctx context.Context) ([]string, error) {
	if _, err := f.name(ctx, "k"); err != nil {
		return nil, err
	}
	d, err := f.root.Open(".")
	if err != nil {
		return nil, fmt.Errorf("crypto: file store: %w", err)
	}
	defer d.Close()
	entries, err := d.ReadDir(-1)
	if err != nil {
		return nil, fmt.Errorf("crypto: file store: %w", err)
	}
	var keys []string
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if key, ok := keyFromFileName(e.Name()); ok {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	return keys, nil
}

func keepByte(c byte, first bool) bool {
	switch {
	case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		return true
	case c == '-' || c == '_' || c == '@' || c == '+':
		return true
	case c == '.':
		return !first
	}
	return false
}

// longPrefix starts the file names of keys too long to escape; escaped
// names never start with it, since '~' is always escaped.
const longPrefix = "~"

// b32 is base32hex without padding; file names use it in lower case.
var b32 = base32.HexEncoding.WithPadding(base32.NoPadding)

// fileName maps a valid key to its file name (see FileStore).
func fileName(key string) string {
	if name := escapeFileName(key); len(name) <= maxFileName {
		return name
	}
	return longPrefix + strings.ToLower(b32.EncodeToString([]byte(key)))
}

// keyFromFileName reverses fileName, accepting only names it produces,
// so each key has exactly one file.
func keyFromFileName(name string) (string, bool) {
	if enc, ok := strings.CutPrefix(name, longPrefix); ok {
		if strings.ToLower(enc) != enc {
			return "", false
		}
		b, err := b32.DecodeString(strings.ToUpper(enc))
		if err != nil || ValidateKey(string(b)) != nil || fileName(string(b)) != name {
			return "", false
		}
		return string(b), true
	}
	key, ok := unescapeFileName(name)
	if !ok || fileName(key) != name {
		return "", false
	}
	return key, true
}

// escapeFileName maps a key to its file name (see FileStore).
func escapeFileName(key string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(key))
	for i := range len(key) {
		c := key[i]
		if keepByte(c, i == 0) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&0xf])
	}
	return b.String()
}

// unescapeFileName reverses escapeFileName, accepting only names it
// produces, so each key has exactly one file.
func unescapeFileName(name string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c != '%' {
			if !keepByte(c, b.Len() == 0) {
				return "", false
			}
			b.WriteByte(c)
			continue
		}
		if i+3 > len(name) {
			return "", false
		}
		v, err := hex.DecodeString(name[i+1 : i+3])
		if err != nil || strings.ToUpper(name[i+1:i+3]) != name[i+1:i+3] || keepByte(v[0], b.Len() == 0) {
			return "", false
		}
		b.WriteByte(v[0])
		i += 2
	}
	key := b.String()
	if ValidateKey(key) != nil {
		return "", false
	}
	return key, true
}
