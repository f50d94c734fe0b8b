package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/jackc/pgx/v5"
)

// Credentials is a crypto.ByteStore (and crypto.Lister) in the sealed_value
// table. Wrap it in a crypto.SealedStore so that credentials are sealed
// before they reach the database; the table only ever sees opaque bytes.
// It is safe for concurrent use.
type Credentials struct{ s *Store }

var (
	_ crypto.ByteStore = (*Credentials)(nil)
	_ crypto.Lister    = (*Credentials)(nil)
)

// Credentials returns the Store's byte store for sealed credentials.
func (s *Store) Credentials() *Credentials { return &Credentials{s: s} }

// Get implements crypto.ByteStore.
func (c *Credentials) Get(ctx context.Context, key string) ([]byte, error) {
	if err := crypto.ValidateKey(key); err != nil {
		return nil, err
	}
	var v []byte
	err := c.s.pool.QueryRow(ctx, c.s.q("credential_get"), key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		// The key is the host's record name, not a secret, but keep it out
		// of errors all the same, as crypto's own stores do.
		return nil, fmt.Errorf("pgstore: credential: %w", crypto.ErrNotFound)
	}
	if err != nil {
		return nil, wrap("credential get", err)
	}
	if v == nil {
		v = []byte{}
	}
	return v, nil
}

// Put implements crypto.ByteStore.
func (c *Credentials) Put(ctx context.Context, key string, value []byte) error {
	if err := crypto.ValidateKey(key); err != nil {
		return err
	}
	if value == nil {
		value = []byte{}
	}
	_, err := c.s.exec(ctx, "credential put", c.s.q("credential_put"), key, value, c.s.clock())
	return wrap("credential put", err)
}

// Delete implements crypto.ByteStore.
func (c *Credentials) Delete(ctx context.Context, key string) error {
	if err := crypto.ValidateKey(key); err != nil {
		return err
	}
	_, err := c.s.exec(ctx, "credential delete", c.s.q("credential_delete"), key)
	return wrap("credential delete", err)
}

// Keys implements crypto.Lister.
func (c *Credentials) Keys(ctx context.Context) ([]string, error) {
	rows, err := c.s.pool.Query(ctx, c.s.q("credential_keys"))
	if err != nil {
		return nil, wrap("credential keys", err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return keys, wrap("credential keys", err)
}
