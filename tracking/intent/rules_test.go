package intent

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

type labelled struct {
	Lang     string `json:"lang"`
	Domain   string `json:"domain"`
	Want     Intent `json:"want"`
	Referral string `json:"referral"`
	Text     string `json:"text"`
}

func loadSet(t *testing.T, name string) []labelled {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var l labelled
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%s:%d: %v", name, n, err)
		}
		if !l.Want.Valid() {
			t.Fatalf("%s:%d: bad intent %q", name, n, l.Want)
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLexicon_compiles(t *testing.T) {
	if builtinErr != nil {
		t.Fatal(builtinErr)
	}
}

// accuracy runs Rules over a labelled set, logs a table per intent and
// per language and the misses, and returns the overall accuracy.
func accuracy(t *testing.T, name string) (float64, map[Intent][2]int) {
	set := loadSet(t, name)
	per := map[Intent][2]int{}
	lang := map[string][2]int{}
	var misses []string
	ok := 0
	for _, l := range set {
		got, err := Rules{}.Classify(context.Background(), Message{Text: l.Text})
		if err != nil {
			t.Fatal(err)
		}
		good := got.Intent == l.Want && (l.Want != WrongPerson || got.Referral == l.Referral)
		p, g := per[l.Want], lang[l.Lang]
		p[1]++
		g[1]++
		if good {
			ok++
			p[0]++
			g[0]++
		} else {
			misses = append(misses, fmt.Sprintf("%s/%s: want %s %s, got %s %s: %q", l.Lang, l.Domain, l.Want, l.Referral, got.Intent, got.Referral, l.Text))
		}
		per[l.Want], lang[l.Lang] = p, g
	}
	t.Logf("%s: %d/%d = %.1f%%", name, ok, len(set), 100*float64(ok)/float64(len(set)))
	t.Logf("%-16s %8s %7s", "intent", "right", "rate")
	for _, i := range All {
		p := per[i]
		if p[1] > 0 {
			t.Logf("%-16s %3d/%-4d %6.1f%%", i, p[0], p[1], 100*float64(p[0])/float64(p[1]))
		}
	}
	langs := make([]string, 0, len(lang))
	for l := range lang {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, l := range langs {
		g := lang[l]
		t.Logf("lang %-4s %3d/%-4d %6.1f%%", l, g[0], g[1], 100*float64(g[0])/float64(g[1]))
	}
	for _, m := range misses {
		t.Logf("  miss %s", m)
	}
	return float64(ok) / float64(len(set)), per
}
