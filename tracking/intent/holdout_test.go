package intent

import "testing"

func TestAccuracy_holdout(t *testing.T) {
	accuracy(t, "holdout.jsonl")
}
