// Package gmail is a provider.Provider over the Gmail API
// (google.golang.org/api/gmail/v1) for Gmail and Google Workspace
// mailboxes, signed in with OAuth 2.0 (golang.org/x/oauth2).
//
// Send uploads raw RFC 5322 (RFC 2045 MIME) messages built by inboxkit with
// its own Message-ID, so replies can be matched by their In-Reply-To and
// References (RFC 5322 §3.6.4). Fetch follows the mailbox history
// (users.history.list) and returns only replies, bounces (RFC 3464) and
// auto-replies (RFC 3834) to mail in the host's provider.SentIndex, reading
// a few header fields before it downloads any message.
//
// # Quota
//
// Gmail charges quota units per call (per user: 15,000 a minute): a send
// is 100 units (plus 1 the first time From is an alias), an idle poll is
// one history.list call (2 units), and each new message costs 5 units
// (10 when related or a bounce/auto-reply candidate not in a known
// thread). See the package tests for figures measured on the fake.
//
// # Errors
//
// Errors are *provider.Error values matching the provider sentinels: a
// 401 is retried once with a refreshed token and is then ErrAuth; a 403
// for a missing scope is ErrPermission; rate limits (403
// rateLimitExceeded/userRateLimitExceeded, 429) are ErrRateLimited with
// the server's Retry-After and are retried by provider.Retry, as are 5xx
// answers, which end as ErrTemporary. The googleapi.Error underneath stays
// reachable with errors.As.
package gmail
