package crypto_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/crypto"
	"golang.org/x/oauth2"
)

func credStore(t *testing.T) (*crypto.CredentialStore, *crypto.MemoryStore) {
	t.Helper()
	k, _ := ring(t, "k")
	mem := crypto.NewMemoryStore()
	cs, err := crypto.NewCredentialStore(mem, k)
	if err != nil {
		t.Fatal(err)
	}
	return cs, mem
}

func TestCredentialStore_password(t *testing.T) {
	ctx := context.Background()
	cs, mem := credStore(t)
	in := &crypto.Credentials{Kind: "smtpimap", Account: "Alice@Example.com", Username: "alice", Password: "hunter2-long-password"}
	if err := cs.Save(ctx, in); err != nil {
		t.Fatal(err)
	}
	got, err := cs.Load(ctx, "smtpimap", "alice@example.com ")
	if err != nil {
		t.Fatal(err)
	}
	if got.Kind != "smtpimap" || got.Account != "Alice@Example.com" || got.Username != "alice" || got.Password.Reveal() != "hunter2-long-password" || got.Token != nil {
		t.Errorf("Load() = %+v (password %q); want the saved credentials", got, got.Password.Reveal())
	}
	raw, err := mem.Get(ctx, "cred/smtpimap/alice@example.com")
	if err != nil {
		t.Fatalf("raw record under CredentialKey: %v", err)
	}
	if bytes.Contains(raw, []byte("hunter2")) {
		t.Error("stored record contains the password in the clear")
	}
	if _, err := cs.Load(ctx, "gmail", "alice@example.com"); !errors.Is(err, crypto.ErrNotFound) {
		t.Errorf("Load(other kind) error = %v; want ErrNotFound", err)
	}
	// The record moved to another account's key does not open.
	_ = mem.Put(ctx, crypto.CredentialKey("smtpimap", "bob@example.com"), raw)
	if _, err := cs.Load(ctx, "smtpimap", "bob@example.com"); !errors.Is(err, crypto.ErrAuthFailed) {
		t.Errorf("Load(moved record) error = %v; want ErrAuthFailed", err)
	}
	if err := cs.Delete(ctx, "smtpimap", "ALICE@example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.Load(ctx, "smtpimap", "alice@example.com"); !errors.Is(err, crypto.ErrNotFound) {
		t.Errorf("Load(after Delete) error = %v; want ErrNotFound", err)
	}
}

func TestCredentialStore_oauth2(t *testing.T) {
	ctx := context.Background()
	cs, _ := credStore(t)
	expiry := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	tok := &oauth2.Token{AccessToken: "ya29.access", TokenType: "Bearer", RefreshToken: "1//refresh", Expiry: expiry}
	if err := cs.Save(ctx, &crypto.Credentials{Kind: "gmail", Account: "a@gmail.com", Token: tok}); err != nil {
		t.Fatal(err)
	}
	got, err := cs.Load(ctx, "gmail", "a@gmail.com")
	if err != nil {
		t.Fatal(err)
	}
	if got.Token == nil || got.Token.AccessToken != tok.AccessToken || got.Token.RefreshToken != tok.RefreshToken ||
		got.Token.TokenType != "Bearer" || !got.Token.Expiry.Equal(expiry) || !got.Password.Empty() {
		t.Errorf("Load() token = %+v; want %+v", got.Token, tok)
	}
	if got.User() != "a@gmail.com" {
		t.Errorf("User() = %q; want the account", got.User())
	}
	// A rotated refresh token replaces the old one.
	tok2 := &oauth2.Token{AccessToken: "new", RefreshToken: "1//rotated"}
	if err := cs.Save(ctx, &crypto.Credentials{Kind: "gmail", Account: "a@gmail.com", Token: tok2}); err != nil {
		t.Fatal(err)
	}
	if got, _ := cs.Load(ctx, "gmail", "a@gmail.com"); got.Token.RefreshToken != "1//rotated" {
		t.Errorf("Load() after rotation refresh token = %q; want 1//rotated", got.Token.RefreshToken)
	}
}

