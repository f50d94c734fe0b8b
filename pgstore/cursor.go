package pgstore

import (
	"context"
	"errors"

	"github.com/inboxkit/inboxkit/engine"
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

var _ engine.FencedCursors = (*Store)(nil)

// SaveCursorFenced implements engine.FencedCursors: it saves cursor unless
// a cursor was saved for account under a greater fence (a replica that
// took the account over since), in which case it returns
// engine.ErrLeaseLost. SaveCursor leaves the stored fence as it is.
func (s *Store) SaveCursorFenced(ctx context.Context, account, cursor string, fence uint64) error {
	var saved bool
	err := s.retry(ctx, "save cursor", func() error {
		err := s.pool.QueryRow(ctx, s.q("cursor_save_fenced"), account, cursor, int64(fence), s.clock()).Scan(new(int))
		saved = err == nil
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		return err
	})
	if err != nil {
		return wrap("save cursor", err)
	}
	if !saved {
		return engine.ErrLeaseLost
	}
	return nil
}
