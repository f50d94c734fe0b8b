// Package smtpimap is the inboxkit provider for any mailbox reachable over
// SMTP (RFC 5321, submission RFC 6409) and IMAP (RFC 3501, with IDLE
// RFC 2177, SPECIAL-USE RFC 6154 and UIDPLUS RFC 4315) or POP3 (RFC 1939,
// with CAPA RFC 2449, STLS RFC 2595 and AUTH RFC 5034): the "SMTP-IMAP"
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
// connection lost after the whole message was transferred) Send fails with
// provider.ErrOutcomeUnknown and saves the copy to Sent, so a retry with
// the same key finds it there instead of sending again; a host must never
// resend such a message under a new Message-ID. Without a Sent folder to
// look in (no IMAP), such a retry is refused with ErrOutcomeUnknown rather
// than sent blindly. A lost APPEND is retried only after a search of Sent
// for the Message-ID. Send never returns a result and an error together:
// a message SMTP accepted whose Sent copy failed is a success, with the
// failure in Sent.SentCopyErr.
//
// Config.Dialer opens every SMTP, IMAP and POP3 connection, so a host can
// apply its own egress policy (a net.Dialer Control hook, a proxy).
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
// original's Message-ID) is then checked in the body. With a SentIndex
// that also has ByRecipient, a message from a recipient we wrote to with
// the same normalised subject is related too (its client dropped the
// threading headers). Within one UIDVALIDITY the last UID in the cursor
// alone decides what is new.
//
// One message never stalls the account: one over MaxMessageSize, or one
// the server refuses with NO, is listed in Batch.Skipped once and passed.
// A Fetch reads at most 10,000 header blocks and downloads at most 100
// messages (64 MB) per folder; the cursor continues from there.
//
// # Resync
//
// When a folder's UIDVALIDITY changes (the folder was deleted and created
// again, or the mailbox was migrated), its UIDs mean nothing any more. The
// cursor keeps the newest INTERNALDATE judged (with the Message-IDs at
// that second) and digests of the Message-IDs of the last 48 messages
// judged. The resync lists the folder again from a day before that
// watermark and skips what those say was judged. When the server also
// reset INTERNALDATE (every message dated at the migration; Fetch notices
// when a message judged before now carries a later date), the Date field
// stands in for it: a message sent more than a day before the watermark
// was judged. Where this cannot be exact it returns a message again rather
// than lose it; the one case it can miss is, in a mailbox with reset
// dates, a reply delivered just before the migration whose Date field is
// more than a day older than the watermark (delivery delayed by days, or
// a sender's clock that far behind). A large resync spans several Fetches.
//
// # Watch
//
// Watch (provider.Watcher) pushes over IMAP IDLE on INBOX (or the first of
// Config.Folders), re-issued every 25 minutes, and polls where the server
// has no IDLE. IDLE watches one mailbox per connection, so the other
// folders Fetch reads (the \Junk folder, the rest of Config.Folders) are
// checked with one pipelined STATUS every Config.PollInterval on the
// Provider's shared connection (not a second IDLE connection, which many
// servers count against a small per-user limit; NOTIFY, RFC 5465, is rare).
//
// # Receiving over POP3
//
// For mailboxes that offer only POP3 (RFC 1939), set Config.POP3 instead of
// IMAP (with both set, IMAP is used). The port and security follow IMAP's
// rules with POP3's ports: 995 implicit TLS, 110 STLS (RFC 2595); a server
// without STLS fails with provider.ErrInsecure before USER, PASS or AUTH
// is sent. Sign-in is AUTH XOAUTH2 with a TokenSource (Outlook's POP3
// takes OAuth), AUTH PLAIN where CAPA lists it (RFC 5034), else USER/PASS;
// a refusal is provider.ErrAuth.
//
// POP3 shows each session the maildrop as it was at login, so every Fetch
// opens a short session of its own. It reads the header of each new
// message with TOP n 0, downloads with RETR only related mail and bounce
// or auto-reply candidates, and never sends DELE: the mail stays on the
// server. Commands are pipelined where the server offers PIPELINING (RFC
// 2449). A poll with nothing new costs one session of five POP3 round
// trips over implicit TLS (greeting, CAPA, AUTH, STAT with the anchor
// check, QUIT; STLS adds one) whatever the maildrop's length; one Fetch reads at most 500 headers and 50
// messages (64 MiB) and returns a cursor to continue. A related message
// over MaxMessageSize, by LIST or by what RETR actually sends, is reported
// in Batch.Skipped and moved past. Incoming.ProviderID is the message's
// unique-id (UIDL) and Folder is "INBOX"; POP3 has no other folder.
//
// The cursor keeps the position of the last message handled and the
// unique-ids of the last ten handled, each with a digest of its
// Message-ID, plus the newest arrival time seen (the topmost Received
// field, else Date): at most 1.6 KB however long the maildrop grows. When
// the last message is no longer at its position (the user deleted mail in
// another client), the full UIDL listing finds the newest of the ten
// still present and reading resumes after it, exactly. Where POP3 cannot
// be exact it errs towards returning a message again, never towards
// losing one:
//
//   - When all ten are gone, or a unique-id now names another message (a
//     rebuilt maildrop), Fetch resyncs by arrival time: messages that
//     arrived more than two minutes before the newest handled one count
//     as handled; later ones, and messages without a readable date, are
//     returned (again, for those among them handled before and not among
//     the ten).
//   - An empty cursor reads mail that arrived within Config.LookBack,
//     found by a 16-way search over arrival times.
//
// Both rely on the maildrop keeping arrival order, as every POP3 server
// does; a server that inserted new mail before older mail could hide it.
//
// Watch, which POP3 cannot push, checks STAT every Config.PollInterval
// (two minutes by default) and notifies when the maildrop changed.
//
// # Sent mail
//
// After SMTP accepts a message it is appended to the Sent folder over
// IMAP. POP3 has no Sent folder and no way to add to one: with POP3 (or
// without receiving) the copy lands in Sent only if the SMTP server saves
// it, as Gmail and Outlook do. Features reports which case applies
// (SentCopyAppended, SentCopyByServer, SentCopyUnknown), so a host can
// tell its user.
//
// # Settings
//
// Server.Resolve infers a missing port or security; Discover finds a
// domain's settings from its autoconfig file, the Thunderbird ISPDB, RFC
// 6186 SRV records and MX hints, and says when OAuth (Gmail, Microsoft 365)
// is the better way to connect.
package smtpimap
