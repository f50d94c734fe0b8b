package crypto

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"golang.org/x/oauth2"
)

// Credentials are what it takes to reach one connected mailbox: an OAuth2
// token (Gmail, Microsoft Graph, or XOAUTH2 over SMTP/IMAP) or a username
// and password (SMTP/IMAP). Set exactly one of Token and Password.
//
// Credentials print, format and log without their secrets (as a value or
// a pointer): the token and password show as [REDACTED].
type Credentials struct {
	// Kind is the provider kind, such as "gmail", "graph" or "smtpimap".
	Kind string
	// Account is the mailbox address.
	Account string
	// Token is the OAuth2 token, refresh token included.
	Token *oauth2.Token
	// Username is the login name for a password; empty means Account.
	Username string
	// Password is the password or app password.
	Password Secret
}

// Validate reports what is missing or contradictory; the error matches
// ErrInvalidCredentials and contains no secret.
func (c *Credentials) Validate() error {
	switch {
	case c == nil:
		return fmt.Errorf("%w: nil", ErrInvalidCredentials)
	case c.Kind == "" || strings.ContainsAny(c.Kind, "/ "):
		return fmt.Errorf("%w: Kind must be a non-empty word such as \"smtpimap\"", ErrInvalidCredentials)
	case strings.TrimSpace(c.Account) == "":
		return fmt.Errorf("%w: Account is empty", ErrInvalidCredentials)
	case c.Token != nil && !c.Password.Empty():
		return fmt.Errorf("%w: both Token and Password are set", ErrInvalidCredentials)
	case c.Token == nil && c.Password.Empty():
		return fmt.Errorf("%w: neither Token nor Password is set", ErrInvalidCredentials)
	case c.Token != nil && c.Token.AccessToken == "" && c.Token.RefreshToken == "":
		return fmt.Errorf("%w: Token has neither an access nor a refresh token", ErrInvalidCredentials)
	}
	return ValidateKey(CredentialKey(c.Kind, c.Account))
}

// User returns Username, or Account when Username is empty.
func (c *Credentials) User() string {
	if c.Username != "" {
		return c.Username
	}
	return c.Account
}

func (c Credentials) auth() string {
	switch {
	case c.Token != nil:
		return "oauth2"
	case !c.Password.Empty():
		return "password"
	}
	return "none"
}

// String describes the credentials without their secrets.
func (c Credentials) String() string {
	return fmt.Sprintf("{Kind:%s Account:%s Username:%s Auth:%s Secret:%s}", c.Kind, c.Account, c.Username, c.auth(), redacted)
}

// GoString is String, for %#v.
func (c Credentials) GoString() string { return c.String() }

// Format writes String for every verb, so %v, %+v, %#v, %s and %q never
// reach the token or password.
func (c Credentials) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue implements slog.LogValuer without the secrets.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("kind", c.Kind),
		slog.String("account", c.Account),
		slog.String("username", c.Username),
		slog.String("auth", c.auth()),
	)
}

// CredentialKey is the record key Credentials are stored under:
// "cred/" + kind + "/" + the account address, trimmed and lower-cased.
func CredentialKey(kind, account string) string {
	return "cred/" + kind + "/" + strings.ToLower(strings.TrimSpace(account))
}

// credRecord is the sealed plaintext: JSON, with the secrets in the clear
// (Secret would marshal as [REDACTED]) since the whole record is sealed.
type credRecord struct {
	V        int           `json:"v"`
	Kind     string        `json:"kind"`
	Account  string        `json:"account"`
	Username string        `json:"username,omitempty"`
	Password string        `json:"password,omitempty"`
	Token    *oauth2.Token `json:"token,omitempty"`
}

// CredentialStore keeps Credentials sealed in a host's ByteStore, one
// record per provider kind and account (CredentialKey). It is safe for
// concurrent use if the store is.
type CredentialStore struct {
	sealed *SealedStore
}

// NewCredentialStore returns a CredentialStore over store, sealing with
// ring. A nil store or ring is ErrNilStore.
func NewCredentialStore(store ByteStore, ring *Keyring) (*CredentialStore, error) {
	s, err := NewSealedStore(store, ring)
	if err != nil {
		return nil, err
	}
	return &CredentialStore{sealed: s}, nil
}

func (cs *CredentialStore) check() error {
	if cs == nil || cs.sealed == nil {
		return fmt.Errorf("%w: nil or zero CredentialStore (use NewCredentialStore)", ErrNilStore)
	}
	return nil
}

// Sealed returns the SealedStore underneath, for rotation (ResealAll).
func (cs *CredentialStore) Sealed() *SealedStore {
	if cs == nil {
		return nil
	}
	return cs.sealed
}

// Save validates c and stores it sealed under CredentialKey(c.Kind,
// c.Account), replacing what was there (e.g. a rotated refresh token).
func (cs *CredentialStore) Save(ctx context.Context, c *Credentials) error {
	if err := cs.check(); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	b, err := json.Marshal(credRecord{
		V: 1, Kind: c.Kind, Account: c.Account, Username: c.Username,
		Password: c.Password.Reveal(), Token: c.Token,
	})
	if err != nil {
		return fmt.Errorf("crypto: credentials: encode: %w", err)
	}
	defer clear(b)
	return cs.sealed.Put(ctx, CredentialKey(c.Kind, c.Account), b)
}

// Load opens the credentials of kind for account. A missing record
// matches ErrNotFound.
func (cs *CredentialStore) Load(ctx context.Context, kind, account string) (*Credentials, error) {
	if err := cs.check(); err != nil {
		return nil, err
	}
	key := CredentialKey(kind, account)
	b, err := cs.sealed.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer clear(b)
	var r credRecord
	if err := json.Unmarshal(b, &r); err != nil || r.V != 1 {
		return nil, fmt.Errorf("%w: credentials record %q does not decode", ErrMalformed, key)
	}
	if CredentialKey(r.Kind, r.Account) != key {
		return nil, fmt.Errorf("%w: credentials record %q names another account", ErrMalformed, key)
	}
	return &Credentials{
		Kind: r.Kind, Account: r.Account, Username: r.Username,
		Password: Secret(r.Password), Token: r.Token,
	}, nil
}

// Delete removes the credentials of kind for account (disconnecting the
// mailbox). A missing record is not an error.
func (cs *CredentialStore) Delete(ctx context.Context, kind, account string) error {
	if err := cs.check(); err != nil {
		return err
	}
	return cs.sealed.Delete(ctx, CredentialKey(kind, account))
}
