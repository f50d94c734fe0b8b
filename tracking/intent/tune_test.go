package intent

import "testing"

func TestAccuracy_tune(t *testing.T) {
	rate, _ := accuracy(t, "tune.jsonl")
	_ = rate
}
