package bounce

import (
	"strings"

	"github.com/emersion/go-message/textproto"
)

// challengeServices are the senders and header fields of
// challenge-response (sender verification) services.
var (
	challengeDomains = [...]string{"boxbe.com", "spamarrest.com", "mailshell.com", "choicemail.com", "sanebox.com",
		"spamcease.com", "bluebottle.com", "mailblocks.com", "earthlink.net", "qurb.com", "digiportal.com"}
	challengeFields = [...]string{"X-Boxbe-Challenge", "X-Spamarrest-Challenge", "X-ChoiceMail-Registration-Request",
		"X-Challenge", "X-Spam-Challenge", "X-Sender-Verification"}
)

// challengeAsks are the phrases in which a challenge asks the sender to
// prove they are a person or to confirm themselves as a sender.
var challengeAsks = [...]string{
	"verify that you are human", "verify you are human", "verify that you are a human", "verify you're human",
	"prove you are human", "prove that you are human", "confirm you are human", "confirm that you are human",
	"confirm you are a human", "confirm that you are a real person", "confirm you are a real person",
	"verify that you are a real person", "verify you are a real person", "you are not a robot", "not a robot",
	"not an automated", "are a person", "are a real person", "guest list", "approved senders list",
	"approved sender list", "allowlist", "whitelist", "white list", "sender verification", "verify your email address",
	"verify your e-mail address", "verify yourself as a sender", "challenge-response", "challenge response",
	"protecting myself from spam", "protect myself from spam", "spam protection", "anti-spam protection",
	"bestätigen sie, dass sie ein mensch", "kein roboter", "absenderbestätigung", "confirmer que vous êtes humain",
	"vous n'êtes pas un robot", "confirme que eres humano", "no eres un robot", "não é um robô", "non sei un robot",
	"potwierdź, że jesteś człowiekiem", "nie jesteś robotem",
}

// challengeHolds are the phrases in which a challenge says the message
// waits for that proof.
var challengeHolds = [...]string{
	"has been held", "is being held", "was held", "held pending", "pending verification", "awaiting verification",
	"awaiting your verification", "in quarantine", "quarantined", "waiting in", "will be delivered once",
	"will be delivered after", "will be delivered when", "to have your message delivered", "to deliver your message",
	"before your message", "until you", "once you confirm", "once you verify", "will be deleted", "are deleted",
	"one-time", "one time", "only need to do this once", "wird zugestellt, sobald", "zurückgehalten",
	"sera distribué", "en attente", "será entregado", "retenido", "será entregue", "sarà consegnato",
	"zostanie dostarczona", "wstrzymana",
}

// The phrase lists compiled; never modified after.
var (
	challengeAskMatcher  = newPhraseMatcher(challengeAsks[:])
	challengeHoldMatcher = newPhraseMatcher(challengeHolds[:])
)

// IsChallenge recognises a challenge-response message: a recipient's
// spam filter holding our mail until we prove we are a person (Boxbe,
// Spam Arrest, ChoiceMail and their kind). It is not a bounce (the mail
// may still be delivered) and not a person's reply. It needs the
// service's sender or header, or both a request to verify and a word
// that the mail is held.
func IsChallenge(h textproto.Header, from, subject, text string) bool {
	for _, f := range challengeFields {
		if h.Get(f) != "" {
			return true
		}
	}
	service := false
	if at := strings.LastIndexByte(from, '@'); at >= 0 {
		d := from[at+1:]
		for _, c := range challengeDomains {
			if d == c || strings.HasSuffix(d, "."+c) {
				service = true
				break
			}
		}
	}
	if len(text) > 2<<10 {
		// A challenge asks in its first lines; the rest is the held
		// message.
		text = text[:2<<10]
	}
	ask := challengeAskMatcher.contains(subject) || challengeAskMatcher.contains(text)
	if service {
		return ask || challengeHoldMatcher.contains(text)
	}
	return ask && challengeHoldMatcher.contains(text)
}
