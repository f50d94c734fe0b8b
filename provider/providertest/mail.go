package providertest

import (
	"fmt"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
)

// The builders below make the incoming mail of the suite; provider tests
// and the quickstart use them to play prospects.

func header(from, to, subject, id string) string {
	return fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\n",
		from, to, subject, time.Now().UTC().Format(time.RFC1123Z), id)
}

// Reply is a human reply from prospect to account about the message
// inReplyTo.
func Reply(prospect, account, subject, inReplyTo string) []byte {
	id := providerkit.NewMessageID(prospect)
	return []byte(header(prospect, account, "Re: "+subject, id) +
		"In-Reply-To: <" + inReplyTo + ">\r\nReferences: <" + inReplyTo + ">\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\nSounds good, let's talk on Tuesday.\r\n\r\n> earlier text\r\n")
}

// OutOfOffice is an RFC 3834 auto-reply from prospect.
func OutOfOffice(prospect, account, subject, inReplyTo string) []byte {
	id := providerkit.NewMessageID(prospect)
	return []byte(header(prospect, account, "Automatic reply: "+subject, id) +
		"Auto-Submitted: auto-replied\r\nIn-Reply-To: <" + inReplyTo + ">\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\nI am out of the office until Monday.\r\n")
}

// Bounce is an RFC 3464 delivery status notification saying the mail
// with Message-ID original to rcpt failed permanently (5.1.1).
func Bounce(account, rcpt, subject, original string) []byte {
	domain := rcpt[strings.LastIndexByte(rcpt, '@')+1:]
	id := providerkit.NewMessageID("mailer-daemon@" + domain)
	boundary := "dsn-" + strings.SplitN(id, "@", 2)[0]
	return []byte(header("Mail Delivery System <MAILER-DAEMON@"+domain+">", account, "Undelivered Mail Returned to Sender", id) +
		"Auto-Submitted: auto-replied\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"" + boundary + "\"\r\n\r\n" +
		"--" + boundary + "\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your message could not be delivered.\r\n\r\n" +
		"--" + boundary + "\r\nContent-Type: message/delivery-status\r\n\r\n" +
		"Reporting-MTA: dns; mx." + domain + "\r\n\r\n" +
		"Final-Recipient: rfc822; " + rcpt + "\r\nAction: failed\r\nStatus: 5.1.1\r\n" +
		"Diagnostic-Code: smtp; 550 5.1.1 <" + rcpt + ">: Recipient address rejected: User unknown\r\n\r\n" +
		"--" + boundary + "\r\nContent-Type: text/rfc822-headers\r\n\r\n" +
		"From: " + account + "\r\nTo: " + rcpt + "\r\nSubject: " + subject + "\r\nMessage-ID: <" + original + ">\r\n\r\n" +
		"--" + boundary + "--\r\n")
}

// Unrelated is mail that has nothing to do with anything we sent.
func Unrelated(from, account string) []byte {
	id := providerkit.NewMessageID(from)
	return []byte(header(from, account, "Weekly deals", id) +
		"Content-Type: text/plain\r\n\r\nNothing to do with you.\r\n")
}

// MessageIDOf returns the Message-ID of a raw message, without brackets.
func MessageIDOf(raw []byte) string {
	for _, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" {
			break
		}
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, "Message-ID") {
			return providerkit.TrimMessageID(v)
		}
	}
	return ""
}
