package bounce

// warningPhrases say outright that delivery is still being tried: a
// notice that says so is a delay, whatever "failure" words its
// technical details use ("temporary failure", "connection failed").
var warningPhrases = [...]string{
	"will be retried", "will retry", "will continue trying", "will continue to try", "will keep trying",
	"will try again", "still trying", "still being retried", "warning message only", "this is a warning only",
	"you do not need to resend", "do not need to resend", "no action is required on your part",
	"delivery attempts will continue", "not yet been delivered", "has not yet been delivered",
	"has been delayed", "delivery delayed", "delivery has been delayed", "retry for", "retried for",
	"will be delivered later", "remains in the queue", "still in the queue", "queued for retry",
	"(delay)", "delayed mail", "delivery delay", "is delayed",
	"zustellung verzögert", "wird weiterhin versucht", "wird erneut versucht",
	"remise différée", "distribution différée", "nouvelle tentative", "entrega retrasada", "se reintentará",
	"consegna ritardata", "opóźnion",
}

// finalPhrases say that delivery stopped for good; they outweigh a
// warning phrase (a final notice often quotes the earlier warnings).
var finalPhrases = [...]string{
	"gave up", "giving up", "give up on", "permanent error", "permanent failure", "permanently failed",
	"failed permanently", "will not be retried", "won't be retried", "no further attempts", "not be delivered",
	"has been returned", "could not be delivered", "couldn't be delivered", "delivery has failed",
	"message expired", "has expired", "retry timeout exceeded", "fatal error",
}

// The phrase lists compiled; never modified after.
var (
	warningMatcher = newPhraseMatcher(warningPhrases[:])
	finalMatcher   = newPhraseMatcher(finalPhrases[:])
)

// isWarning reports whether a notice without a delivery-status part is
// a delay warning: its subject or text says delivery goes on, and
// nothing says it stopped.
func isWarning(subject, text string) bool {
	if !warningMatcher.contains(subject) && !warningMatcher.contains(text) {
		return false
	}
	return !finalMatcher.contains(text) && !finalMatcher.contains(subject)
}
