package relate_test

import (
	"context"
	"errors"
	"testing"

	"github.com/inboxkit/inboxkit/internal/relate"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
)

type index map[string]*provider.SentRecord

func (x index) ByMessageID(_ context.Context, id string) (*provider.SentRecord, error) {
	if r, ok := x[id]; ok {
		return r, nil
	}
	return nil, provider.ErrNotFound
}

func (x index) ByThread(_ context.Context, account, thread string) (*provider.SentRecord, error) {
	for _, r := range x {
		if r.ThreadID == thread && r.Account == account {
			return r, nil
		}
	}
	return nil, provider.ErrNotFound
}

type brokenIndex struct{}

func (brokenIndex) ByMessageID(context.Context, string) (*provider.SentRecord, error) {
	return nil, provider.ErrTemporary
}
func (brokenIndex) ByThread(context.Context, string, string) (*provider.SentRecord, error) {
	return nil, provider.ErrTemporary
}

func TestMatch(t *testing.T) {
	ours := &provider.SentRecord{Account: "ada@example.com", MessageID: "ours@example.com", ThreadID: "t-1"}
	idx := index{ours.MessageID: ours}
	ctx := context.Background()
	tests := []struct {
		name      string
		raw       string
		thread    string
		matchedBy string
		candidate bool
	}{
		{"in-reply-to", "In-Reply-To: <ours@example.com>\r\n\r\n", "", "in-reply-to", false},
		{"references, folded", "References: <a@x>\r\n <ours@example.com>\r\n\r\n", "", "references", false},
		{"thread", "Subject: hi\r\n\r\n", "t-1", "thread", false},
		{"unrelated", "From: shop@example.net\r\nSubject: deals\r\n\r\n", "", "", false},
		{"dsn", "Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n", "", "", true},
		{"mailer-daemon", "From: MAILER-DAEMON@mx.example.net\r\nSubject: failure notice\r\n\r\n", "", "", true},
		{"empty return-path", "Return-Path: <>\r\n\r\n", "", "", true},
		{"auto-submitted", "Auto-Submitted: auto-replied\r\n\r\n", "", "", true},
		{"auto-submitted no", "Auto-Submitted: no\r\nSubject: lunch\r\n\r\n", "", "", false},
		{"ooo subject, encoded", "Subject: =?UTF-8?Q?Abwesenheitsnotiz?=\r\n\r\n", "", "", true},
		{"japanese ooo", "Subject: 不在通知\r\n\r\n", "", "", true},
		{"other reply", "In-Reply-To: <theirs@example.net>\r\n\r\n", "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := relate.Match(ctx, relate.Header([]byte(tc.raw)), idx, "ada@example.com", tc.thread)
			if err != nil {
				t.Fatalf("Match error: %v", err)
			}
			if v.MatchedBy != tc.matchedBy || v.Candidate != tc.candidate || v.Related() != (tc.matchedBy != "") {
				t.Errorf("Match = %+v; want matchedBy %q candidate %v", v, tc.matchedBy, tc.candidate)
			}
		})
	}
	if _, err := relate.Match(ctx, relate.Header([]byte("In-Reply-To: <x@y>\r\n\r\n")), brokenIndex{}, "", ""); !errors.Is(err, provider.ErrTemporary) {
		t.Errorf("Match with a failing index = %v; want its error, so the cursor does not move past the message", err)
	}
}

func TestBody_bounceTiedByEmbeddedOriginal(t *testing.T) {
	ours := &provider.SentRecord{Account: "ada@example.com", MessageID: "ours@example.com"}
	idx := index{ours.MessageID: ours}
	ctx := context.Background()
	bounce := providertest.Bounce("ada@example.com", "gone@example.net", "Hello", "ours@example.com")
	rec, err := relate.Body(ctx, bounce, idx)
	if err != nil || rec != ours {
		t.Errorf("Body(bounce of ours) = %v, %v; want our record", rec, err)
	}
	other := providertest.Bounce("ada@example.com", "gone@example.net", "Hello", "someone-else@example.com")
	if rec, err := relate.Body(ctx, other, idx); err != nil || rec != nil {
		t.Errorf("Body(bounce of other mail) = %v, %v; want nil", rec, err)
	}
	if rec, err := relate.Body(ctx, bounce, nil); err != nil || rec != nil {
		t.Errorf("Body(nil index) = %v, %v; want nil", rec, err)
	}
}

func TestHeader_malformed(t *testing.T) {
	for _, raw := range []string{"", "\r\n", "no colon line\r\n\r\n", ": empty name\r\n\r\n", " leading fold\r\nA: b\r\n", "A: b", "A: \xff\xfe\r\n\r\n"} {
		h := relate.Header([]byte(raw))
		_ = h.Get("A")
	}
	h := relate.Header([]byte("Subject: one\r\n two\r\nX-A: 1\nX-A: 2\n\nBody: not a header\r\n"))
	if got := h.Get("Subject"); got != "one two" {
		t.Errorf("folded Subject = %q", got)
	}
	if got := h.Values("X-A"); len(got) != 2 {
		t.Errorf("X-A = %q; want two values (bare LF tolerated)", got)
	}
	if h.Get("Body") != "" {
		t.Error("Header read past the blank line")
	}
}

func FuzzHeaderAndMatch(f *testing.F) {
	f.Add([]byte("In-Reply-To: <ours@example.com>\r\n\r\n"))
	f.Add(providertest.Bounce("ada@example.com", "gone@example.net", "Hello", "ours@example.com"))
	f.Add([]byte("Subject: =?UTF-8?B?////?=\r\nReferences: <<<>>>\r\n\r\n"))
	idx := index{"ours@example.com": {MessageID: "ours@example.com"}}
	f.Fuzz(func(t *testing.T, raw []byte) {
		h := relate.Header(raw)
		if _, err := relate.Match(context.Background(), h, idx, "", ""); err != nil {
			t.Fatalf("Match error on a working index: %v", err)
		}
		if _, err := relate.Body(context.Background(), raw, idx); err != nil {
			t.Fatalf("Body error on a working index: %v", err)
		}
	})
}
