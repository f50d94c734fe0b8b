package tracking_test

import (
	"bufio"
	"context"
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
				b.Fatalf("%v %q", err, res.Kind)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(msgs))/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(b.N*len(msgs)), "msgs")
}
