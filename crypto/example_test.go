package crypto_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sync"

	"github.com/inboxkit/inboxkit/crypto"
)

// exampleKeys stands in for an environment variable such as
// INBOXKIT_KEYS. Real keys come from crypto.GenerateKey and
// crypto.FormatKey and live in a secret manager, never in source.
func exampleKeys() string {
	k1, _ := crypto.FormatKey("2025-06", bytes.Repeat([]byte{1}, crypto.KeySize))
	k0, _ := crypto.FormatKey("2024-01", bytes.Repeat([]byte{2}, crypto.KeySize))
	return k1 + "," + k0
}

// A host keeps a mailbox's SMTP/IMAP password sealed, and loads it by
// account when it connects.
func Example() {
	ctx := context.Background()
	ring, err := crypto.ParseKeyring(exampleKeys()) // os.Getenv("INBOXKIT_KEYS")
	if err != nil {
		log.Fatal(err)
	}
	creds, err := crypto.NewCredentialStore(crypto.NewMemoryStore(), ring)
	if err != nil {
		log.Fatal(err)
	}
	err = creds.Save(ctx, &crypto.Credentials{
		Kind:     "smtpimap",
		Account:  "alice@example.com",
		Password: crypto.Secret("app-password"),
	})
	if err != nil {
		log.Fatal(err)
	}

	c, err := creds.Load(ctx, "smtpimap", "alice@example.com")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c)
	fmt.Println("user:", c.User(), "password:", c.Password)
	fmt.Println("password length:", len(c.Password.Reveal()))
	// Output:
	// {Kind:smtpimap Account:alice@example.com Username: Auth:password Secret:[REDACTED]}
	// user: alice@example.com password: [REDACTED]
	// password length: 12
}

// rowStore is a host's own ByteStore: here a map standing in for a
// database table with a TEXT column, so it keeps the text form.
type rowStore struct {
	mu   sync.Mutex
	rows map[string]string
}

func (s *rowStore) Get(_ context.Context, key string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	text, ok := s.rows[key]
	if !ok {
		return nil, crypto.ErrNotFound // what inboxkit expects for a missing row
	}
	return crypto.DecodeText(text)
}

func (s *rowStore) Put(_ context.Context, key string, value []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rows[key] = crypto.EncodeText(value)
	return nil
}

func (s *rowStore) Delete(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.rows, key)
	return nil
}

// A host wires its own storage: it implements crypto.ByteStore (and checks
// it with crypto/storetest in its tests), and inboxkit seals every value
// before handing it over.
func Example_hostStore() {
	ctx := context.Background()
	ring, err := crypto.ParseKeyring(exampleKeys())
	if err != nil {
		log.Fatal(err)
	}
	db := &rowStore{rows: map[string]string{}}
	creds, err := crypto.NewCredentialStore(db, ring)
	if err != nil {
		log.Fatal(err)
	}
	if err := creds.Save(ctx, &crypto.Credentials{Kind: "smtpimap", Account: "bob@example.com", Username: "bob", Password: "s3cret"}); err != nil {
		log.Fatal(err)
	}

	for key, text := range db.rows {
		sealed, _ := crypto.DecodeText(text)
		id, _ := crypto.SealedKeyID(sealed)
		fmt.Printf("row %s: %d chars of base64url, sealed by key %s\n", key, len(text), id)
	}
	c, err := creds.Load(ctx, "smtpimap", "bob@example.com")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.User(), c.Password.Reveal() == "s3cret")
	_, err = creds.Load(ctx, "smtpimap", "carol@example.com")
	fmt.Println(errors.Is(err, crypto.ErrNotFound))
	// Output:
	// row cred/smtpimap/bob@example.com: 204 chars of base64url, sealed by key 2025-06
	// bob true
	// true
}

