package tracking_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/inboxkit/inboxkit/tracking"
)

// FuzzClassify_reply drives the reply path (no index: a message with
// In-Reply-To is a reply) seeded with the round-two fixtures: the text is
// valid UTF-8, a reply always has a fixed intent, nothing else has one,
// and only an auto-reply is a challenge.
func FuzzClassify_reply(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "round2", "*.eml"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("From: a@x.org\r\nIn-Reply-To: <m@y>\r\nContent-Type: text/html\r\n\r\n<div>Yes<blockquote type=cite>q"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		res, err := tracking.Classify(context.Background(), raw, nil)
		if err != nil {
			return
		}
		if !utf8.ValidString(res.Text) {
			t.Fatalf("text is not UTF-8: %q", res.Text)
		}
		if (res.Class == tracking.ClassReply) != (res.Intent != "") {
			t.Fatalf("kind %q with intent %q", res.Class, res.Intent)
		}
		if res.Class == tracking.ClassReply && !res.Intent.Valid() {
			t.Fatalf("intent %q is not a fixed word", res.Intent)
		}
		if res.Challenge && res.Class != tracking.ClassAutoReply {
			t.Fatalf("challenge of kind %q", res.Class)
		}
		if res.Text != "" && res.Class != tracking.ClassReply && res.Class != tracking.ClassAutoReply {
			t.Fatalf("text for kind %q", res.Class)
		}
	})
}
