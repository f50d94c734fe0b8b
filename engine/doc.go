// Package engine runs a host's connected mailboxes: the receive loop every
// host otherwise writes by hand for each mailbox, written once, for
// thousands of mailboxes in one process and for several processes sharing
// them.
//
// A host writes three lines first:
//
//	e, err := engine.New(engine.Options{Accounts: accounts, Cursors: cursors, SentIndex: sent, Sink: events, Status: statuses})
//	go e.Run(ctx)
//	e.Kick(account) // in the Gmail Pub/Sub push or Graph webhook handler: "fetch now"
//
// # What it does
//
// For every account whose lease this process holds (see Leases), the
// engine opens a provider.Provider through the host's Accounts, runs Verify
// and reports the account's status (green once it works, red with the
// error when the user must act), then waits for mail: through
// provider.Watcher where the provider can push (IMAP IDLE; Gmail watch and
// Graph subscriptions, whose notifications the host forwards with Kick),
// else by polling every Options.PollInterval. Notifications, kicks and
// polls that come while a Fetch runs are coalesced into one more Fetch.
//
// Each Fetch starts from the cursor in the host's provider.CursorStore. Its
// messages are classified with tracking.Classify (with the provider's
// thread id) and become Events: replied, auto_replied, bounced, complained,
// other, and skipped for a message that could not be read (including those
// the provider reports in provider.Batch.Skipped). The events of one Fetch
// go to the Sink in one call, and the cursor is saved only after the Sink
// accepted all of them.
//
// # Nothing lost, nothing twice
//
// Every Event has a stable Key (EventKey): the account, the kind and the
// message's Message-ID (or provider id). Fetching the same message again,
// after a crash between the Sink and the cursor, a lost lease, a restart
// or a provider's resync, gives the same key, so a Sink that stores by key
// (as it must) holds each event once. A new engine started over the same
// stores resumes from the saved cursors and loses nothing.
//
// # Failures
//
// ErrAuth (and ErrPermission, ErrAccountMismatch, ErrInsecure, ErrInvalid
// settings) turns the account red and stops it until the host calls
// Reconnect. A rate limit waits the service's Retry-After; other temporary
// failures back off exponentially with jitter, capped (Options.Backoff). A
// host callback (Accounts.Open, the Sink, the StatusSink, the stores) that
// fails or panics stops only its own account, for a backoff, and is
// reported as a *HostError. At most Options.MaxFetches Fetches (and
// opening-and-verifying) run at once, however many accounts wake together.
//
// # Leases
//
// Leases give each account to one process at a time, with a fencing token
// that grows with every new holder (Event.Fence carries it). The engine
// renews its leases in one batch every LeaseTTL/3, takes free and expired
// ones, and stops an account as soon as it can no longer prove it holds
// it: a process that loses a lease stops that account within one renewal
// period. MemoryLeases serve one process; a store shared by replicas
// (pgstore) implements the same interface and passes enginetest.RunLeases.
// A CursorStore shared by replicas should implement FencedCursors, so that
// a process that lost an account mid-Fetch cannot move its cursor; the
// Sink can compare Event.Fence the same way. Options.MaxAccounts keeps the
// first replica to start from taking every account.
//
// # What the host still does
//
// The host keeps its accounts and credentials and opens providers from
// them; keeps the SentIndex (recording every send); stores events and
// cursors durably; receives Gmail Pub/Sub pushes and Graph webhooks and
// calls Kick; shows statuses and asks users to reconnect; and decides what
// an event means for its sequences (tracking's stop rules).
//
// # Scale
//
// TestScale is a harness, run with
//
//	INBOXKIT_SCALE=10000 go test ./engine -run 'TestScale$' -v -timeout 30m
//
// It runs push-mode (Gmail) and IMAP IDLE accounts against in-process
// servers and prints heap, stacks and RSS per idle account, idle CPU, the
// time from delivery to event, and the most Fetches in flight. On a 2-core
// machine: 10,000 push-mode accounts cost about 25 KiB of heap and stacks
// (35 KiB RSS) each, with two goroutines and no connection; 6,500 IMAP IDLE
// accounts (the file limit's ceiling at three TLS connections each) about
// 95 KiB (113 KiB RSS) each; idle CPU stays under 1% of a core; a reply
// becomes an event in about 2 ms (p99 under 15 ms when the machine is
// quiet); and 10,000 simultaneous kicks run at most MaxFetches Fetches
// at once.
package engine
