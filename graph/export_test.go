package graph

import "github.com/inboxkit/inboxkit/internal/providerkit"

// WithBackoff sets the retry policy of opts, so that tests of retries run
// without waiting, and returns opts.
func WithBackoff(opts *Options, b providerkit.Backoff) *Options {
	opts.backoff = b
	return opts
}

// BackoffOf returns the retry policy set with WithBackoff.
func BackoffOf(opts *Options) providerkit.Backoff { return opts.backoff }
