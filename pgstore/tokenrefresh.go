package pgstore

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/jackc/pgx/v5"
	"golang.org/x/oauth2"
)

// RefreshFunc asks the token endpoint for a new token given the stored
// one. It returns provider errors: ErrAuth for a dead grant
// (invalid_grant), ErrTemporary for what may pass.
type RefreshFunc func(ctx context.Context, old *oauth2.Token) (*oauth2.Token, error)

// ConfigRefresher returns a RefreshFunc over cfg's token endpoint, sending
// requests through client (nil: http.DefaultClient). The result keeps the
// old refresh token when the endpoint sends no new one.
func ConfigRefresher(cfg *oauth2.Config, client *http.Client) RefreshFunc {
	return func(ctx context.Context, old *oauth2.Token) (*oauth2.Token, error) {
		if old == nil || old.RefreshToken == "" {
			return nil, &provider.Error{Op: "pgstore: token refresh", Code: provider.ErrAuth,
				Err: errors.New("pgstore: access token expired and no refresh token is stored")}
		}
		if client != nil {
			ctx = context.WithValue(ctx, oauth2.HTTPClient, client)
		}
		tok, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: old.RefreshToken}).Token()
		if err == nil {
			return tok, nil
		}
		code := provider.ErrTemporary
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && (re.ErrorCode == "invalid_grant" || re.ErrorCode == "invalid_client" || re.ErrorCode == "unauthorized_client") {
			code = provider.ErrAuth
		}
		return nil, &provider.Error{Op: "pgstore: token refresh", Code: code, Err: err}
	}
}

// Refresh returns a valid token for key, refreshing it through refresh
// when the stored one expires within early or its access token is
// rejected (an access token the API answered 401 to; "" for none). The
// stored row stays locked from the check until the new token is written,
// so replicas that need the token at the same moment wait for the first
// refresh and then find the new token: the endpoint sees one refresh per
// expiry, cluster-wide.
//
// The lock is held across the call to the token endpoint, so bound ctx.
// When the endpoint answered but the new token could not be written (the
// database went away), Refresh returns the new token with an error
// matching provider.ErrTemporary and the version it read; the caller
// should use the token and retry storing it with CompareAndSwap from that
// version, since it may carry the only valid refresh token.
func (t *Tokens) Refresh(ctx context.Context, key string, early time.Duration, rejected string, refresh RefreshFunc) (*StoredToken, error) {
	now := time.Now
	if t.s.now != nil {
		now = t.s.now
	}
	var out *StoredToken
	var refreshed *oauth2.Token // from the endpoint, stored or not
	var read int64              // the version the refresh replaced
	// One attempt only: the transaction calls the token endpoint, which
	// must never run twice for one expiry. With one row locked, neither a
	// deadlock nor a serialization failure (read committed) can happen.
	err := pgx.BeginTxFunc(ctx, t.s.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		var sealed []byte
		var version int64
		if err := tx.QueryRow(ctx, t.s.q("token_lock"), key).Scan(&sealed, &version); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return &provider.Error{Op: "pgstore: token refresh", Code: provider.ErrNotFound}
			}
			return err
		}
		tok, err := t.openToken(key, sealed)
		if err != nil {
			return err
		}
		out = &StoredToken{Token: tok, Version: version}
		if fresh(tok, now().Add(early)) && (rejected == "" || tok.AccessToken != rejected) {
			return nil
		}
		next, err := refresh(ctx, tok)
		if err != nil {
			return err
		}
		if next.RefreshToken == "" {
			next.RefreshToken = tok.RefreshToken
		}
		refreshed, read = next, version
		v, err := t.swap(ctx, tx, key, version, next, 1)
		if err != nil {
			return err
		}
		out = &StoredToken{Token: next, Version: v}
		return nil
	})
	switch {
	case err == nil:
		return out, nil
	case refreshed != nil:
		// Refreshed, but the write or the commit failed.
		return &StoredToken{Token: refreshed, Version: read},
			&provider.Error{Op: "pgstore: token refresh", Code: provider.ErrTemporary,
				Err: fmt.Errorf("pgstore: storing the refreshed token: %w", err)}
	}
	var pe *provider.Error
	if errors.As(err, &pe) {
		return nil, err
	}
	return nil, wrap("token refresh", err)
}

func fresh(tok *oauth2.Token, until time.Time) bool {
	return tok != nil && tok.AccessToken != "" && (tok.Expiry.IsZero() || until.Before(tok.Expiry))
}
