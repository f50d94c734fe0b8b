// Package intent says what the person who answered our mail asks for:
// one of the fixed intents [Interested], [Question], [Later],
// [NotInterested], [WrongPerson] (with the address they point to, when
// they name one), [Unsubscribe] or [Other].
//
// A [Classifier] decides on the new text of a reply only (quoted history
// and signature removed): the original outreach's "interested?" sits in
// the quote, and must never count. [Rules] is the built-in classifier: a
// rule set over phrase lists in English, German, French, Spanish,
// Portuguese, Italian, Dutch, Swedish, Polish and Japanese, for
// recruiting and sales outreach. A host that has its own model (an LLM,
// say) implements Classifier and falls back to Rules with [Fallback].
//
// # How Rules decides
//
// The text is lower-cased, accents are folded, and it is split into
// sentences and clauses. Cues are phrases; the longest one at a place
// wins, so "no need to follow up" is one cue, not "follow up". A cue
// preceded in its clause by a negation ("not", "nicht", "pas", "no",
// "inte", "nie" …), or followed by one in the languages that negate
// after the verb, turns into its opposite: "not interested" declines and
// "not uninterested" accepts. Idioms such as "I wouldn't say no" are
// cues of their own.
//
// The label is what the sender asks for, in this order: to be
// unsubscribed; that we write to someone else; an explicit acceptance
// (a time that works, "let's talk", "count me in"); information (a
// question about the offer, "send me the job description"); to be
// contacted later; nothing at all (a refusal); mild interest. After a
// contrast ("but", "aber", "mais" …) the part that follows decides when
// it says anything: "Not now, but send me the job description" is a
// question.
package intent
