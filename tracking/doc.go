// Package tracking classifies the mail a connected mailbox receives with
// respect to the mail we sent: a person's reply, an auto-reply, a bounce,
// a spam complaint, or unrelated.
//
// The three lines a host writes first:
//
//	idx := tracking.NewMemoryIndex(0)            // or the host's own provider.SentIndex
//	res, err := tracking.Classify(ctx, raw, idx) // raw: one provider.Incoming.Raw
//	if res.Class == tracking.ClassBounce && res.Hard { /* never mail res.Recipient() again */ }
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
// last by sender (a recipient we wrote to, through [RecipientIndex]) plus
// normalised subject.
//
// A bounce carries its action ([BounceFailed] or [BounceDelayed]), every
// failed recipient with its enhanced status code, a reason in the sisimai
// vocabulary ([ReasonUserUnknown], [ReasonMailboxFull] …), whether it is
// hard, the diagnostic text and the MTAs involved. Reasons come from a
// readable rule table (status codes first, then diagnostic phrases); see
// internal/bounce/rules.go for the rules and their sources.
//
// A reply (and an auto-reply) carries the text its sender wrote
// ([Result.Text]: decoded, HTML turned into text, quoted history and
// signature removed) and its attachments by name, type and size; a reply
// also carries its intent ([Result.Intent], one of the fixed words of
// tracking/intent: interested, question, later, not_interested,
// wrong_person, unsubscribe, other) and, for wrong_person, the address it
// refers to. Intent is decided on the new text alone by the built-in
// rules, or by a host's own model through [WithIntent]; it costs nothing
// for other classes. A challenge-response message ("please verify you
// are human") is an auto-reply with [Result.Challenge] set, never a
// bounce. An out-of-office without any auto-reply header is told by its
// text.
//
// [MemoryIndex] is an in-memory [provider.SentIndex] (with ByRecipient)
// for tests, tools and small hosts; [LoadSent] fills one from JSON lines.
//
// # Around the classifier
//
// Two subpackages build on it. tracking/activity turns results (and
// opens, clicks and unsubscribes) into events and answers "may the next
// step go to this recipient?" and "what are this campaign's rates?".
// tracking/beacon tracks opens, clicks and one-click unsubscribes: signed
// tokens, a decorator around any provider.Provider and an http.Handler.
// tracking itself imports neither.
//
// # Bad input
//
// Classify never panics on malformed mail: it reads at most a bounded
// number of bytes ([WithMaxBytes]), descends at most a bounded number of
// MIME levels ([WithMaxDepth]), and decodes charsets through
// golang.org/x/text without touching package-level state. Input it cannot
// read at all is an error prefixed "tracking:". Classify is safe for
// concurrent use; a MemoryIndex is too.
package tracking
