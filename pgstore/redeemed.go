package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/inboxkit/inboxkit/delegation"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Redeemed is a delegation.RedeemedStore in the redeemed_invitation table:
// the primary key makes each invitation redeemable once, across replicas.
// It forgets IDs whose invitations have expired, a few per call. It is
// safe for concurrent use.
type Redeemed struct{ s *Store }

var _ delegation.RedeemedStore = (*Redeemed)(nil)

// Redeemed returns the Store's delegation.RedeemedStore.
func (s *Store) Redeemed() *Redeemed { return &Redeemed{s: s} }

// MarkRedeemed implements delegation.RedeemedStore.
func (r *Redeemed) MarkRedeemed(ctx context.Context, id string, expires time.Time) error {
	var inserted bool
	err := r.s.inTx(ctx, "mark redeemed", pgx.TxOptions{}, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(r.s.q("redeemed_prune"), r.s.clock())
		b.Queue(r.s.q("redeemed_mark"), id, expires).Exec(func(tag pgconn.CommandTag) error {
			inserted = tag.RowsAffected() == 1
			return nil
		})
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return wrap("mark redeemed", err)
	}
	if !inserted {
		return fmt.Errorf("%w: %s", delegation.ErrInviteUsed, id)
	}
	return nil
}
