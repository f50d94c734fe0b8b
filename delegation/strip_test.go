package delegation_test

import (
	"bytes"
	"net/mail"
	"testing"

	"github.com/inboxkit/inboxkit/delegation"
	"github.com/inboxkit/inboxkit/provider"
)

func TestStripIncoming(t *testing.T) {
	tests := []struct {
		name, raw, want string
	}{
		{
			name: "reply",
			raw: "From: a@example.org\r\nTo: b@example.com\r\nSubject: secret plans\r\nMessage-ID: <r@x>\r\n" +
				"In-Reply-To: <m@y>\r\n\r\nbody\r\n",
			want: "Message-Id: <r@x>\r\nIn-Reply-To: <m@y>\r\n\r\n",
		},
		{
			name: "auto-reply headers kept, folded References joined",
			raw: "Auto-Submitted: auto-replied\r\nX-Autoreply: yes\r\nPrecedence: bulk\r\nX-Autorespond: 1\r\n" +
				"References: <a@x>\r\n <b@x>\r\nSubject: Out of office\r\n\r\nI am away\r\n",
			want: "References: <a@x> <b@x>\r\nAuto-Submitted: auto-replied\r\nPrecedence: bulk\r\nX-Autoreply: yes\r\nX-Autorespond: 1\r\n\r\n",
		},
		{
			name: "report keeps media type and report-type only",
			raw:  "Content-Type: multipart/report; report-type=delivery-status;\r\n boundary=\"b1\"; charset=x\r\n\r\n--b1--\r\n",
			want: "Content-Type: multipart/report; report-type=delivery-status\r\n\r\n",
		},
		{name: "unparseable Content-Type dropped", raw: "Content-Type: ;;;\r\nSubject: x\r\n\r\n", want: ""},
		{name: "nothing to keep", raw: "Subject: hello\r\nFrom: a@b\r\n\r\nbody", want: ""},
		{name: "garbage", raw: "no header here", want: ""},
		{name: "empty", raw: "", want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := provider.Incoming{Raw: []byte(tc.raw), ProviderID: "7", ThreadID: "t", Folder: "INBOX", MatchedBy: "in-reply-to"}
			got := delegation.StripIncoming(in)
			if string(got.Raw) != tc.want {
				t.Errorf("Raw = %q; want %q", got.Raw, tc.want)
			}
			if got.ProviderID != "7" || got.ThreadID != "t" || got.Folder != "INBOX" || got.MatchedBy != "in-reply-to" {
				t.Errorf("IDs = %+v; want them kept", got)
			}
			if string(in.Raw) != tc.raw {
				t.Errorf("input Raw changed to %q", in.Raw)
			}
		})
	}
}

// FuzzStripIncoming checks that whatever comes in, what a requester gets is
// either nothing or a header block with no body, made only of kept fields.
func FuzzStripIncoming(f *testing.F) {
	f.Add([]byte("From: a@b\r\nMessage-ID: <x@y>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nbody"))
	f.Add([]byte("In-Reply-To: <a@b>\n\nbody"))
	f.Add([]byte("Content-Type: multipart/report; report-type=\"delivery-status\"; boundary=zz\r\n\r\n"))
	f.Add([]byte("References: <a@b>\r\n\t<c@d>\r\nDate: x\r\n\r\n"))
	kept := map[string]bool{
		"Date": true, "Message-Id": true, "In-Reply-To": true, "References": true, "Auto-Submitted": true,
		"Precedence": true, "X-Autoreply": true, "X-Autorespond": true, "Content-Type": true,
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		out := delegation.StripIncoming(provider.Incoming{Raw: raw}).Raw
		if len(out) == 0 {
			return
		}
		if !bytes.HasSuffix(out, []byte("\r\n\r\n")) {
			t.Fatalf("stripped Raw %q does not end the header block", out)
		}
		msg, err := mail.ReadMessage(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("stripped Raw %q does not parse: %v", out, err)
		}
		if b, _ := msg.Body.Read(make([]byte, 1)); b != 0 {
			t.Fatalf("stripped Raw %q has a body", out)
		}
		for name := range msg.Header {
			if !kept[name] {
				t.Fatalf("stripped Raw keeps %s: %q", name, out)
			}
		}
	})
}
