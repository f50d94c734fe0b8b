package intent

import "testing"

func TestAccuracy_holdout2(t *testing.T) {
	accuracy(t, "holdout2.jsonl")
}
