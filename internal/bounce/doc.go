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
package bounce
