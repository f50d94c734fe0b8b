// Package provider is the portable contract of inboxkit: one connected
// mailbox, whatever service it lives on.
//
// Whichever package opened the mailbox (gmail, graph or smtpimap), a host
// then writes:
//
//	m := &provider.Message{To: []provider.Address{{Email: "bob@example.com"}}, Subject: "Hi", Text: "Hello"}
//	sent, err := p.Send(ctx, m) // the host stores provider.RecordOf(account, m, sent) in its SentIndex
//	batch, err := p.Fetch(ctx, cursor, sentIndex) // only replies, bounces and auto-replies to that mail
//
// A [Provider] sends mail as its account and fetches back only the mail that
// relates to what it sent: replies, bounces (RFC 3464 delivery status
// notifications), auto-replies (RFC 3834) and spam complaints (RFC 5965). It
// decides what is related by asking a [SentIndex], which the host implements
// over its own database (the tracking package ships an in-memory one).
// Implementations live in sibling packages: gmail (Gmail API), graph
// (Microsoft Graph) and smtpimap (any SMTP + IMAP server).
//
// Messages are plain data ([Message], [Sent], [Incoming]); [Message.Validate]
// refuses header injection and malformed addresses before anything reaches a
// server, and every provider sets its own RFC 5322 Message-ID so replies can
// always be matched by header.
//
// # Errors
//
// Errors returned by providers match, with [errors.Is], one of the sentinels
// [ErrAuth], [ErrPermission], [ErrRateLimited], [ErrTemporary], [ErrInsecure],
// [ErrInvalid], [ErrNotFound], [ErrAccountMismatch] and [ErrNotAllowed], and
// are wrapped exactly once in an [*Error] that still unwraps to the native
// error of the underlying client. A rate limit comes as a [*RateLimitError]
// carrying the server's Retry-After, which every provider honours before
// backing off exponentially with full jitter, capped. [IsTemporary] and
// [NeedsReconnect] tell a host what to do with an error.
//
// # Idempotency
//
// A [Message] with an IdempotencyKey is delivered at most once, even when the
// caller retries after a timeout. Every provider derives a stable Message-ID
// from the key, remembers outcomes in a [SendLog] (the host's, or a
// [MemorySendLog] for one process), and after an ambiguous failure looks the
// Message-ID up in the Sent folder before sending again.
//
// A send whose outcome cannot be known (the connection was lost after the
// message was handed over, the service's answer was lost, a timeout) fails
// with [ErrOutcomeUnknown], not [ErrTemporary]. Retry it only with the same
// IdempotencyKey; a host must never resend such a message under a new
// Message-ID or a new key, or a recipient may get it twice. Where a provider
// cannot look a message up (SMTP without IMAP), a retry after an unknown
// outcome fails with ErrOutcomeUnknown again instead of sending blindly.
package provider