// Rotation: make a new key primary, keep the old one to open, reseal every
// stored value, then drop the old key.
func ExampleSealedStore_ResealAll() {
	ctx := context.Background()
	store := crypto.NewMemoryStore()
	oldKey := bytes.Repeat([]byte{2}, crypto.KeySize)
	newKey := bytes.Repeat([]byte{1}, crypto.KeySize)

	before, _ := crypto.NewKeyring("2024-01", map[string][]byte{"2024-01": oldKey})
	s, _ := crypto.NewSealedStore(store, before)
	_ = s.Put(ctx, "cred/gmail/a@example.com", []byte("refresh-token"))

	during, _ := crypto.NewKeyring("2025-06", map[string][]byte{"2025-06": newKey, "2024-01": oldKey})
	s, _ = crypto.NewSealedStore(store, during)
	stale, _ := s.NeedsReseal(ctx, "cred/gmail/a@example.com")
	fmt.Println("needs reseal:", stale)
	n, err := s.ResealAll(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("resealed:", n)

	after, _ := crypto.NewKeyring("2025-06", map[string][]byte{"2025-06": newKey})
	s, _ = crypto.NewSealedStore(store, after)
	v, err := s.Get(ctx, "cred/gmail/a@example.com")
	fmt.Println(string(v), err)
	// Output:
	// needs reseal: true
	// resealed: 1
	// refresh-token <nil>
}

// A sealed value is bound to its record key: copied to another key, it
// does not open.
func ExampleKeyring_Open() {
	ring, _ := crypto.ParseKeyring(exampleKeys())
	sealed, _ := ring.Seal([]byte("token"), []byte("cred/gmail/alice@example.com"))

	p, err := ring.Open(sealed, []byte("cred/gmail/alice@example.com"))
	fmt.Println(string(p), err)
	_, err = ring.Open(sealed, []byte("cred/gmail/mallory@example.com"))
	fmt.Println(errors.Is(err, crypto.ErrAuthFailed))
	sealed[len(sealed)-1] ^= 1
	_, err = ring.Open(sealed, []byte("cred/gmail/alice@example.com"))
	fmt.Println(err)
	// Output:
	// token <nil>
	// true
	// crypto: message authentication failed
}

// Errors from ParseKeyring name the entry, never the key material.
func ExampleParseKeyring() {
	_, err := crypto.ParseKeyring("2025-06:c2hvcnQta2V5")
	fmt.Println(err)
	fmt.Println(errors.Is(err, crypto.ErrKeySize))
	_, err = crypto.ParseKeyring("Zm9vYmFyYmF6cXV4")
	fmt.Println(err)
	// Output:
	// crypto: invalid key ring: entry 1: key is 9 bytes, want 64
	// true
	// crypto: invalid key ring: entry 1: want ID:base64url-key
}

func ExampleNewAEAD() {
	key := bytes.Repeat([]byte{7}, crypto.KeySize)
	aead, err := crypto.NewAEAD(key)
	if err != nil {
		log.Fatal(err)
	}
	iv := make([]byte, aead.NonceSize()) // use a random IV in real use
	ct := aead.Seal(nil, iv, []byte("hello"), []byte("header"))
	fmt.Println(len(ct), "bytes: one block of C and a 32-byte tag")
	p, err := aead.Open(nil, iv, ct, []byte("header"))
	fmt.Println(string(p), err)
	// Output:
	// 48 bytes: one block of C and a 32-byte tag
	// hello <nil>
}

func ExampleFileStore() {
	dir, err := os.MkdirTemp("", "inboxkit-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	files, err := crypto.NewFileStore(filepath.Join(dir, "credentials"))
	if err != nil {
		log.Fatal(err)
	}
	defer files.Close()
	ring, _ := crypto.ParseKeyring(exampleKeys())
	s, _ := crypto.NewSealedStore(files, ring)
	if err := s.Put(context.Background(), "cred/smtpimap/Alice@example.com", []byte("pw")); err != nil {
		log.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "credentials"))
	for _, e := range entries {
		info, _ := e.Info()
		fmt.Println(e.Name(), info.Mode())
	}
	// Output:
	// cred%2Fsmtpimap%2F%41lice@example.com -rw-------
}

func ExampleSecret() {
	type config struct {
		User     string
		Password crypto.Secret
	}
	c := config{User: "alice", Password: crypto.Secret("hunter2")}
	fmt.Printf("%+v\n", c)
	fmt.Println(c.Password.Reveal())
	// Output:
	// {User:alice Password:[REDACTED]}
	// hunter2
}
