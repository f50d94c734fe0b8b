// Package gmail is a provider.Provider over the Gmail API
// (google.golang.org/api/gmail/v1) for Gmail and Google Workspace
// mailboxes, signed in with OAuth 2.0 (RFC 6749, golang.org/x/oauth2) with
// PKCE (RFC 7636).
//
// A host connects a mailbox with Flow (see Connecting) and then, for each
// connected mailbox, writes:
//
//	cfg := gmail.OAuthConfig(clientID, clientSecret, redirectURL, gmail.AccessSendRead)
//	ts := gmail.NewTokenSource(cfg, storedToken, &gmail.TokenSourceOptions{Save: saveSealed})
//	p, err := gmail.New(ctx, ts, &gmail.Options{Email: "ada@example.com"})
//
// Send uploads raw RFC 5322 / MIME (RFC 2045) messages built by inboxkit
// with its own Message-ID, so replies can be matched by In-Reply-To and
// References (RFC 5322 §3.6.4). Fetch follows the mailbox history
// (users.history.list) and returns only replies, bounces (RFC 3464) and
// auto-replies (RFC 3834) to mail in the host's provider.SentIndex,
// reading a few header fields before it downloads a message.
//
// # Connecting
//
// OAuthConfig makes the oauth2.Config for one of the Access scope sets
// (AccessSendRead is the usual one; see the Scope constants for what each
// scope allows and how Google classes it). Flow.Start gives the consent
// URL with state, PKCE and login_hint; Flow.Exchange redeems the callback
// and checks the user signed in as the expected address
// (provider.ErrAccountMismatch otherwise). NewTokenSource keeps the token
// fresh and hands every refreshed token to the host to store (sealed by
// the crypto package); Revoke ends the grant when the user disconnects.
//
// # Quota
//
// Gmail charges quota units per call (per user: 15,000 a minute). Measured
// on internal/fakegmail with Google's published units: a send is 100 (1
// more the first time From is an alias); an idle poll is one history.list
// call, 2 units; a busy poll with a reply in a known thread, an unrelated
// message and a bounce is 22 units in 5 calls (history 2, the reply's raw
// 5, the unrelated message's header fields 5, the bounce's header fields
// and raw 10). A first Fetch (empty cursor) adds getProfile (1) and
// messages.list (5 per page of 500). One Fetch judges at most 100
// messages, four at a time, and returns a cursor that goes on.
//
// # Nothing lost, nothing twice
//
// The cursor keeps a historyId and a watermark of what was judged in
// Gmail's internalDate, which label changes never move (they move a
// message's historyId). When Gmail has expired the history (a 404),
// Fetch scans messages.list from the watermark, so messages the user has
// read, starred, labelled or archived since are not returned again and
// what arrived meanwhile is not lost. A message Gmail refuses to return
// (a 400 for that message), one whose raw form does not decode and one
// over 50 MB are reported in provider.Batch.Skipped and passed.
//
// # Push
//
// Provider implements provider.Watcher: with Options.Watch.Topic it
// registers users.watch on a Cloud Pub/Sub topic and renews it daily; the
// host's push endpoint reads each request with PushVerifier.ReadPush and
// passes the push to Notify. Authenticating pushes is required: create the
// push subscription with an authentication service account and audience,
// and ReadPush checks the OpenID Connect token Google signs on every
// request (signature against Google's published keys, issuer, audience,
// service account e-mail and its verification, expiry) before it reads
// the body. An unauthenticated push is refused, and one that slips past a
// host's own handling unverified never moves the historyId Notify skips
// repeats by, so it cannot suppress later real pushes. Polling stays the
// fallback.
//
// # Errors
//
// Errors are *provider.Error values matching the provider sentinels: a
// 401 is retried once with a refreshed token and is then ErrAuth; a 403
// for a missing scope is ErrPermission; rate limits (403
// rateLimitExceeded, userRateLimitExceeded, dailyLimitExceeded, and 429)
// are ErrRateLimited with the server's Retry-After and are retried by
// the shared retry loop (capped, jittered backoff), as are 5xx answers, which end as ErrTemporary. The
// googleapi.Error underneath stays reachable with errors.As.
package gmail
