package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/inboxkit/inboxkit/delegation"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Grants is a delegation.GrantStore in the delegation_grant table. A
// partial unique index keeps one open grant per (requester, owner), and
// CompareAndSwap is one UPDATE conditioned on the version read. It is safe
// for concurrent use.
type Grants struct{ s *Store }

var _ delegation.GrantStore = (*Grants)(nil)

// Grants returns the Store's delegation.GrantStore.
func (s *Store) Grants() *Grants { return &Grants{s: s} }

// Create implements delegation.GrantStore.
func (g *Grants) Create(ctx context.Context, gr delegation.Grant) error {
	_, err := g.s.exec(ctx, "grant create", g.s.q("grant_create"), gr.ID, gr.Requester, gr.Owner, int16(gr.State),
		int64(gr.Version), gr.By, gr.CreatedAt, gr.UpdatedAt)
	if uniqueViolation(err) {
		return fmt.Errorf("%w: grant %s exists or another grant is open for the same pair", delegation.ErrConflict, gr.ID)
	}
	return wrap("grant create", err)
}

// Load implements delegation.GrantStore.
func (g *Grants) Load(ctx context.Context, id string) (delegation.Grant, error) {
	rows, err := g.s.pool.Query(ctx, g.s.q("grant_load"), id)
	if err != nil {
		return delegation.Grant{}, wrap("grant load", err)
	}
	gr, err := pgx.CollectExactlyOneRow(rows, scanGrant)
	if errors.Is(err, pgx.ErrNoRows) {
		return delegation.Grant{}, &provider.Error{Op: "load grant", Code: provider.ErrNotFound, Err: fmt.Errorf("pgstore: no grant %q", id)}
	}
	return gr, wrap("grant load", err)
}

// CompareAndSwap implements delegation.GrantStore.
func (g *Grants) CompareAndSwap(ctx context.Context, prev uint64, next delegation.Grant) error {
	n, err := g.s.exec(ctx, "grant update", g.s.q("grant_swap"), next.ID, int64(prev), int16(next.State),
		int64(next.Version), next.By, next.CreatedAt, next.UpdatedAt, next.Requester, next.Owner)
	switch {
	case uniqueViolation(err):
		return fmt.Errorf("%w: another grant is open for the same pair", delegation.ErrConflict)
	case err != nil:
		return wrap("grant update", err)
	case n == 1:
		return nil
	}
	// Nothing matched: say why.
	cur, err := g.Load(ctx, next.ID)
	switch {
	case err != nil:
		return err
	case cur.Requester != next.Requester || cur.Owner != next.Owner:
		return providerkit.Invalid("Grant", "a grant's requester and owner cannot change")
	default:
		return fmt.Errorf("%w: grant %s is at version %d, not %d", delegation.ErrConflict, next.ID, cur.Version, prev)
	}
}

// Between implements delegation.GrantStore.
func (g *Grants) Between(ctx context.Context, requester, owner string) ([]delegation.Grant, error) {
	return g.list(ctx, g.s.q("grant_between"), requester, owner)
}

// ForUser implements delegation.GrantStore.
func (g *Grants) ForUser(ctx context.Context, user string) ([]delegation.Grant, error) {
	return g.list(ctx, g.s.q("grant_for_user"), user)
}

func (g *Grants) list(ctx context.Context, query string, args ...any) ([]delegation.Grant, error) {
	rows, err := g.s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, wrap("grant list", err)
	}
	out, err := pgx.CollectRows(rows, scanGrant)
	return out, wrap("grant list", err)
}

func scanGrant(row pgx.CollectableRow) (delegation.Grant, error) {
	var (
		gr      delegation.Grant
		state   int16
		version int64
	)
	err := row.Scan(&gr.ID, &gr.Requester, &gr.Owner, &state, &version, &gr.By, &gr.CreatedAt, &gr.UpdatedAt)
	gr.State, gr.Version = delegation.GrantState(state), uint64(version)
	gr.CreatedAt, gr.UpdatedAt = gr.CreatedAt.UTC(), gr.UpdatedAt.UTC()
	return gr, err
}

func uniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
