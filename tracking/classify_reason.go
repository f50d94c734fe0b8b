package tracking

// The bounce reason vocabulary of [Result.Reason] and [Recipient.Reason]:
// the sisimai project's, so results compare with its corpus (see
// https://libsisimai.org/en/reason/). Hard bounces are userunknown,
// hostunknown, hasmoved and notaccept.
const (
	ReasonUserUnknown     = "userunknown"     // the mailbox does not exist (hard)
	ReasonHostUnknown     = "hostunknown"     // the domain does not exist (hard)
	ReasonHasMoved        = "hasmoved"        // the mailbox moved, no forwarding (hard)
	ReasonNotAccept       = "notaccept"       // the host accepts no mail at all, null MX (hard)
	ReasonMailboxFull     = "mailboxfull"     // over quota
	ReasonExceedLimit     = "exceedlimit"     // message over the mailbox's size limit
	ReasonMesgTooLarge    = "mesgtoolarge"    // message over the system's size limit (sisimai's "mesgtoobig")
	ReasonFiltered        = "filtered"        // refused by the recipient's own rules
	ReasonRejected        = "rejected"        // our envelope sender was refused
	ReasonBlocked         = "blocked"         // our sending IP or host was refused
	ReasonSpamDetected    = "spamdetected"    // content judged spam
	ReasonVirusDetected   = "virusdetected"   // content judged malware
	ReasonPolicyViolation = "policyviolation" // a local policy refused the message
	ReasonSecurityError   = "securityerror"   // authentication or encryption required or failed
	ReasonAuthFailure     = "authfailure"     // SPF, DKIM or DMARC failed
	ReasonBadReputation   = "badreputation"   // the sender's reputation is too low
	ReasonRequirePTR      = "requireptr"      // the sending IP lacks reverse DNS
	ReasonNoRelaying      = "norelaying"      // relaying refused
	ReasonNotCompliantRFC = "notcompliantrfc" // the message breaks RFC 5322
	ReasonRateLimited     = "ratelimited"     // sending too fast
	ReasonSuspend         = "suspend"         // the mailbox is disabled or suspended
	ReasonExpired         = "expired"         // delivery gave up after retrying
	ReasonNetworkError    = "networkerror"    // DNS or routing failure, mail loop
	ReasonSystemError     = "systemerror"     // the remote system failed
	ReasonSystemFull      = "systemfull"      // the remote system's disk is full
	ReasonTooManyConn     = "toomanyconn"     // too many connections or recipients
	ReasonSyntaxError     = "syntaxerror"     // an SMTP command was malformed
	ReasonContentError    = "contenterror"    // the message's format was refused
	ReasonMailerError     = "mailererror"     // a local delivery program failed
	ReasonOnHold          = "onhold"          // a diagnostic exists but says nothing decisive
	ReasonVacation        = "vacation"        // an out-of-office answer
	ReasonUndefined       = "undefined"       // nothing to go on

	// reasonUserUnknownNative marks a user-unknown phrase of a mail
	// system's own directory lookup (see textRules); it is reported as
	// ReasonUserUnknown.
	reasonUserUnknownNative = "userunknown-native"
)
