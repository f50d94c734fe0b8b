// Package smtpimap is the inboxkit provider for any mailbox reachable over
// SMTP (RFC 5321, submission RFC 6409) and IMAP (RFC 3501, with IDLE
// RFC 2177, SPECIAL-USE RFC 6154 and UIDPLUS RFC 4315): the "SMTP-IMAP"
// connection type next to Gmail and Outlook.
//
// A host writes (Discover can fill in the servers from the address):
//
//	p, err := smtpimap.New(smtpimap.Config{Email: "ada@example.com", Password: crypto.Secret(appPassword),
//		SMTP: smtpimap.Server{Host: "smtp.example.com", Port: 587}, IMAP: &smtpimap.Server{Host: "imap.example.com", Port: 993}})
//	err = p.Verify(ctx) // provider.ErrAuth: ask the user for the password again
//	sent, err := p.Send(ctx, &provider.Message{To: []provider.Address{{Email: "bob@example.com"}}, Subject: "Hi", Text: "Hello"})
//
// # Sending
//
// Send composes the message once (our own Message-ID, RFC 2047 headers,
// multipart bodies), hands it to the SMTP server through go-mail's client
// on one connection that is kept and reused across sends and re-dialled
// when the server has dropped it, then appends the exact bytes sent to the
// Sent folder (found by SPECIAL-USE \Sent, then by common names), unless
// the server files sent mail itself (Gmail, Outlook / Office 365).
//
// A message with an IdempotencyKey is delivered at most once: its
// Message-ID derives from the key, and after an ambiguous failure (the
// connection lost after the whole message was transferred) the message
// counts as delivered and is saved to Sent, so a retry finds it there
// instead of sending again.
//
// # Security
//
// Connections use implicit TLS (ports 465, 993) or STARTTLS (587, 25,
// 143); there is no plaintext mode. A server that does not offer STARTTLS,
// or whose certificate does not verify, fails with provider.ErrInsecure
// before any credential is sent: every SASL mechanism (PLAIN, LOGIN,
// XOAUTH2) refuses to start on a connection without TLS, even to localhost.
// Passwords are crypto.Secret values and never reach logs or errors.
//
// # Receiving
//
// Fetch reads only what relates to mail we sent. A poll with nothing new
// is one round trip (STATUS of each folder, pipelined). New messages are
// read as a handful of header fields; a whole message is downloaded only
// when its In-Reply-To or References name our mail, or when it looks like
// a bounce, complaint or auto-reply, whose tie to our mail (the returned
// original's Message-ID) is then checked in the body. The cursor records
// each folder's UIDVALIDITY and last UID plus an INTERNALDATE watermark,
// so a rebuilt mailbox resyncs without losing or repeating anything.
// Watch (provider.Watcher) pushes over IMAP IDLE, re-issued every 25
// minutes, and polls where the server has no IDLE.
//
// # Settings
//
// Server.Resolve infers a missing port or security; Discover finds a
// domain's settings from its autoconfig file, the Thunderbird ISPDB, RFC
// 6186 SRV records and MX hints, and says when OAuth (Gmail, Microsoft 365)
// is the better way to connect.
package smtpimap
