package tracking_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking"
)

func testIndex(t *testing.T) *tracking.MemoryIndex {
	t.Helper()
	idx := tracking.NewMemoryIndex(0)
	recs := []provider.SentRecord{
		{Account: "me@example.com", MessageID: "first@example.com", ThreadID: "thr-1",
			Recipients: []string{"Ann@Example.org"}, Subject: "Quarterly plan", SentAt: time.Unix(100, 0)},
		{Account: "me@example.com", MessageID: "second@example.com", ThreadID: "thr-2",
			Recipients: []string{"bob@example.org"}, Subject: "Lunch?", SentAt: time.Unix(200, 0)},
	}
	for _, r := range recs {
		if err := idx.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	return idx
}

func msg(headers, body string) []byte {
	return []byte(strings.ReplaceAll(headers, "\n", "\r\n") + "\r\n" + body)
}

func TestClassify_replies(t *testing.T) {
	idx := testIndex(t)
	tests := []struct {
		name   string
		raw    []byte
		opts   []tracking.Option
		kind   tracking.Class
		by     tracking.MatchedBy
		record string
	}{
		{"in-reply-to", msg("From: ann@example.org\nSubject: Re: Quarterly plan\nIn-Reply-To: <first@example.com>\n", "Yes.\r\n"),
			nil, tracking.ClassReply, tracking.MatchInReplyTo, "first@example.com"},
		{"references newest first", msg("From: ann@example.org\nSubject: Re: x\nReferences: <other@x.org> <second@example.com> <zzz@y.org>\n", "ok\r\n"),
			nil, tracking.ClassReply, tracking.MatchReferences, "second@example.com"},
		{"thread", msg("From: carol@example.net\nSubject: forwarded on\n", "hi\r\n"),
			[]tracking.Option{tracking.WithThread("ME@example.com", "thr-2")}, tracking.ClassReply, tracking.MatchThread, "second@example.com"},
		{"recipient and subject", msg("From: Ann <ANN@example.org>\nSubject: AW: RE: Quarterly  plan\n", "Klingt gut.\r\n"),
			nil, tracking.ClassReply, tracking.MatchRecipientSubject, "first@example.com"},
		{"human reply mentioning out of office", msg("From: ann@example.org\nSubject: Re: Out of office next week?\nIn-Reply-To: <first@example.com>\n", "I will be away.\r\n"),
			nil, tracking.ClassReply, tracking.MatchInReplyTo, "first@example.com"},
		{"recipient with other subject", msg("From: ann@example.org\nSubject: something else\n", "hi\r\n"),
			nil, tracking.ClassUnrelated, "", ""},
		{"stranger", msg("From: zed@example.net\nSubject: Re: Quarterly plan\nIn-Reply-To: <nope@example.net>\n", "hi\r\n"),
			nil, tracking.ClassUnrelated, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := tracking.Classify(context.Background(), tc.raw, idx, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if res.Class != tc.kind || res.MatchedBy != tc.by {
				t.Errorf("Classify = kind %q by %q; want %q by %q", res.Class, res.MatchedBy, tc.kind, tc.by)
			}
			got := ""
			if res.Record != nil {
				got = res.Record.MessageID
			}
			if got != tc.record {
				t.Errorf("Record = %q; want %q", got, tc.record)
			}
		})
	}
}

func TestClassify_nilIndex(t *testing.T) {
	res, err := tracking.Classify(context.Background(), msg("From: a@x.org\nSubject: Re: hi\nIn-Reply-To: <q@x.org>\n", "."), nil)
	if err != nil || res.Class != tracking.ClassReply || res.Record != nil {
		t.Errorf("Classify(nil idx) = %q, %v, %v; want reply without record", res.Class, res.Record, err)
	}
	res, err = tracking.Classify(context.Background(), msg("From: a@x.org\nSubject: hi\n", "."), nil)
	if err != nil || res.Class != tracking.ClassUnrelated {
		t.Errorf("Classify(nil idx, no headers) = %q, %v; want unrelated", res.Class, err)
	}
}

func TestClassify_autoReplies(t *testing.T) {
	subjects := map[string]string{
		"en": "Automatic reply: Quarterly plan", "en2": "Out of Office: Quarterly plan", "de": "Abwesenheitsnotiz: Quarterly plan",
		"de2": "Automatische Antwort: Quarterly plan", "fr": "Réponse automatique : Quarterly plan", "es": "Respuesta automática: Quarterly plan",
		"it": "Risposta automatica: Quarterly plan", "pt": "Resposta automática: Quarterly plan", "nl": "Automatisch antwoord: Quarterly plan",
		"sv": "Autosvar: Quarterly plan", "no": "Automatisk svar: Quarterly plan", "da": "Fraværende: Quarterly plan",
		"pl": "Automatyczna odpowiedź: Quarterly plan", "cs": "Automatická odpověď: Quarterly plan", "ja": "自動応答: Quarterly plan",
		"zh": "自动回复: Quarterly plan", "zh-tw": "自動回覆: Quarterly plan",
		"encoded de": "=?UTF-8?Q?Abwesenheitsnotiz=3A_Quarterly_plan?=", "encoded ja": "=?ISO-2022-JP?B?GyRCPCtGMDF+RXobKEI=?= Quarterly plan",
		"encoded pl latin2": "=?ISO-8859-2?Q?Automatyczna_odpowied=BC:_plan?=",
	}
	idx := testIndex(t)
	for name, subj := range subjects {
		t.Run(name, func(t *testing.T) {
			raw := msg("From: ann@example.org\nSubject: "+subj+"\nIn-Reply-To: <first@example.com>\n", "I am away until 2030-05-06.\r\n")
			res, err := tracking.Classify(context.Background(), raw, idx)
			if err != nil {
				t.Fatal(err)
			}
			if res.Class != tracking.ClassAutoReply {
				t.Errorf("Classify(%q) kind = %q (subject %q); want auto_reply", subj, res.Class, res.Subject)
			}
			if res.MatchedBy != tracking.MatchInReplyTo {
				t.Errorf("MatchedBy = %q; want in-reply-to", res.MatchedBy)
			}
			if want := time.Date(2030, 5, 6, 0, 0, 0, 0, time.UTC); !res.ReturnDate.Equal(want) {
				t.Errorf("ReturnDate = %v; want %v", res.ReturnDate, want)
			}
		})
	}
	headers := []string{
		"Auto-Submitted: auto-replied", "X-Autoreply: yes", "X-Autorespond: on", "Precedence: auto_reply",
		"X-MS-Exchange-Inbox-Rules-Loop: ann@example.org",
	}
	for _, h := range headers {
		t.Run(h, func(t *testing.T) {
			res, err := tracking.Classify(context.Background(), msg("From: ann@example.org\nSubject: Re: Quarterly plan\n"+h+"\n", "away\r\n"), idx)
			if err != nil || res.Class != tracking.ClassAutoReply || res.MatchedBy != tracking.MatchRecipientSubject {
				t.Errorf("Classify with %q = %q by %q, %v; want auto_reply by recipient-subject", h, res.Class, res.MatchedBy, err)
			}
		})
	}
}

func TestClassify_notAutoReplies(t *testing.T) {
	tests := []struct{ name, headers string }{
		{"suppress header alone", "X-Auto-Response-Suppress: All\nIn-Reply-To: <first@example.com>\nSubject: Re: Quarterly plan"},
		{"list post with auto-submitted", "List-Id: <plans.example.org>\nAuto-Submitted: auto-generated\nSubject: Out of office: digest"},
		{"precedence bulk", "Precedence: bulk\nSubject: Automatic reply: newsletter"},
		{"precedence list", "Precedence: list\nX-Autoreply: yes\nSubject: hello"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := tracking.Classify(context.Background(), msg("From: ann@example.org\n"+tc.headers+"\n", "hi\r\n"), testIndex(t))
			if err != nil {
				t.Fatal(err)
			}
			if res.Class == tracking.ClassAutoReply || res.Class == tracking.ClassBounce {
				t.Errorf("Classify = %q; want neither auto_reply nor bounce", res.Class)
			}
		})
	}
}

type failingIndex struct{}

func (failingIndex) ByMessageID(context.Context, string) (*provider.SentRecord, error) {
	return nil, errors.New("db down")
}
func (failingIndex) ByThread(context.Context, string, string) (*provider.SentRecord, error) {
	return nil, errors.New("db down")
}

func TestClassify_errors(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := tracking.Classify(ctx, msg("From: a@x.org\n", "."), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled ctx: err = %v; want context.Canceled", err)
	}
	for _, raw := range [][]byte{nil, {}, {0, 0, 0}, []byte("   \r\n"), []byte("no header here at all")} {
		if _, err := tracking.Classify(context.Background(), raw, nil); !errors.Is(err, tracking.ErrNotMessage) {
			t.Errorf("Classify(%q) err = %v; want ErrNotMessage", raw, err)
		}
	}
	res, err := tracking.Classify(context.Background(), msg("From: a@x.org\nIn-Reply-To: <q@x.org>\n", "."), failingIndex{})
	if err == nil || !strings.HasPrefix(err.Error(), "tracking: ") {
		t.Errorf("failing index: err = %v; want a tracking: error", err)
	}
	if res.Class != tracking.ClassUnrelated {
		t.Errorf("failing index: kind = %q; want unrelated", res.Class)
	}
}
