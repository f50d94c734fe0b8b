// Package bounce reads delivery and feedback reports: RFC 3464 delivery
// status notifications, the non-standard notices of common MTAs (Postfix,
// Exim, Sendmail, qmail, Exchange/Office 365, Gmail, Yahoo, Domino,
// Courier …), Amazon SES notifications, and ARF (RFC 5965) complaints.
//
// [Find] finds the failed recipients of a bounce and decides each one's
// reason in the sisimai vocabulary ([ReasonUserUnknown] …) from a readable
// rule table (rules.go: status codes first, then diagnostic phrases) and
// whether the failure is hard. [FindComplaint] reads a spam complaint.
// Both work on a [mailparse.Message]; the public classifier is
// tracking.Classify.
//
// A notice that says delivery goes on ("will retry for 2 more days",
// "still trying") is a delay whatever failure words its details use. The
// failed recipient is the address we sent to: Original-Recipient over a
// Final-Recipient that a forwarding rewrote (unless the returned copy
// names the final one), never a list's or gateway's own administrative
// address. An unknown user under a permanent code is hard even when the
// notice also mentions a full disk. [IsChallenge] tells a
// challenge-response request ("please verify you are human"), which is no
// bounce at all.
package bounce
