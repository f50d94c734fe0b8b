// Package compose turns a provider.Message into RFC 5322 bytes, once, for
// every provider: SMTP sends these bytes and appends the same bytes to the
// Sent folder; Gmail and Graph upload them as raw MIME.
//
// It builds the MIME structure with go-mail (multipart/alternative for text
// and HTML, multipart/mixed and multipart/related for attachments, RFC 2047
// for non-ASCII header text) and sets the headers inboxkit owns: From, To,
// Cc, Reply-To, Subject, Date, Message-ID, In-Reply-To and References. Bcc
// is never written into the header.
package compose

import (
	"bytes"
	"fmt"
	"mime"
	"path"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/wneessen/go-mail"
)

// Built is a composed message.
type Built struct {
	// Raw is the whole message, CRLF line endings, ready for SMTP DATA,
	// IMAP APPEND or a raw upload.
	Raw []byte
	// MessageID is the Message-ID set in Raw, without angle brackets.
	MessageID string
	// EnvelopeFrom is the SMTP MAIL FROM address.
	EnvelopeFrom string
	// Recipients are the SMTP RCPT TO addresses: To, Cc and Bcc.
	Recipients []string
	// Date is the Date header's time.
	Date time.Time
}

// Options are the account facts the composer needs.
type Options struct {
	// Account is the mailbox's own address: the envelope sender, the
	// default From, and the domain of generated Message-IDs.
	Account string
	// FromName is the display name used when m.From has none.
	FromName string
	// Now is the time used for an unset Date; zero means time.Now.
	Now time.Time
	// KeepBcc writes the Bcc header (only for an API that derives the
	// envelope from headers, such as Gmail's raw send, which then strips
	// it from what recipients see).
	KeepBcc bool
	// Validated says m has passed Message.Validate already (a provider's
	// providerkit.SendPath validates before anything else), so Build does
	// not pay for it twice.
	Validated bool
}

// Build validates m (unless opts.Validated) and composes it. It fills
// m.MessageID when empty (see providerkit.SetMessageID), so the caller sees
// the ID that was sent.
func Build(m *provider.Message, opts Options) (*Built, error) {
	if !opts.Validated {
		if err := m.Validate(); err != nil {
			return nil, err
		}
	}
	providerkit.SetMessageID(opts.Account, m)
	from := m.From
	if from.Email == "" {
		from.Email = opts.Account
	}
	if from.Name == "" && strings.EqualFold(from.Email, opts.Account) {
		from.Name = opts.FromName
	}
	date := m.Date
	if date.IsZero() {
		date = opts.Now
		if date.IsZero() {
			date = time.Now()
		}
	}
	date = date.Truncate(time.Second)

	msg := mail.NewMsg(mail.WithNoDefaultUserAgent(), mail.WithEncoding(mail.EncodingQP))
	if err := setAddresses(msg, m, from, opts); err != nil {
		return nil, err
	}
	msg.Subject(m.Subject)
	msg.SetDateWithValue(date)
	msg.SetMessageIDWithValue(m.MessageID)
	if m.InReplyTo != "" {
		msg.SetGenHeaderPreformatted(mail.HeaderInReplyTo, "<"+m.InReplyTo+">")
	}
	if refs := references(m); refs != "" {
		msg.SetGenHeaderPreformatted(mail.HeaderReferences, refs)
	}
	for _, h := range m.Headers {
		msg.SetGenHeader(mail.Header(h.Name), h.Value)
	}
	setBodies(msg, m)
	if err := attach(msg, m.Attachments); err != nil {
		return nil, err
	}

	var buf bytes.Buffer
	if _, err := msg.WriteTo(&buf); err != nil {
		return nil, &provider.Error{Op: "compose", Code: provider.ErrInvalid, Err: err}
	}
	rcpts := m.Recipients()
	b := &Built{
		Raw:          buf.Bytes(),
		MessageID:    m.MessageID,
		EnvelopeFrom: opts.Account,
		Recipients:   make([]string, len(rcpts)),
		Date:         date,
	}
	for i, r := range rcpts {
		b.Recipients[i] = r.Email
	}
	return b, nil
}

func setAddresses(msg *mail.Msg, m *provider.Message, from provider.Address, opts Options) error {
	if err := msg.SetAddrHeader(mail.HeaderFrom, from.String()); err != nil {
		return providerkit.Invalid("From", err.Error())
	}
	lists := []struct {
		header mail.AddrHeader
		field  string
		addrs  []provider.Address
	}{
		{mail.HeaderTo, "To", m.To},
		{mail.HeaderCc, "Cc", m.Cc},
		{mail.HeaderReplyTo, "ReplyTo", m.ReplyTo},
	}
	if opts.KeepBcc && len(m.Bcc) > 0 {
		vals := make([]string, len(m.Bcc))
		for i, a := range m.Bcc {
			vals[i] = a.String()
		}
		msg.SetGenHeaderPreformatted(mail.Header("Bcc"), strings.Join(vals, ",\r\n "))
	}
	if len(m.To) == 0 {
		// RFC 5322 allows no To, but many filters penalise it; an empty
		// group says "Bcc only" honestly.
		msg.SetGenHeaderPreformatted(mail.Header("To"), "undisclosed-recipients:;")
	}
	for _, l := range lists {
		if len(l.addrs) == 0 {
			continue
		}
		vals := make([]string, len(l.addrs))
		for i, a := range l.addrs {
			vals[i] = a.String()
		}
		if err := msg.SetAddrHeader(l.header, vals...); err != nil {
			return providerkit.Invalid(l.field, err.Error())
		}
	}
	return nil
}

// references returns the References header: the given chain, with
// InReplyTo appended when the chain does not already end with it.
func references(m *provider.Message) string {
	refs := m.References
	if m.InReplyTo != "" && (len(refs) == 0 || refs[len(refs)-1] != m.InReplyTo) {
		refs = append(refs[:len(refs):len(refs)], m.InReplyTo)
	}
	if len(refs) == 0 {
		return ""
	}
	return "<" + strings.Join(refs, ">\r\n <") + ">"
}

func setBodies(msg *mail.Msg, m *provider.Message) {
	switch {
	case m.Text != "" && m.HTML != "":
		msg.SetBodyString(mail.TypeTextPlain, m.Text)
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	case m.HTML != "":
		msg.SetBodyString(mail.TypeTextHTML, m.HTML)
	default:
		msg.SetBodyString(mail.TypeTextPlain, m.Text)
	}
}

func attach(msg *mail.Msg, atts []provider.Attachment) error {
	for i, a := range atts {
		ct := a.ContentType
		if ct == "" {
			ct = mime.TypeByExtension(path.Ext(a.Filename))
		}
		if ct == "" {
			ct = "application/octet-stream"
		}
		name := a.Filename
		if name == "" {
			name = a.ContentID
		}
		opts := []mail.FileOption{mail.WithFileContentType(mail.ContentType(ct))}
		var err error
		if a.Inline {
			opts = append(opts, mail.WithFileContentID(a.ContentID))
			err = msg.EmbedReader(name, bytes.NewReader(a.Data), opts...)
		} else {
			err = msg.AttachReader(name, bytes.NewReader(a.Data), opts...)
		}
		if err != nil {
			return providerkit.Invalid(fmt.Sprintf("Attachments[%d]", i), err.Error())
		}
	}
	return nil
}
