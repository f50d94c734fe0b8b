package pgstore

import (
	"context"
	"slices"
	"time"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/jackc/pgx/v5"
)

// Leases implements engine.Leases in the lease table, on the database's
// clock (all replicas share it), so that several replicas of a host run
// each mailbox in one place. Leases are claimed with FOR UPDATE SKIP
// LOCKED, so replicas claiming at once split the free accounts instead of
// queueing on each other; Acquire, Renew and Release each make one round
// trip for a whole batch; and every change of holder makes the lease's
// fencing token (engine.Lease.Token) one greater. It is safe for
// concurrent use.
//
// # Fair share
//
// Every Acquire and Renew is also the holder's heartbeat, in the replica
// table: a replica is live for one TTL after its last call. Under the fair
// share (FairLeases) a holder's target is ceil(accounts ÷ live replicas),
// where accounts counts the lease table's rows (every account any replica
// runs or ran): Acquire claims only up to the target, and Renew releases
// the leases beyond it (the accounts last in order), free at once for the
// replica that is short. So with three replicas and 300 accounts each
// holds 100; when one dies, its heartbeat and its leases run out together
// one TTL after its last renewal, the target becomes 150, and the two
// survivors split its accounts; when a replica joins, the others shed down
// to the new target within a renewal round and it takes what they shed.
// A replica shut down cleanly releases its leases but stays counted until
// its heartbeat runs out (one TTL), so the survivors take its accounts
// then.
//
// Replicas that start together can join before running the engine, so
// that the first to start does not take every account only to shed most
// of them a round later: each heartbeats with Renew(ctx, holder, nil, ttl)
// and waits until Replicas lists the others (TestReplicas_engine does).
type Leases struct {
	s    *Store
	fair bool
}

var _ engine.Leases = (*Leases)(nil)

// Leases returns the Store's leases without the fair share: a holder takes
// every free account it asks for (cap it with engine.Options.MaxAccounts).
func (s *Store) Leases() *Leases { return &Leases{s: s} }

// FairLeases returns the Store's leases under the fair share: each live
// replica holds about accounts ÷ replicas (see Leases). Use these for
// engine.Options.Leases when several replicas share the database.
func (s *Store) FairLeases() *Leases { return &Leases{s: s, fair: true} }

// Acquire implements engine.Leases. It creates a lease row for each new
// account and claims, in the same round trip, the free and expired ones.
func (l *Leases) Acquire(ctx context.Context, holder string, accounts []string, ttl time.Duration) ([]engine.Lease, error) {
	// Rows are made in one order by every replica, so two making rows at
	// once never deadlock.
	sorted := slices.Clone(accounts)
	slices.Sort(sorted)
	accounts = slices.Compact(sorted)
	var out []engine.Lease
	err := l.s.retry(ctx, "lease acquire", func() error {
		b := &pgx.Batch{}
		b.Queue(l.s.q("lease_ensure"), accounts)
		b.Queue(l.s.q("lease_acquire"), accounts, holder, ttl.Microseconds(), l.s.clock(), l.fair)
		br := l.s.pool.SendBatch(ctx, b)
		defer br.Close()
		if _, err := br.Exec(); err != nil {
			return err
		}
		rows, err := br.Query()
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, scanLease)
		if err != nil {
			return err
		}
		return br.Close()
	})
	return out, wrap("lease acquire", err)
}

// Renew implements engine.Leases in one round trip. Under the fair share
// it also releases the leases beyond holder's share, which it leaves out
// of the answer like lost ones: the engine stops those accounts.
func (l *Leases) Renew(ctx context.Context, holder string, leases []engine.Lease, ttl time.Duration) ([]engine.Lease, error) {
	accts, fences := leaseArgs(leases)
	var out []engine.Lease
	err := l.s.retry(ctx, "lease renew", func() error {
		rows, err := l.s.pool.Query(ctx, l.s.q("lease_renew"), holder, accts, fences, ttl.Microseconds(), l.s.clock(), l.fair)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, scanLease)
		return err
	})
	return out, wrap("lease renew", err)
}

// Release implements engine.Leases: the leases holder still holds among
// leases (same account and token) become free at once for any replica.
func (l *Leases) Release(ctx context.Context, holder string, leases []engine.Lease) error {
	accts, fences := leaseArgs(leases)
	_, err := l.s.exec(ctx, "lease release", l.s.q("lease_release"), holder, accts, fences)
	return wrap("lease release", err)
}

// Valid reports whether token is the live lease on account: work stamped
// with an older token comes from a replica that lost the lease.
func (l *Leases) Valid(ctx context.Context, account string, token uint64) (bool, error) {
	var ok bool
	err := l.s.pool.QueryRow(ctx, l.s.q("lease_check"), account, int64(token), l.s.clock()).Scan(&ok)
	return ok, wrap("lease check", err)
}

// Live returns every lease held now, by account.
func (l *Leases) Live(ctx context.Context) ([]engine.Lease, error) {
	rows, err := l.s.pool.Query(ctx, l.s.q("lease_list"), l.s.clock())
	if err != nil {
		return nil, wrap("lease list", err)
	}
	out, err := pgx.CollectRows(rows, scanLease)
	return out, wrap("lease list", err)
}

// Replicas returns the names of the live replicas: the holders whose
// last Acquire or Renew was less than its TTL ago.
func (l *Leases) Replicas(ctx context.Context) ([]string, error) {
	rows, err := l.s.pool.Query(ctx, l.s.q("replica_list"), l.s.clock())
	if err != nil {
		return nil, wrap("replica list", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return out, wrap("replica list", err)
}

func leaseArgs(leases []engine.Lease) ([]string, []int64) {
	accts := make([]string, len(leases))
	fences := make([]int64, len(leases))
	for i, le := range leases {
		accts[i], fences[i] = le.Account, int64(le.Token)
	}
	return accts, fences
}

func scanLease(row pgx.CollectableRow) (engine.Lease, error) {
	var le engine.Lease
	var fence int64
	err := row.Scan(&le.Account, &le.Holder, &fence, &le.Expires)
	le.Token, le.Expires = uint64(fence), le.Expires.UTC()
	return le, err
}
