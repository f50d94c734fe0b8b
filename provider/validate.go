package provider

import (
	"fmt"
	"mime"
	"net/mail"
	"strings"
)

// Limits that Validate enforces.
const (
	// MaxRecipients caps To+Cc+Bcc of one message; providers allow more or
	// less, but a larger list is almost always a bug in the host.
	MaxRecipients = 500
	maxAddressLen = 254 // RFC 5321 §4.5.3.1.3 path limit
	maxHeaderLen  = 998 // RFC 5322 §2.1.1 line limit
)

// reservedHeaders are set by inboxkit itself; Message.Headers may not set
// them (canonical form, compared case-insensitively).
var reservedHeaders = [...]string{
	"Bcc", "Cc", "Content-Transfer-Encoding", "Content-Type", "Date", "From",
	"In-Reply-To", "Message-Id", "Mime-Version", "References", "Reply-To",
	"Return-Path", "Sender", "Subject", "To",
}

// ReservedHeader reports whether name is a header field that inboxkit sets
// itself and Message.Headers therefore may not.
func ReservedHeader(name string) bool {
	for _, r := range reservedHeaders {
		if strings.EqualFold(name, r) {
			return true
		}
	}
	return false
}

// Validate checks m before anything reaches a server: addresses parse,
// no header field can carry CR or LF (header injection), extra headers are
// well-formed and not reserved, Message-IDs are well-formed, and there is a
// recipient and a body. The error is an ErrInvalid *Error naming the field.
func (m *Message) Validate() error {
	if m == nil {
		return invalid("Message", "is nil")
	}
	if m.From.Email != "" || m.From.Name != "" {
		if err := validateAddress("From", m.From, m.From.Email == ""); err != nil {
			return err
		}
	}
	n := len(m.To) + len(m.Cc) + len(m.Bcc)
	if n == 0 {
		return invalid("To", "no recipient")
	}
	if n > MaxRecipients {
		return invalid("To", fmt.Sprintf("%d recipients, more than %d", n, MaxRecipients))
	}
	for _, list := range []struct {
		name  string
		addrs []Address
	}{{"To", m.To}, {"Cc", m.Cc}, {"Bcc", m.Bcc}, {"ReplyTo", m.ReplyTo}} {
		for i, a := range list.addrs {
			if err := validateAddress(fmt.Sprintf("%s[%d]", list.name, i), a, false); err != nil {
				return err
			}
		}
	}
	if err := validateText("Subject", m.Subject); err != nil {
		return err
	}
	if m.Text == "" && m.HTML == "" {
		return invalid("Text", "no body: set Text or HTML")
	}
	for i, h := range m.Headers {
		if err := validateHeader(fmt.Sprintf("Headers[%d]", i), h); err != nil {
			return err
		}
	}
	for i, a := range m.Attachments {
		if err := validateAttachment(fmt.Sprintf("Attachments[%d]", i), a); err != nil {
			return err
		}
	}
	if m.MessageID != "" && !ValidMessageID(m.MessageID) {
		return invalid("MessageID", "not of the form local@domain without brackets or spaces")
	}
	if m.InReplyTo != "" && !ValidMessageID(m.InReplyTo) {
		return invalid("InReplyTo", "not of the form local@domain without brackets or spaces")
	}
	for i, ref := range m.References {
		if !ValidMessageID(ref) {
			return invalid(fmt.Sprintf("References[%d]", i), "not of the form local@domain without brackets or spaces")
		}
	}
	if err := validateText("ThreadID", m.ThreadID); err != nil {
		return err
	}
	if len(m.IdempotencyKey) > 256 {
		return invalid("IdempotencyKey", "longer than 256 bytes")
	}
	return nil
}

func validateAddress(field string, a Address, emailOptional bool) error {
	if err := validateText(field+".Name", a.Name); err != nil {
		return err
	}
	if a.Email == "" && emailOptional {
		return nil
	}
	if err := ValidEmail(a.Email); err != nil {
		return invalid(field+".Email", err.Error())
	}
	return nil
}

// ValidEmail checks that s is a bare addr-spec (local@domain) with no
// display name, brackets, spaces or control characters.
func ValidEmail(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("empty address")
	case len(s) > maxAddressLen:
		return fmt.Errorf("address longer than %d bytes", maxAddressLen)
	case strings.ContainsAny(s, "\r\n\x00<> \t,;"):
		return fmt.Errorf("address %q has a forbidden character", s)
	}
	parsed, err := mail.ParseAddress(s)
	if err != nil || parsed.Name != "" || !strings.EqualFold(parsed.Address, s) {
		return fmt.Errorf("address %q is not of the form local@domain", s)
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || !strings.Contains(s[at+1:], ".") && !strings.EqualFold(s[at+1:], "localhost") {
		return fmt.Errorf("address %q has no domain", s)
	}
	return nil
}

func validateText(field, s string) error {
	if strings.ContainsAny(s, "\r\n\x00") {
		return invalid(field, "contains CR, LF or NUL")
	}
	if len(s) > maxHeaderLen*4 {
		return invalid(field, "too long")
	}
	return nil
}

func validateHeader(field string, h Header) error {
	if h.Name == "" {
		return invalid(field+".Name", "empty")
	}
	for i := 0; i < len(h.Name); i++ {
		c := h.Name[i]
		if c <= ' ' || c >= 0x7f || c == ':' {
			return invalid(field+".Name", fmt.Sprintf("%q is not a header field name", h.Name))
		}
	}
	if ReservedHeader(h.Name) {
		return invalid(field+".Name", fmt.Sprintf("%s is set by inboxkit", h.Name))
	}
	if len(h.Name)+2+len(h.Value) > maxHeaderLen*4 {
		return invalid(field+".Value", "too long")
	}
	return validateText(field+".Value", h.Value)
}

func validateAttachment(field string, a Attachment) error {
	if a.Filename == "" && !a.Inline {
		return invalid(field+".Filename", "empty")
	}
	if err := validateText(field+".Filename", a.Filename); err != nil {
		return err
	}
	if strings.ContainsAny(a.Filename, "/\\") {
		return invalid(field+".Filename", "contains a path separator")
	}
	if a.ContentType != "" {
		if err := validateText(field+".ContentType", a.ContentType); err != nil {
			return err
		}
		if _, _, err := mime.ParseMediaType(a.ContentType); err != nil {
			return invalid(field+".ContentType", err.Error())
		}
	}
	if a.ContentID != "" && !ValidMessageID(a.ContentID) {
		return invalid(field+".ContentID", "not of the form local@domain")
	}
	if a.Inline && a.ContentID == "" {
		return invalid(field+".ContentID", "an inline attachment needs a ContentID")
	}
	return nil
}

// ValidMessageID reports whether id is an RFC 5322 msg-id without its angle
// brackets: printable ASCII, no spaces, one '@' with text on both sides.
func ValidMessageID(id string) bool {
	if len(id) < 3 || len(id) > 250 {
		return false
	}
	at := -1
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '"' || c == '\\' || c == '(' || c == ')' || c == ',' || c == ';' {
			return false
		}
		if c == '@' {
			if at >= 0 {
				return false
			}
			at = i
		}
	}
	return at > 0 && at < len(id)-1
}

// formatAddress renders a for a header: RFC 2047 for non-ASCII names,
// quoting where needed (net/mail's rules).
func formatAddress(a Address) string {
	return (&mail.Address{Name: a.Name, Address: a.Email}).String()
}
