package smtpimap

// Features says what a Provider's configuration does, for a host to show
// its user: how mail is received, and whether sent mail lands in the
// mailbox's Sent folder.
type Features struct {
	// Receive is "imap", "pop3", or "" when receiving is off.
	Receive string
	// SentCopy says how a sent message reaches the Sent folder.
	SentCopy SentCopy
}

// SentCopy says how a sent message reaches the Sent folder.
type SentCopy int

// The SentCopy values.
const (
	// SentCopyUnknown: inboxkit saves no copy, so the message lands in
	// Sent only if the SMTP server files it itself. This is the case when
	// receiving over POP3 (POP3 has no Sent folder, and no way to add to
	// one), when receiving is off, and with SaveSentNever. A host should
	// tell its user that sent mail may not appear in their Sent folder.
	SentCopyUnknown SentCopy = iota
	// SentCopyAppended: after SMTP accepts a message, inboxkit appends the
	// exact bytes sent to the Sent folder over IMAP.
	SentCopyAppended
	// SentCopyByServer: the SMTP service files sent mail itself (Gmail,
	// Outlook / Office 365), so inboxkit adds no second copy.
	SentCopyByServer
)

// String returns "unknown", "appended" or "by-server".
func (s SentCopy) String() string {
	switch s {
	case SentCopyAppended:
		return "appended"
	case SentCopyByServer:
		return "by-server"
	}
	return "unknown"
}

// Features reports how this Provider receives and keeps sent mail.
func (p *Provider) Features() Features {
	var f Features
	switch {
	case p.cfg.IMAP != nil:
		f.Receive = "imap"
	case p.cfg.POP3 != nil:
		f.Receive = "pop3"
	}
	switch {
	case p.saveSent():
		f.SentCopy = SentCopyAppended
	case savesSentItself(p.cfg.SMTP.Host):
		f.SentCopy = SentCopyByServer
	}
	return f
}
