package compose_test

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/mail"
	"strings"
	"testing"
	"time"

	gmmail "github.com/emersion/go-message/mail"

	"github.com/inboxkit/inboxkit/internal/compose"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

func build(t *testing.T, m *provider.Message) (*compose.Built, *mail.Message) {
	t.Helper()
	b, err := compose.Build(m, compose.Options{Account: "ada@example.com", FromName: "Ada Lovelace", Now: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	parsed, err := mail.ReadMessage(bytes.NewReader(b.Raw))
	if err != nil {
		t.Fatalf("the composed message does not parse: %v\n%s", err, b.Raw)
	}
	return b, parsed
}

func TestBuild_headers(t *testing.T) {
	m := &provider.Message{
		To:         []provider.Address{{Name: "Bob", Email: "bob@example.org"}},
		Cc:         []provider.Address{{Email: "cyd@example.org"}},
		Bcc:        []provider.Address{{Email: "secret@example.org"}},
		Subject:    "Grüße aus Zürich",
		Text:       "Hallo",
		InReplyTo:  "root@example.com",
		References: []string{"root@example.com"},
		Headers:    []provider.Header{{Name: "X-Campaign", Value: "q4"}},
	}
	b, p := build(t, m)
	if b.MessageID == "" || m.MessageID != b.MessageID || !strings.HasSuffix(b.MessageID, "@example.com") {
		t.Errorf("MessageID = %q (message %q); want a generated ID in the account's domain, written back", b.MessageID, m.MessageID)
	}
	if got := p.Header.Get("Message-Id"); got != "<"+b.MessageID+">" {
		t.Errorf("Message-ID header = %q; want <%s>", got, b.MessageID)
	}
	if got := p.Header.Get("From"); !strings.Contains(got, "ada@example.com") || !strings.Contains(got, "Ada Lovelace") {
		t.Errorf("From = %q; want the account with its name", got)
	}
	if p.Header.Get("Bcc") != "" || bytes.Contains(b.Raw, []byte("secret@example.org")) {
		t.Error("the Bcc address appears in the message")
	}
	if got := strings.Join(b.Recipients, ","); got != "bob@example.org,cyd@example.org,secret@example.org" {
		t.Errorf("Recipients = %s; want To, Cc and Bcc", got)
	}
	if got := decodeWords(p.Header.Get("Subject")); got != "Grüße aus Zürich" {
		t.Errorf("Subject decodes to %q", got)
	}
	if got := p.Header.Get("In-Reply-To"); got != "<root@example.com>" {
		t.Errorf("In-Reply-To = %q", got)
	}
	if got := p.Header.Get("References"); got != "<root@example.com>" {
		t.Errorf("References = %q; want the chain without a repeat", got)
	}
	if p.Header.Get("X-Campaign") != "q4" || p.Header.Get("User-Agent") != "" || p.Header.Get("X-Mailer") != "" {
		t.Errorf("extra headers: X-Campaign=%q User-Agent=%q X-Mailer=%q; want q4 and no mailer banners",
			p.Header.Get("X-Campaign"), p.Header.Get("User-Agent"), p.Header.Get("X-Mailer"))
	}
	if p.Header.Get("Date") != "Mon, 23 Nov 2026 10:00:00 +0000" {
		t.Errorf("Date = %q", p.Header.Get("Date"))
	}
	if !bytes.Contains(b.Raw, []byte("\r\n")) || bytes.Contains(bytes.ReplaceAll(b.Raw, []byte("\r\n"), nil), []byte("\n")) {
		t.Error("lines do not all end in CRLF")
	}
}

func TestBuild_referencesAppendInReplyTo(t *testing.T) {
	m := &provider.Message{To: []provider.Address{{Email: "b@example.org"}}, Text: "x", InReplyTo: "two@x", References: []string{"one@x"}}
	_, p := build(t, m)
	if got := strings.Join(strings.Fields(p.Header.Get("References")), " "); got != "<one@x> <two@x>" {
		t.Errorf("References = %q; want <one@x> <two@x>", got)
	}
	if len(m.References) != 1 {
		t.Errorf("Build changed the caller's References: %v", m.References)
	}
}

func TestBuild_idempotencyKeyGivesStableID(t *testing.T) {
	m1 := &provider.Message{To: []provider.Address{{Email: "b@example.org"}}, Text: "x", IdempotencyKey: "k"}
	m2 := &provider.Message{To: []provider.Address{{Email: "b@example.org"}}, Text: "x", IdempotencyKey: "k"}
	b1, _ := build(t, m1)
	b2, _ := build(t, m2)
	if b1.MessageID != b2.MessageID || b1.MessageID != providerkit.MessageIDForKey("ada@example.com", "k") {
		t.Errorf("IDs %q and %q; want both MessageIDForKey(account, key)", b1.MessageID, b2.MessageID)
	}
}

func TestBuild_bodiesAndAttachments(t *testing.T) {
	m := &provider.Message{
		To:   []provider.Address{{Email: "b@example.org"}},
		Text: "plain ünïcode",
		HTML: "<p>html</p><img src=\"cid:logo@x\">",
		Attachments: []provider.Attachment{
			{Filename: "notes.txt", Data: []byte("attached text")},
			{Inline: true, ContentID: "logo@x", ContentType: "image/png", Data: []byte{0x89, 'P', 'N', 'G'}},
		},
	}
	b, _ := build(t, m)
	r, err := gmmail.CreateReader(bytes.NewReader(b.Raw))
	if err != nil {
		t.Fatal(err)
	}
	var texts, atts []string
	for {
		part, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(part.Body)
		switch h := part.Header.(type) {
		case *gmmail.InlineHeader:
			ct, _, _ := h.ContentType()
			texts = append(texts, ct+"="+string(body))
		case *gmmail.AttachmentHeader:
			name, _ := h.Filename()
			atts = append(atts, name+"="+string(body))
		}
	}
	joined := strings.Join(texts, "|")
	for _, want := range []string{"text/plain=plain ünïcode", "text/html=<p>html</p>"} {
		if !strings.Contains(joined, want) {
			t.Errorf("parts %q lack %q", joined, want)
		}
	}
	if !strings.Contains(strings.Join(atts, "|"), "notes.txt=attached text") {
		t.Errorf("attachments = %q; want notes.txt", atts)
	}
}

func TestBuild_refusesInvalid(t *testing.T) {
	_, err := compose.Build(&provider.Message{To: []provider.Address{{Email: "b@example.org"}}, Subject: "a\r\nb", Text: "x"}, compose.Options{Account: "ada@example.com"})
	if !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("Build(injected subject) = %v; want ErrInvalid", err)
	}
}

func decodeWords(s string) string {
	out, err := new(mime.WordDecoder).DecodeHeader(s)
	if err != nil {
		return s
	}
	return out
}

func TestBuild_keepBcc(t *testing.T) {
	m := &provider.Message{To: []provider.Address{{Email: "b@example.org"}}, Bcc: []provider.Address{{Name: "S", Email: "s@example.org"}, {Email: "t@example.org"}}, Text: "x"}
	b, err := compose.Build(m, compose.Options{Account: "ada@example.com", KeepBcc: true})
	if err != nil {
		t.Fatal(err)
	}
	p, err := mail.ReadMessage(bytes.NewReader(b.Raw))
	if err != nil {
		t.Fatal(err)
	}
	list, err := p.Header.AddressList("Bcc")
	if err != nil || len(list) != 2 || list[0].Address != "s@example.org" || list[1].Address != "t@example.org" {
		t.Errorf("Bcc header = %q (%v); want both Bcc addresses", p.Header.Get("Bcc"), err)
	}
}
