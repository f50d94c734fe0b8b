package tracking_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/inboxkit/inboxkit/tracking"
)

// FuzzClassify checks that no input panics Classify or returns both a
// kind and an untyped error, seeded with the bounce corpus when present.
func FuzzClassify(f *testing.F) {
	dirs := []string{filepath.Join("..", "..", "shared", "testdata", "bounces")}
	if env := os.Getenv("INBOXKIT_TESTDATA"); env != "" {
		dirs = append(dirs, filepath.Join(env, "bounces"))
	}
	for _, d := range dirs {
		files, _ := filepath.Glob(filepath.Join(d, "*", "*.eml"))
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add(dsn("a@example.org", "failed", "5.1.1"))
	f.Add([]byte("From: a@x.org\r\nSubject: Automatic reply: x\r\n\r\nback on 5 May 2030"))
	idx := tracking.NewMemoryIndex(0)
	f.Fuzz(func(t *testing.T, raw []byte) {
		res, err := tracking.Classify(context.Background(), raw, idx, tracking.WithThread("me@x.org", "t"))
		if err == nil && res.Class == "" {
			t.Fatal("no kind and no error")
		}
		if res.Class == tracking.ClassBounce && res.Action == "" {
			t.Fatal("bounce without action")
		}
	})
}
