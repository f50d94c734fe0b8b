package tracking

import (
	"testing"

	"github.com/inboxkit/inboxkit/internal/bounce"
)

// TestReasonVocabulary checks that the exported vocabulary is the one
// internal/bounce decides with.
func TestReasonVocabulary(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{ReasonUserUnknown, bounce.ReasonUserUnknown},
		{ReasonHostUnknown, bounce.ReasonHostUnknown},
		{ReasonHasMoved, bounce.ReasonHasMoved},
		{ReasonNotAccept, bounce.ReasonNotAccept},
		{ReasonMailboxFull, bounce.ReasonMailboxFull},
		{ReasonExceedLimit, bounce.ReasonExceedLimit},
		{ReasonMesgTooLarge, bounce.ReasonMesgTooLarge},
		{ReasonFiltered, bounce.ReasonFiltered},
		{ReasonRejected, bounce.ReasonRejected},
		{ReasonBlocked, bounce.ReasonBlocked},
		{ReasonSpamDetected, bounce.ReasonSpamDetected},
		{ReasonVirusDetected, bounce.ReasonVirusDetected},
		{ReasonPolicyViolation, bounce.ReasonPolicyViolation},
		{ReasonSecurityError, bounce.ReasonSecurityError},
		{ReasonAuthFailure, bounce.ReasonAuthFailure},
		{ReasonBadReputation, bounce.ReasonBadReputation},
		{ReasonRequirePTR, bounce.ReasonRequirePTR},
		{ReasonNoRelaying, bounce.ReasonNoRelaying},
		{ReasonNotCompliantRFC, bounce.ReasonNotCompliantRFC},
		{ReasonRateLimited, bounce.ReasonRateLimited},
		{ReasonSuspend, bounce.ReasonSuspend},
		{ReasonExpired, bounce.ReasonExpired},
		{ReasonNetworkError, bounce.ReasonNetworkError},
		{ReasonSystemError, bounce.ReasonSystemError},
		{ReasonSystemFull, bounce.ReasonSystemFull},
		{ReasonTooManyConn, bounce.ReasonTooManyConn},
		{ReasonSyntaxError, bounce.ReasonSyntaxError},
		{ReasonContentError, bounce.ReasonContentError},
		{ReasonMailerError, bounce.ReasonMailerError},
		{ReasonOnHold, bounce.ReasonOnHold},
		{ReasonVacation, bounce.ReasonVacation},
		{ReasonUndefined, bounce.ReasonUndefined},
	} {
		if tc.got != tc.want {
			t.Errorf("tracking reason %q; want %q as in internal/bounce", tc.got, tc.want)
		}
	}
}
