package relate_test

import (
	"context"
	"errors"
	"net/textproto"
	"testing"

	"github.com/inboxkit/inboxkit/internal/relate"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
)

// stored is one message behind counting Steps.
type stored struct {
	raw           []byte
	err           error // returned by every step when set
	headers, raws int
}

func (s *stored) steps() relate.Steps {
	return relate.Steps{
		Header: func(context.Context) (textproto.MIMEHeader, error) {
			s.headers++
			if s.err != nil {
				return nil, s.err
			}
			return relate.Header(s.raw), nil
		},
		Raw: func(context.Context) ([]byte, error) {
			s.raws++
			if s.err != nil {
				return nil, s.err
			}
			return s.raw, nil
		},
	}
}

// TestJudge: the pipeline reads a header first, the raw message only for
// related mail and candidates, the raw message at once in a known thread,
// and treats a deleted or skipped message as unrelated.
func TestJudge(t *testing.T) {
	const account = "ada@example.com"
	ours := &provider.SentRecord{Account: account, MessageID: "ours@example.com", ThreadID: "t-1"}
	idx := index{ours.MessageID: ours}
	tests := []struct {
		name                  string
		raw                   []byte
		err                   error
		thread                string
		wantMatch             string // "" for no Incoming
		wantHeaders, wantRaws int
	}{
		{"reply", providertest.Reply("bob@x.example", account, "Hi", "ours@example.com"), nil, "", "in-reply-to", 1, 1},
		{"known thread", []byte("Subject: no headers of ours\r\n\r\nhi"), nil, "t-1", "thread", 0, 1},
		{"unrelated", providertest.Unrelated("news@x.example", account), nil, "", "", 1, 0},
		{"bounce of ours", providertest.Bounce(account, "gone@x.example", "Hi", "ours@example.com"), nil, "", "dsn-original", 1, 1},
		{"bounce of other mail", providertest.Bounce(account, "gone@x.example", "Hi", "other@example.com"), nil, "", "", 1, 1},
		{"deleted", nil, provider.ErrNotFound, "", "", 1, 0},
		{"skipped", nil, relate.ErrSkip, "t-1", "", 0, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &stored{raw: tc.raw, err: tc.err}
			in, err := relate.Judge(context.Background(), idx, account, tc.thread, s.steps())
			if err != nil {
				t.Fatalf("Judge error: %v", err)
			}
			got := ""
			if in != nil {
				got = in.MatchedBy
				if in.Record != ours || string(in.Raw) != string(tc.raw) || in.ThreadID != tc.thread {
					t.Errorf("Incoming = %+v; want our record, the raw message and thread %q", in, tc.thread)
				}
			}
			if got != tc.wantMatch {
				t.Errorf("MatchedBy = %q; want %q", got, tc.wantMatch)
			}
			if s.headers != tc.wantHeaders || s.raws != tc.wantRaws {
				t.Errorf("reads: %d headers, %d raw; want %d, %d", s.headers, s.raws, tc.wantHeaders, tc.wantRaws)
			}
		})
	}
}

func TestJudge_errors(t *testing.T) {
	ctx := context.Background()
	s := &stored{raw: []byte("In-Reply-To: <x@y>\r\n\r\n")}
	if _, err := relate.Judge(ctx, brokenIndex{}, "a@x", "t", s.steps()); !errors.Is(err, provider.ErrTemporary) {
		t.Errorf("Judge with a failing thread look-up = %v; want its error", err)
	}
	if _, err := relate.Judge(ctx, brokenIndex{}, "a@x", "", s.steps()); !errors.Is(err, provider.ErrTemporary) {
		t.Errorf("Judge with a failing Message-ID look-up = %v; want its error", err)
	}
	broken := &stored{err: provider.ErrPermission}
	if _, err := relate.Judge(ctx, index{}, "a@x", "", broken.steps()); !errors.Is(err, provider.ErrPermission) {
		t.Errorf("Judge with a failing step = %v; want its error", err)
	}
}
