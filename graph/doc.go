// Package graph is a provider.Provider over Microsoft Graph
// (github.com/microsoftgraph/msgraph-sdk-go) for Outlook.com and
// Microsoft 365 mailboxes, signed in with OAuth 2.0 on the Microsoft
// identity platform (RFC 6749, golang.org/x/oauth2) with PKCE (RFC 7636).
//
// A host connects a mailbox with Flow and then, for each connected
// mailbox, writes:
//
//	cfg := graph.OAuthConfig("common", clientID, clientSecret, redirectURL, graph.AccessSendRead)
//	ts := graph.NewTokenSource(cfg, storedToken, &graph.TokenSourceOptions{Save: saveSealed})
//	p, err := graph.New(ctx, ts, &graph.Options{Email: "ada@contoso.com"})
//
// Requests go through the SDK's typed request builders where they can say
// what is needed, and otherwise (a MIME body) through the same kiota
// request adapter, so every request shares one pipeline: the Bearer token
// from an oauth2.TokenSource (handed only to the API's own host), gzip,
// the per-mailbox Limiter, and Graph's error bodies decoded into APIError.
// Only this package imports the SDK, and only its users, subscriptions and
// models packages: its root package would compile the whole of Graph.
//
// # Sending
//
// Send builds the MIME (RFC 5322, RFC 2045) itself, with inboxkit's own
// Message-ID, and sends it with sendMail, then finds the copy in Sent
// Items for its id and conversationId. With Options.SendWithDrafts
// (Mail.ReadWrite) it creates a draft from the MIME and sends the draft
// instead, asking for immutable ids so the id of the draft is the id of
// the copy in Sent Items. A follow-up's In-Reply-To and References keep it
// in the conversation. Options.OnBehalfOf
// lets a delegate send on behalf of a colleague who granted it in Exchange
// (Mail.Send.Shared). Exchange files that mail in the delegate's Sent
// Items, and in the owner's only when the owner's mailbox has
// MessageCopyForSendOnBehalfEnabled; inboxkit's own delegation (package
// delegation) sends with the owner's connection instead, so the mail is
// always in the owner's Sent Items.
//
// # Fetching
//
// Fetch follows delta queries on the Inbox and Junk Email and returns only
// replies, bounces (RFC 3464) and auto-replies (RFC 3834) to mail in the
// host's provider.SentIndex: the conversationId first, then the
// internetMessageHeaders, and the MIME only for related mail. One Fetch
// judges at most about 100 messages a folder and returns a cursor that
// goes on. An expired delta or skip token (410) starts a new round over
// Options.LookBack, skipping what the cursor's watermark, the time of the
// last complete round and the ids it returned lately show was judged, so
// mail moved into a folder meanwhile is seen and nothing is returned
// twice. A message Graph refuses with a 4xx of its own is reported in
// provider.Batch.Skipped and passed.
//
// # Push
//
// Provider implements provider.Watcher over Graph change notifications:
// with Options.Watch.NotificationURL set, Watch subscribes to new mail in
// each folder of Options.Folders, the ones Fetch reads (a clientState
// secret per subscription), renews before expiry, answers lifecycle
// events (reauthorizationRequired renews, subscriptionRemoved recreates,
// missed wakes a Fetch), deletes its subscriptions when it ends, and polls
// when a subscription cannot be made. The host mounts one Notifications handler at both the
// notification and the lifecycle URL, in the process that runs the
// Watches; it answers Graph's validation handshake and checks clientState
// in constant time.
//
// # Requests
//
// Measured on internal/fakegraph: a send is 2 requests (sendMail and the
// look-up of its copy; with drafts, the draft and its send; 3 on behalf of
// another mailbox); an idle poll is 2 (one delta page per
// folder); a busy poll with a reply in a known conversation, an unrelated
// message and a bounce in Junk is 2 delta pages + 1 MIME download for the
// reply + 1 header read for the unrelated message + 1 header read and 1
// MIME download for the bounce.
//
// # Limits
//
// Exchange Online allows 4 concurrent requests per app per mailbox: the
// Limiter holds a fifth back instead of letting Graph throttle it. Graph's
// 429 and 503 are retried by the shared retry loop with their Retry-After (or a
// capped, jittered backoff without one), and end as ErrRateLimited. Send
// checks Exchange's sending limits (30 messages a minute, 10,000
// recipients a day) first and reports the wait; Usage shows the counts.
//
// # Errors
//
// Errors are *provider.Error values matching the provider sentinels: a 401
// is retried once with a refreshed token and is then ErrAuth; a 403 is
// ErrPermission (ErrNotAllowed when Exchange refused a From); an expired
// refresh token (AADSTS700082 after 90 idle days, invalid_grant) is
// ErrAuth and a token-endpoint outage ErrTemporary.
package graph
