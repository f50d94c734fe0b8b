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
// # Scheduled, paced sending
//
// Schedule stores a send (Cancel, Pending and Lookup manage it) in the
// Queue, durable where the Queue is (MemoryQueue in one process; pgstore
// for replicas; enginetest.RunQueue checks any). The message is validated
// when it is scheduled. The process that holds an account's lease runs its
// outbox beside its receive loop, on the same provider and under the same
// status: it claims one due send at a time (a claim with a fencing token
// that expires, so a process that dies mid-send leaves the send to the next
// holder), and sends it when the mailbox's Pacing allows:
//
//   - a Window in the owner's time zone (office hours, windows crossing
//     midnight, wall-clock hours kept across DST changes);
//   - a minimum Gap between two sends, counted in Options.SendCounter
//     (shared by replicas), plus random Jitter;
//   - the provider's own limits (Gmail's 2,000 or 500 a day, Exchange's 30
//     a minute and 10,000 recipients a day), which each provider checks
//     before a message leaves, counting in its own SendCounter; a refusal,
//     like a service's 429, says when room comes back and the whole
//     mailbox waits until then.
//
// A send that cannot go waits for its next allowed moment and keeps its
// place; sends that waited go one at a time, a gap apart, when the window
// opens. A follow-up (ScheduleOptions.After) waits for the step before and
// takes its InReplyTo, References and ThreadID from it once it was sent.
//
// Right before each send the host's Veto runs (LedgerVeto carries
// tracking's stop rules: replied, bounced, unsubscribed, out of office), and
// a send on a colleague's behalf (ScheduleOptions.Actor) goes through the
// delegation guard, so a grant revoked since cancels it. Retries keep the
// message's IdempotencyKey, so an unknown outcome is retried only through
// the provider's idempotent look-up; ErrAuth turns the account red and its
// queue waits, whole, for Reconnect. Outcomes are events through the Sink,
// keyed like the others: sent (with the provider's Sent and the SentRecord
// for the host's SentIndex), send_failed, send_cancelled.
//
// With office hours Mon–Fri 08:00–18:00, a gap of 2 minutes and up to 1
// minute of jitter, 1,000 sends scheduled at once go about 240 a day (the
// first at 08:00 sharp, a mean gap of 2m29s), the last on the fifth
// working day; with a 30-second gap on a consumer Gmail account the
// 500-a-day limit stops the day at about 14:15 and the rest go the next
// morning from 08:00 (TestOutbox_pacingDayOf1000). The outbox costs about
// 13 µs and 40 allocations a send over a bare Send (BenchmarkOutbox_*).
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
