//go:build race

package beacon_test

// poolSlack is the extra allocations allowed per request under the race
// detector, which makes sync.Pool drop pooled objects at random.
const poolSlack = 3
