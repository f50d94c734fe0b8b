//go:build !race

package beacon_test

// poolSlack is the extra allocations allowed per request; none without
// the race detector.
const poolSlack = 0
