package tracking_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// corpusDir finds the shared bounce corpus: $INBOXKIT_TESTDATA/bounces,
// else ../../shared/testdata/bounces relative to this package.
func corpusDir(tb testing.TB) string {
	tb.Helper()
	dirs := []string{filepath.Join("..", "..", "shared", "testdata", "bounces")}
	if env := os.Getenv("INBOXKIT_TESTDATA"); env != "" {
		dirs = append([]string{filepath.Join(env, "bounces")}, dirs...)
	}
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "labels.jsonl")); err == nil {
			return d
		}
	}
	tb.Skip("bounce corpus not found: set INBOXKIT_TESTDATA or place it at ../../shared/testdata/bounces (it is not copied into the repo)")
	return ""
}

type corpusLabel struct {
	Path            string `json:"path"`
	Class           string `json:"kind"`
	Reason          string `json:"reason"`
	Status          string `json:"status"`
	HardBounce      *bool  `json:"hardbounce"`
	FailedRecipient string `json:"failed_recipient"`
	LabelSource     string `json:"label_source"`
}

type corpusMessage struct {
	label corpusLabel
	raw   []byte
}

func loadCorpus(tb testing.TB) []corpusMessage {
	tb.Helper()
	dir := corpusDir(tb)
	f, err := os.Open(filepath.Join(dir, "labels.jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []corpusMessage
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l corpusLabel
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			tb.Fatalf("labels.jsonl: %v", err)
		}
		raw, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(l.Path)))
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, corpusMessage{label: l, raw: raw})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}
