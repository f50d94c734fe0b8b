package bounce

// unknownUserRules are the rules of textRules that say the mailbox does
// not exist, compiled on their own; never modified after.
var unknownUserRules, _ = newReasonMatcher(userUnknownRules())

func userUnknownRules() []reasonRule {
	var out []reasonRule
	for _, r := range textRules {
		if r.reason == ReasonUserUnknown || r.reason == reasonUserUnknownNative {
			out = append(out, r)
		}
	}
	return out
}

// storageReason reports the reasons about space (the mailbox's or the
// system's) that a notice may give next to an unknown user.
func storageReason(r string) bool {
	return r == ReasonMailboxFull || r == ReasonSystemFull || r == ReasonExceedLimit
}

// preferUnknownUser decides a diagnostic that says both "mailbox full"
// (or "disk full") and "user unknown" under a permanent failure: the
// mailbox does not exist, so the address is dead whatever the disk does.
// A temporary failure keeps the storage reason (4.2.2 is what a full
// mailbox answers).
func preferUnknownUser(r, status, replyCode, diag string) string {
	if !storageReason(r) {
		return r
	}
	permanent := (status != "" && status[0] == '5') || (status == "" && replyCode != "" && replyCode[0] == '5')
	if !permanent || (len(status) > 3 && status[1:4] == ".2.") {
		// x.2.x names the mailbox's own state: full, not unknown.
		return r
	}
	if u := unknownUserRules.reason(diag); u != "" {
		return u
	}
	return r
}
