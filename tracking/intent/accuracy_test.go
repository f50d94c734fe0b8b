package intent

import "testing"

// TestAccuracy reports accuracy per intent and per language on the
// labelled sets (run with -v for the tables and the misses). The rules
// were written against tune.jsonl, then tune2.jsonl; each held-out set
// was written before the rules it measures and never tuned on:
// holdout.jsonl before any rule (96.3% at its one measurement),
// holdout2.jsonl before the fixes its misses suggested (85.5%),
// holdout3.jsonl before the tune2 round (93.4%), holdout4.jsonl before
// the tune3 round (96.4% before and after it), holdout5.jsonl before a
// last round of phrases from general knowledge (92.3%; written by the
// same hand just before, so the later figure is optimistic). Later
// figures on a held-out set that was already looked at are optimistic. The floors
// guard against regressions; they are not targets.
func TestAccuracy(t *testing.T) {
	for _, tc := range []struct {
		set   string
		floor float64
	}{
		{"tune.jsonl", 0.97},
		{"holdout.jsonl", 0.90},
		{"holdout2.jsonl", 0.80},
		{"tune2.jsonl", 0.95},
		{"holdout3.jsonl", 0.85},
		{"tune3.jsonl", 0.95},
		{"holdout4.jsonl", 0.90},
		{"holdout5.jsonl", 0.90},
	} {
		t.Run(tc.set, func(t *testing.T) {
			rate, _ := accuracy(t, tc.set)
			if rate < tc.floor {
				t.Errorf("%s: accuracy %.1f%% below floor %.1f%%", tc.set, 100*rate, 100*tc.floor)
			}
		})
	}
}
