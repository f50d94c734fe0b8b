// Package pgstore keeps inboxkit's state in PostgreSQL, so a host can run
// several replicas on the database it already runs and a restart forgets
// nothing.
//
// One Store, over a *pgxpool.Pool the host owns (pgstore never opens
// connections behind its back), implements:
//   - provider.SentIndex, with ByRecipient, and Add to record what was sent;
//   - provider.CursorStore;
//   - provider.SendLog, whose Begin claims an expired in-flight entry
//     atomically, so of two concurrent retries exactly one sends;
//   - crypto.ByteStore (with crypto.Lister), for sealed credentials;
//   - a token store whose writes are compare-and-swap, so a stale writer
//     never overwrites a rotated refresh token, and whose refresh is
//     coordinated: however many replicas need one mailbox's token at once,
//     the token endpoint sees one refresh;
//   - delegation.GrantStore, delegation.RedeemedStore and delegation.AuditSink;
//   - provider.SendCounter, shared send counters over rolling windows
//     (Gmail's daily limit, Exchange's per-minute limit, pacing);
//   - Leases: which replica works on which mailbox, claimed with FOR UPDATE
//     SKIP LOCKED, renewed in one statement per replica, with a fencing
//     token that grows on every new holder;
//   - Events: an event table unique by event key, so a message fetched
//     twice (after a crash or a failover) is reported once.
//
// # Schema and migrations
//
// Every table lives in one schema (Options.Schema, "inboxkit" by default),
// and every query names it, so the store works whatever the connection's
// search_path. Migrate creates the schema and applies the embedded,
// numbered migrations (migrations/NNN_name.up.sql, each with a .down.sql)
// in one transaction under an advisory lock: it is idempotent, and safe
// when several replicas start at once. SQL lives in .sql files beside the
// Go that runs it; values always travel as query parameters.
//
// # Connections
//
// Each call borrows one connection from the host's pool for its duration
// and returns it. Tokens.Refresh holds its connection (and the token's row
// lock) while it calls the token endpoint, so size the pool for the
// replica's concurrent sends and fetches plus its concurrent refreshes.
//
// # Errors
//
// A serialization failure or a deadlock is retried (Options.MaxRetries).
// Failures that may pass — a lost connection, a server shutting down, too
// many connections — match provider.ErrTemporary. Missing things match
// provider.ErrNotFound. No error or log line carries a stored value: the
// database's error messages are passed on without their Detail, which can
// quote a row.
//
// # Tests
//
// The tests run against the PostgreSQL named by INBOXKIT_POSTGRES (a pgx
// connection string); without it they skip, saying how to start one:
//
//	eval "$(bash scripts/postgres.sh start)"
package pgstore
