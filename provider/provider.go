package provider

import "context"

// Kind names the service behind a Provider.
type Kind string

// The kinds of provider inboxkit ships.
const (
	KindGmail    Kind = "gmail"
	KindGraph    Kind = "graph"
	KindSMTPIMAP Kind = "smtpimap"
)

// Provider is one connected mailbox. Implementations are safe for concurrent
// use unless they document otherwise.
//
// Optional abilities are separate interfaces checked by type assertion, such
// as [Watcher] for push notifications.
type Provider interface {
	// Kind reports which service this mailbox lives on.
	Kind() Kind
	// Account describes the mailbox: its address, display name and the
	// aliases it may send as.
	Account() Account
	// Verify signs in and reaches every server the mailbox needs. A nil
	// error means the account is Active; ErrAuth means the credentials
	// were rejected and the user must reconnect.
	Verify(ctx context.Context) error
	// Send delivers m as the account and returns where the copy was saved.
	// The same non-empty IdempotencyKey never delivers twice. Send returns
	// a *Sent or an error, never both. An error matching ErrOutcomeUnknown
	// means the message may or may not have gone out: retry only with the
	// same IdempotencyKey (Send then looks the message up first), and
	// never resend it under a new Message-ID or a new key.
	Send(ctx context.Context, m *Message) (*Sent, error)
	// Fetch returns the new mail since cursor that relates to mail in idx,
	// and the cursor to resume from. An empty cursor looks back over
	// recent mail (30 days unless the provider is configured otherwise).
	Fetch(ctx context.Context, cursor string, idx SentIndex) (*Batch, error)
	// Close releases connections. Calls after Close fail with an *Error
	// matching ErrClosed.
	Close() error
}

// Watcher is implemented by providers that can be told about new mail
// instead of being polled (IMAP IDLE, Gmail watch, Graph subscriptions).
//
// Watch blocks until ctx is done or the watch fails for good, calling
// notify (from one goroutine at a time) whenever new mail may be waiting;
// the caller then calls Fetch. A provider whose server cannot push falls
// back to polling inside Watch. Every provider ends Watch the same way: nil
// when ctx is done (the caller asked it to stop), an error matching
// ErrClosed when the Provider is closed (Close ends a running Watch), and
// otherwise the error that keeps it from going on (ErrAuth, ErrInvalid …).
// A wrapper (delegation.Guard, beacon.Instrumented) forwards Watch to the
// provider it wraps; over one that cannot push, its Watch returns at once
// an error matching errors.ErrUnsupported: poll with Fetch instead.
type Watcher interface {
	Watch(ctx context.Context, notify func()) error
}

// CursorStore keeps each account's Fetch cursor between runs. Hosts
// implement it over their own database.
type CursorStore interface {
	// Cursor returns the saved cursor, or "" with a nil error when there is
	// none yet.
	Cursor(ctx context.Context, account string) (string, error)
	// SaveCursor records the cursor to resume from next time.
	SaveCursor(ctx context.Context, account, cursor string) error
}
