package pgstore

import (
	"context"
	"errors"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/jackc/pgx/v5"
)

var _ provider.CursorStore = (*Store)(nil)

// Cursor implements provider.CursorStore: the saved cursor, or "" when
// there is none yet.
func (s *Store) Cursor(ctx context.Context, account string) (string, error) {
	var c string
	err := s.pool.QueryRow(ctx, s.q("cursor_get"), account).Scan(&c)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return c, wrap("cursor", err)
}

// SaveCursor implements provider.CursorStore.
func (s *Store) SaveCursor(ctx context.Context, account, cursor string) error {
	_, err := s.exec(ctx, "save cursor", s.q("cursor_save"), account, cursor, s.clock())
	return wrap("save cursor", err)
}
