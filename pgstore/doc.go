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
//   - engine.Leases (Leases, and FairLeases for several replicas): which
//     replica runs which mailbox, claimed with FOR UPDATE SKIP LOCKED,
//     acquired, renewed and released in one round trip per batch, with a
//     fencing token that grows on every new holder;
//   - engine.FencedCursors, so a replica that lost a mailbox cannot move
//     its cursor behind the new holder's back;
//   - engine.Sink (Events): an event table unique by event key, so a
//     message fetched twice (after a crash or a failover) is stored once,
//     and a log hosts follow by sequence number (Events.After).
//   - engine.Queue (Queue): scheduled sends, unique per account and
//     IdempotencyKey, an account's earliest due send claimed in one
//     statement with FOR UPDATE SKIP LOCKED under a fencing token; its
//     Listen wakes the replica running an account when another replica
//     schedules a send for it.
//
// # Many replicas
//
// A host runs the engine in each replica over one Store:
//
//	engine.New(engine.Options{Accounts: accounts, Cursors: store, SentIndex: store,
//		Sink: store.Events(), Leases: store.FairLeases(), Holder: replicaName})
//
// Under FairLeases each replica heartbeats with every lease round and
// holds ceil(mailboxes ÷ live replicas) of them, shedding the rest for a
// replica that is short (see Leases for the policy). TestReplicas_engine
// runs three replicas as OS processes for 300 IMAP IDLE mailboxes on one
// database with a 3 s lease TTL, and kills one with SIGKILL mid-run. On a
// loaded 2-core machine the survivors' engines open the victim's 100
// mailboxes 2.2-3.7 s (p50) and at most 2.5-3.8 s after the kill (5 s
// under -race): its leases run out within the TTL of its last renewal,
// and the survivors open its mailboxes 0.15-1.3 s after that, within
// about one lease round (TTL/3) and the time to open; every reply delivered throughout reaches the event
// table once (duplicates 0, losses 0, over 350-400 replies); no (mailbox,
// fence) pair is worked on by two replicas; a shared OAuth token that
// expires every 2 s is refreshed once per expiry for the whole cluster
// (5-6 refreshes in 10 s, never closer than the token's lifetime less the
// early refresh); and a replica renews its 100-150 leases in one statement
// in 8 ms (p50; 2 ms when the machine is quiet, TestReplicas_leaseFailover).
// INBOXKIT_PG_ENGINE_ACCOUNTS runs it with more mailboxes: with 1,500 the
// survivors open the victim's 500 within 1.8 s of its leases running out
// (4.1 s of the kill), with no duplicate, loss or shared fence.
// TestEngine_databaseOutage takes the database away for three lease TTLs
// while replies arrive: the engine stops the mailboxes it can no longer
// prove it holds, backs off, takes them again under new fences when the
// database is back, and loses nothing.
//
// # Scheduled sends
//
// Queue keeps the engine's scheduled sends for every replica: give each
// engine store.Queue() as Options.Queue, store (the SendLog) to its
// providers, and run Queue.Listen with Engine.KickOutbox beside it.
// BenchmarkQueue_claimFinish measures 5,500-6,800 sends claimed and
// finished per second (two statements each) from 8 or 32 claimers over 64
// accounts or all on one account, and Claim alone 10,000 per second, on a
// loaded 2-core machine; with a million rows the claim is an index scan
// on the pending sends' partial index in 0.6 ms. TestReplicas_queueExactlyOnce
// runs three engine processes over one database that schedule 1,000
// sends over 30 mailboxes, due 15 ms apart, sending through smtpimap to
// one SMTP server, and kills the replica caught holding a claim with
// SIGKILL a third of the way through: every send is delivered once,
// counted on the SMTP server (duplicates 0, losses 0), and the victim's
// sends go out at most 2.7 s late (4.0 s for a send it had claimed, which
// waits out its claim, 2 × SendTimeout). SMTP's one window for a second
// delivery, a process killed after the server accepted a message and
// before its copy reached the Sent folder, is closed by the send log's
// hand-over mark (provider.HandoverLog, which the Store implements): the
// next sender's retry fails with provider.ErrOutcomeUnknown instead of
// sending again, so that message is delivered once and reported failed
// with an unknown outcome; the test fails on any duplicate.
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
