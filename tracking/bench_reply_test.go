package tracking_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/tracking"
)

// replyCorpus builds one reply per labelled text of the intent sets, each
// as a client writes it: the new text, a signature, an attribution line
// and the quoted outreach, as quoted-printable UTF-8; plus the round-two
// reply fixtures.
func replyCorpus(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, set := range []string{"tune.jsonl", "holdout.jsonl", "holdout2.jsonl"} {
		f, err := os.Open(filepath.Join("intent", "testdata", set))
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for n := 0; sc.Scan(); n++ {
			var l struct{ Text string }
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				tb.Fatal(err)
			}
			body := strings.ReplaceAll(l.Text, "\n", "\r\n") + "\r\n\r\nBest regards,\r\nJordan Example\r\nHead of Platform | Example Corp\r\n\r\n" +
				"On Mon, Jan 8, 2024 at 10:02 AM Sarah Lee <sarah@recruit.example> wrote:\r\n" +
				"> Hi Jordan,\r\n>\r\n> We are hiring a senior engineer. Interested in a quick chat this week?\r\n>\r\n> Sarah\r\n"
			out = append(out, []byte(fmt.Sprintf("From: Jordan <jordan%d@example.org>\r\nTo: sarah@recruit.example\r\n"+
				"Subject: Re: A role you may like\r\nMessage-ID: <r%d@example.org>\r\nIn-Reply-To: <sent-1@recruit.example>\r\n"+
				"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s", n, n, body)))
		}
		f.Close()
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "round2", "reply-*.eml"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// BenchmarkClassifyReplies classifies replies only (text, attachments and
// intent every time), one goroutine: the reply path's cost per message.
func BenchmarkClassifyReplies(b *testing.B) {
	msgs := replyCorpus(b)
	ctx := context.Background()
	var total int64
	for _, m := range msgs {
		total += int64(len(m))
	}
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, m := range msgs {
			res, err := tracking.Classify(ctx, m, nil)
			if err != nil || res.Intent == "" {
				b.Fatalf("%v %q", err, res.Class)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(msgs))/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(b.N*len(msgs)), "msgs")
}

// hugeHTMLReply is a reply whose only body is 2 MB of HTML (the most
// Classify reads), base64-encoded as clients send it.
func hugeHTMLReply() []byte {
	var h strings.Builder
	h.WriteString("<html><body><div>Yes, let's talk on Tuesday.</div>")
	for h.Len() < 3<<20/2 {
		h.WriteString(`<table><tr><td style="padding:0"><span>row &amp; cell</span></td></tr></table>`)
	}
	var b strings.Builder
	b.WriteString("From: tom@acme.example\r\nIn-Reply-To: <m1@recruit.example>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(h.String()))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc)
	return []byte(b.String())
}

func TestClassify_hugeHTMLReply(t *testing.T) {
	res, err := tracking.Classify(context.Background(), hugeHTMLReply(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Class != tracking.ClassReply || !strings.HasPrefix(res.Text, "Yes, let's talk on Tuesday.") || len(res.Text) > 64<<10 {
		t.Errorf("huge HTML reply: %q, %d bytes of text starting %q", res.Class, len(res.Text), res.Text[:min(40, len(res.Text))])
	}
	if res.Intent != "interested" {
		t.Errorf("Intent = %q; want interested", res.Intent)
	}
}

func BenchmarkClassify_hugeHTMLReply(b *testing.B) {
	raw := hugeHTMLReply()
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tracking.Classify(context.Background(), raw, nil); err != nil {
			b.Fatal(err)
		}
	}
}