func TestCredentials_Validate(t *testing.T) {
	tok := &oauth2.Token{RefreshToken: "r"}
	tests := []struct {
		name string
		c    *crypto.Credentials
	}{
		{"nil", nil},
		{"no kind", &crypto.Credentials{Account: "a@b", Password: "p"}},
		{"kind with slash", &crypto.Credentials{Kind: "a/b", Account: "a@b", Password: "p"}},
		{"no account", &crypto.Credentials{Kind: "smtpimap", Password: "p"}},
		{"blank account", &crypto.Credentials{Kind: "smtpimap", Account: "  ", Password: "p"}},
		{"no secret", &crypto.Credentials{Kind: "smtpimap", Account: "a@b"}},
		{"both", &crypto.Credentials{Kind: "gmail", Account: "a@b", Token: tok, Password: "p"}},
		{"empty token", &crypto.Credentials{Kind: "gmail", Account: "a@b", Token: &oauth2.Token{}}},
	}
	ctx := context.Background()
	cs, _ := credStore(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.c.Validate(); !errors.Is(err, crypto.ErrInvalidCredentials) {
				t.Errorf("Validate() = %v; want ErrInvalidCredentials", err)
			}
			if err := cs.Save(ctx, tc.c); !errors.Is(err, crypto.ErrInvalidCredentials) {
				t.Errorf("Save() = %v; want ErrInvalidCredentials", err)
			}
		})
	}
	long := &crypto.Credentials{Kind: "smtpimap", Account: strings.Repeat("a", crypto.MaxKeyLen) + "@b", Password: "p"}
	if err := long.Validate(); !errors.Is(err, crypto.ErrInvalidKey) {
		t.Errorf("Validate(overlong account) = %v; want ErrInvalidKey", err)
	}
}

func TestCredentialStore_corruptRecord(t *testing.T) {
	ctx := context.Background()
	k, _ := ring(t, "k")
	mem := crypto.NewMemoryStore()
	cs, _ := crypto.NewCredentialStore(mem, k)
	sealed, _ := crypto.NewSealedStore(mem, k)
	key := crypto.CredentialKey("smtpimap", "a@b.c")
	for name, plain := range map[string]string{
		"not JSON":        "not json",
		"wrong version":   `{"v":2,"kind":"smtpimap","account":"a@b.c","password":"p"}`,
		"other account":   `{"v":1,"kind":"smtpimap","account":"z@b.c","password":"p"}`,
		"password object": `{"v":1,"kind":"smtpimap","account":"a@b.c","password":{}}`,
	} {
		_ = sealed.Put(ctx, key, []byte(plain))
		if got, err := cs.Load(ctx, "smtpimap", "a@b.c"); got != nil || !errors.Is(err, crypto.ErrMalformed) {
			t.Errorf("Load(%s) = %v, %v; want nil, ErrMalformed", name, got, err)
		}
	}
}

// TestCredentials_redacted checks every way Credentials can be shown.
func TestCredentials_redacted(t *testing.T) {
	c := &crypto.Credentials{Kind: "gmail", Account: "a@b.c", Token: &oauth2.Token{AccessToken: "ACCESS-XYZ", RefreshToken: "REFRESH-XYZ"}}
	p := &crypto.Credentials{Kind: "smtpimap", Account: "a@b.c", Username: "user", Password: "PASSWORD-XYZ"}
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	logger.Info("connected", "creds", c, "pw", p)
	outputs := []string{logs.String()}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		outputs = append(outputs, fmt.Sprintf(verb, c), fmt.Sprintf(verb, p), fmt.Sprintf(verb, struct{ C *crypto.Credentials }{p}), fmt.Sprintf(verb, *c), fmt.Sprintf(verb, []crypto.Credentials{*c}))
	}
	for _, out := range outputs {
		for _, secret := range []string{"ACCESS-XYZ", "REFRESH-XYZ", "PASSWORD-XYZ"} {
			if strings.Contains(out, secret) {
				t.Errorf("output %q leaks %s", out, secret)
			}
		}
	}
	if want := "{Kind:smtpimap Account:a@b.c Username:user Auth:password Secret:[REDACTED]}"; p.String() != want {
		t.Errorf("String() = %q; want %q", p.String(), want)
	}
	var entry struct {
		Creds map[string]string `json:"creds"`
	}
	if err := json.Unmarshal(logs.Bytes(), &entry); err != nil {
		t.Fatal(err)
	}
	if entry.Creds["kind"] != "gmail" || entry.Creds["auth"] != "oauth2" {
		t.Errorf("slog group = %v; want kind gmail, auth oauth2", entry.Creds)
	}
	var nilCreds *crypto.Credentials
	if got := fmt.Sprint(nilCreds); got != "<nil>" {
		t.Errorf("Sprint(nil) = %q", got)
	}
}
