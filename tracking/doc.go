// Package tracking tells a host what happened to the mail it sent.
//
// # Classifier
//
// [Classify] takes one raw RFC 5322 message fetched from a connected mailbox
// and decides whether it is a human reply to mail we sent, an auto-reply
// (out of office, RFC 3834), a bounce (RFC 3464 delivery status
// notifications and the non-standard notices of common MTAs), a spam
// complaint (ARF, RFC 5965) or unrelated mail. Checks run in a fixed
// order: bounce, complaint, auto-reply, then a reply matched by
// In-Reply-To/References, by the provider's thread ID ([WithThread]) and
// last by sender (a recipient we wrote to) plus normalised subject.
//
// A bounce carries its action ([ActionFailed] or [ActionDelayed]), every
// failed recipient with its enhanced status code, a reason in the sisimai
// vocabulary ([ReasonUserUnknown], [ReasonMailboxFull] …), whether it is
// hard, the diagnostic text and the MTAs involved. Reasons come from a
// readable rule table (status codes first, then diagnostic phrases); see
// internal/bounce/rules.go for the rules and their sources.
//
// [MemoryIndex] is an in-memory [provider.SentIndex] for tests, tools and
// small hosts; [LoadSent] fills one from JSON lines.
//
// # Opens, clicks and unsubscribes
//
// [Wrap] decorates any provider.Provider: a message opted in with [Track]
// gets a 1×1 open pixel before </body>, every http(s) link of its HTML
// part rewritten to a signed click URL (rewritten with the
// golang.org/x/net/html tokenizer; mailto:, tel:, anchors and the
// unsubscribe link left alone), and RFC 8058 one-click List-Unsubscribe
// and List-Unsubscribe-Post headers. Tokens are compact HMAC-SHA-256
// values under a [Signer]'s rotating keys; a click token signs its exact
// target, so the [Handler] never redirects anywhere else. The Handler
// serves the pixel (always the GIF, recording only valid tokens), clicks
// and unsubscribes, and flags opens and clicks from image proxies, Apple
// Mail Privacy Protection and link scanners ([Detector]) instead of
// dropping them. Events go to an [EventSink].
//
// # Events and stop rules
//
// [EventsOf] turns a classifier [Result] into [Event]s; [State] (and the
// in-memory [Ledger]) answers "may the next step go to this recipient?":
// stop on a reply, a hard bounce, a complaint or an unsubscribe; wait for
// an out-of-office's return date; resend after a soft bounce a bounded
// number of times. [RatesOf] and [Ledger.Rates] give reply, bounce, open
// and click rates per campaign.
//
// # Bad input
//
// Classify never panics on malformed mail: it reads at most a bounded
// number of bytes ([WithMaxBytes]), descends at most a bounded number of
// MIME levels, and decodes charsets through golang.org/x/text without
// touching package-level state. Input it cannot read at all is an error
// prefixed "tracking:".
package tracking
