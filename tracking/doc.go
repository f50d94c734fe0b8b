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
// reason_rules.go for the rules and their sources.
//
// [MemoryIndex] is an in-memory [provider.SentIndex] for tests, tools and
// small hosts; [LoadSent] fills one from JSON lines.
//
// # Bad input
//
// Classify never panics on malformed mail: it reads at most a bounded
// number of bytes ([WithMaxBytes]), descends at most a bounded number of
// MIME levels, and decodes charsets through golang.org/x/text without
// touching package-level state. Input it cannot read at all is an error
// prefixed "tracking:".
package tracking
