package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/jackc/pgx/v5"
	"golang.org/x/oauth2"
)

// ErrConflict is returned (wrapped) by Tokens.CompareAndSwap when the
// stored token changed since the writer read it.
var ErrConflict = errors.New("pgstore: changed concurrently")

// Sealer seals values before they reach the database and opens them after;
// *crypto.Keyring is one.
type Sealer interface {
	Seal(plaintext, ad []byte) ([]byte, error)
	Open(sealed, ad []byte) ([]byte, error)
}

// Tokens keeps OAuth tokens in the oauth_token table, sealed, under a key
// the host chooses (say "gmail/ada@example.com"). Every write is
// compare-and-swap on a version that grows with each write, so a writer
// holding an old token never overwrites a rotated refresh token; Refresh
// coordinates replicas so that one refresh serves them all. It is safe for
// concurrent use.
type Tokens struct {
	s    *Store
	seal Sealer
}

// StoredToken is a token and the version it was stored at.
type StoredToken struct {
	Token   *oauth2.Token
	Version int64
}

// Tokens returns the Store's token store, sealing with sealer.
func (s *Store) Tokens(sealer Sealer) (*Tokens, error) {
	if sealer == nil {
		return nil, errors.New("pgstore: tokens need a Sealer (a *crypto.Keyring): refresh tokens are never stored in the clear")
	}
	return &Tokens{s: s, seal: sealer}, nil
}

// ad binds a sealed token to its key and schema, so a sealed blob copied
// to another row does not open.
func (t *Tokens) ad(key string) []byte {
	return []byte("inboxkit/oauth_token/" + t.s.schema + "/" + key)
}

// sealed is what goes into the table: the token as JSON, sealed.
func (t *Tokens) sealToken(key string, tok *oauth2.Token) ([]byte, *time.Time, error) {
	if tok == nil {
		return nil, nil, providerkit.Invalid("token", "nil")
	}
	plain, err := json.Marshal(tok)
	if err != nil {
		return nil, nil, fmt.Errorf("pgstore: encoding a token: %w", err)
	}
	sealed, err := t.seal.Seal(plain, t.ad(key))
	clear(plain)
	if err != nil {
		return nil, nil, fmt.Errorf("pgstore: sealing a token: %w", err)
	}
	var exp *time.Time
	if !tok.Expiry.IsZero() {
		exp = &tok.Expiry
	}
	return sealed, exp, nil
}

func (t *Tokens) openToken(key string, sealed []byte) (*oauth2.Token, error) {
	plain, err := t.seal.Open(sealed, t.ad(key))
	if err != nil {
		// Opening errors name the key ID at most, never the contents.
		return nil, fmt.Errorf("pgstore: opening a stored token: %w", err)
	}
	defer clear(plain)
	var tok oauth2.Token
	if err := json.Unmarshal(plain, &tok); err != nil {
		return nil, errors.New("pgstore: a stored token does not decode")
	}
	return &tok, nil
}

// Load returns the token stored under key and its version, or an error
// matching provider.ErrNotFound.
func (t *Tokens) Load(ctx context.Context, key string) (*StoredToken, error) {
	var sealed []byte
	var version int64
	err := t.s.pool.QueryRow(ctx, t.s.q("token_load"), key).Scan(&sealed, &version)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, &provider.Error{Op: "pgstore: token load", Code: provider.ErrNotFound}
	}
	if err != nil {
		return nil, wrap("token load", err)
	}
	tok, err := t.openToken(key, sealed)
	if err != nil {
		return nil, err
	}
	return &StoredToken{Token: tok, Version: version}, nil
}

// Put stores tok under key whatever was there (after a connect flow, where
// the user's new consent replaces the old grant) and returns its version.
func (t *Tokens) Put(ctx context.Context, key string, tok *oauth2.Token) (int64, error) {
	sealed, exp, err := t.sealToken(key, tok)
	if err != nil {
		return 0, err
	}
	var v int64
	err = t.s.retry(ctx, "token put", func() error {
		return t.s.pool.QueryRow(ctx, t.s.q("token_put"), key, sealed, exp, t.s.clock()).Scan(&v)
	})
	return v, wrap("token put", err)
}

// CompareAndSwap stores next under key only if the stored version is
// still version, and returns the new version. Otherwise nothing changes
// and the error matches ErrConflict (or provider.ErrNotFound when nothing
// is stored).
func (t *Tokens) CompareAndSwap(ctx context.Context, key string, version int64, next *oauth2.Token) (int64, error) {
	return t.swap(ctx, t.s.pool, key, version, next, 0)
}

// Delete removes the token stored under key (after the user disconnects).
func (t *Tokens) Delete(ctx context.Context, key string) error {
	_, err := t.s.exec(ctx, "token delete", t.s.q("token_delete"), key)
	return wrap("token delete", err)
}

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func (t *Tokens) swap(ctx context.Context, q querier, key string, version int64, next *oauth2.Token, refreshed int) (int64, error) {
	sealed, exp, err := t.sealToken(key, next)
	if err != nil {
		return 0, err
	}
	var v int64
	err = q.QueryRow(ctx, t.s.q("token_swap"), key, version, sealed, exp, refreshed, t.s.clock()).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		if _, lerr := t.Load(ctx, key); errors.Is(lerr, provider.ErrNotFound) {
			return 0, lerr
		}
		return 0, fmt.Errorf("%w: the stored token is newer than version %d", ErrConflict, version)
	}
	return v, wrap("token swap", err)
}
