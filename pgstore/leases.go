package pgstore

import (
	"context"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// Lease is one replica's hold on one account.
type Lease struct {
	Account string
	Holder  string
	// Fence grows by one each time the lease changes hands.
	Fence   int64
	Expires time.Time
}

// Leases decides which replica works on which account, in the lease table,
// on the database's clock (all replicas share it). Leases are claimed with
// FOR UPDATE SKIP LOCKED, so replicas claiming at once split the free
// accounts instead of queueing on each other; a holder renews all of its
// leases in one statement; and every change of holder increments the
// lease's fencing token. It is safe for concurrent use.
type Leases struct{ s *Store }

// Leases returns the Store's leases.
func (s *Store) Leases() *Leases { return &Leases{s: s} }

// Acquire claims for holder up to max of accounts that no live replica
// holds, for ttl, and returns the leases it got.
func (l *Leases) Acquire(ctx context.Context, holder string, accounts []string, max int, ttl time.Duration) ([]Lease, error) {
	// Rows are made in one order by every replica, so two making rows at
	// once never deadlock.
	sorted := slices.Clone(accounts)
	slices.Sort(sorted)
	accounts = slices.Compact(sorted)
	var out []Lease
	err := l.s.inTx(ctx, "lease acquire", pgx.TxOptions{}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, l.s.q("lease_ensure"), accounts); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, l.s.q("lease_acquire"), accounts, holder, max, ttl.Microseconds(), l.s.clock())
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, scanLease)
		return err
	})
	return out, wrap("lease acquire", err)
}

// Renew extends, in one round trip, every lease holder still holds, and
// returns them. A lease the holder had that is missing from the answer is
// lost (it expired, and may have a new holder): the holder must stop
// working on that account.
func (l *Leases) Renew(ctx context.Context, holder string, ttl time.Duration) ([]Lease, error) {
	var out []Lease
	err := l.s.retry(ctx, "lease renew", func() error {
		rows, err := l.s.pool.Query(ctx, l.s.q("lease_renew"), holder, ttl.Microseconds(), l.s.clock())
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, scanLease)
		return err
	})
	return out, wrap("lease renew", err)
}

// Release gives holder's leases on accounts back, free for any replica at
// once.
func (l *Leases) Release(ctx context.Context, holder string, accounts []string) error {
	_, err := l.s.exec(ctx, "lease release", l.s.q("lease_release"), holder, accounts)
	return wrap("lease release", err)
}

// Valid reports whether fence is the live lease on account: work stamped
// with an older fence comes from a replica that lost the lease.
func (l *Leases) Valid(ctx context.Context, account string, fence int64) (bool, error) {
	var ok bool
	err := l.s.pool.QueryRow(ctx, l.s.q("lease_check"), account, fence, l.s.clock()).Scan(&ok)
	return ok, wrap("lease check", err)
}

// Live returns every lease held now, by account.
func (l *Leases) Live(ctx context.Context) ([]Lease, error) {
	rows, err := l.s.pool.Query(ctx, l.s.q("lease_list"), l.s.clock())
	if err != nil {
		return nil, wrap("lease list", err)
	}
	out, err := pgx.CollectRows(rows, scanLease)
	return out, wrap("lease list", err)
}

func scanLease(row pgx.CollectableRow) (Lease, error) {
	var le Lease
	err := row.Scan(&le.Account, &le.Holder, &le.Fence, &le.Expires)
	le.Expires = le.Expires.UTC()
	return le, err
}
