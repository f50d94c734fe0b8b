package provider_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/provider"
)

func validMessage() *provider.Message {
	return &provider.Message{
		From:    provider.Address{Name: "Ada", Email: "ada@example.com"},
		To:      []provider.Address{{Name: "Bob", Email: "bob@example.com"}},
		Subject: "Hello",
		Text:    "Hi",
	}
}

func TestMessage_Validate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(m *provider.Message)
		field string // "" means valid
	}{
		{"valid", func(m *provider.Message) {}, ""},
		{"html only", func(m *provider.Message) { m.Text, m.HTML = "", "<p>hi</p>" }, ""},
		{"from empty is the account", func(m *provider.Message) { m.From = provider.Address{} }, ""},
		{"unicode name", func(m *provider.Message) { m.To[0].Name = "Zoë Ölund" }, ""},
		{"subject CRLF", func(m *provider.Message) { m.Subject = "a\r\nBcc: x@example.com" }, "Subject"},
		{"subject LF", func(m *provider.Message) { m.Subject = "a\nb" }, "Subject"},
		{"subject NUL", func(m *provider.Message) { m.Subject = "a\x00b" }, "Subject"},
		{"from name CR", func(m *provider.Message) { m.From.Name = "a\rb" }, "From.Name"},
		{"to bad", func(m *provider.Message) { m.To[0].Email = "bob" }, "To[0].Email"},
		{"to with name", func(m *provider.Message) { m.To[0].Email = "Bob <bob@example.com>" }, "To[0].Email"},
		{"to comma", func(m *provider.Message) { m.To[0].Email = "a@example.com,b@example.com" }, "To[0].Email"},
		{"cc CRLF", func(m *provider.Message) { m.Cc = []provider.Address{{Email: "c@example.com\r\nX: y"}} }, "Cc[0].Email"},
		{"bcc bad", func(m *provider.Message) { m.Bcc = []provider.Address{{Email: "@example.com"}} }, "Bcc[0].Email"},
		{"reply-to bad", func(m *provider.Message) { m.ReplyTo = []provider.Address{{Email: "x"}} }, "ReplyTo[0].Email"},
		{"no recipients", func(m *provider.Message) { m.To = nil }, "To"},
		{"too many", func(m *provider.Message) {
			for i := 0; i <= provider.MaxRecipients; i++ {
				m.Bcc = append(m.Bcc, provider.Address{Email: "x@example.com"})
			}
		}, "To"},
		{"no body", func(m *provider.Message) { m.Text = "" }, "Text"},
		{"reserved header", func(m *provider.Message) { m.Headers = []provider.Header{{Name: "message-id", Value: "x"}} }, "Headers[0].Name"},
		{"header name colon", func(m *provider.Message) { m.Headers = []provider.Header{{Name: "X-A:b", Value: "x"}} }, "Headers[0].Name"},
		{"header name space", func(m *provider.Message) { m.Headers = []provider.Header{{Name: "X A", Value: "x"}} }, "Headers[0].Name"},
		{"header value CRLF", func(m *provider.Message) {
			m.Headers = []provider.Header{{Name: "X-A", Value: "1\r\nBcc: v@example.com"}}
		}, "Headers[0].Value"},
		{"good header", func(m *provider.Message) { m.Headers = []provider.Header{{Name: "X-Campaign", Value: "42"}} }, ""},
		{"message id brackets", func(m *provider.Message) { m.MessageID = "<a@b>" }, "MessageID"},
		{"message id space", func(m *provider.Message) { m.MessageID = "a b@c" }, "MessageID"},
		{"in-reply-to bad", func(m *provider.Message) { m.InReplyTo = "nope" }, "InReplyTo"},
		{"references bad", func(m *provider.Message) { m.References = []string{"a@b", "bad"} }, "References[1]"},
		{"thread CRLF", func(m *provider.Message) { m.ThreadID = "t\n1" }, "ThreadID"},
		{"attachment path", func(m *provider.Message) {
			m.Attachments = []provider.Attachment{{Filename: "../etc/passwd", Data: []byte("x")}}
		}, "Attachments[0].Filename"},
		{"attachment type", func(m *provider.Message) {
			m.Attachments = []provider.Attachment{{Filename: "a.txt", ContentType: "text/", Data: []byte("x")}}
		}, "Attachments[0].ContentType"},
		{"inline needs cid", func(m *provider.Message) {
			m.Attachments = []provider.Attachment{{Filename: "a.png", Inline: true}}
		}, "Attachments[0].ContentID"},
		{"idempotency key long", func(m *provider.Message) { m.IdempotencyKey = strings.Repeat("k", 300) }, "IdempotencyKey"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := validMessage()
			tc.edit(m)
			err := m.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v; want nil", err)
				}
				return
			}
			var pe *provider.Error
			if !errors.Is(err, provider.ErrInvalid) || !errors.As(err, &pe) || pe.Field != tc.field {
				t.Fatalf("Validate() = %v; want ErrInvalid naming %s", err, tc.field)
			}
		})
	}
	var nilMsg *provider.Message
	if err := nilMsg.Validate(); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("nil.Validate() = %v; want ErrInvalid", err)
	}
}
