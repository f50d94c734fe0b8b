package tracking

import (
	"io"

	"github.com/inboxkit/inboxkit/tracking/intent"
)

// Default bounds for one Classify call.
const (
	DefaultMaxBytes = 2 << 20 // bytes of a message that are read at all
	defaultMaxDepth = 16      // MIME nesting levels followed
	defaultMaxParts = 128     // MIME parts looked at
	maxHeaderFields = 1000    // header fields kept per header block
	maxHeaderValue  = 16 << 10
)

// Option adjusts one Classify call.
type Option func(*config)

type config struct {
	account, threadID string
	maxBytes          int
	maxDepth          int
	maxParts          int
	maxPartBytes      int
	charsetReader     func(charset string, input io.Reader) (io.Reader, error)
	intent            intent.Classifier // nil: the built-in rules
}

func newConfig(opts []Option) *config {
	c := &config{maxBytes: DefaultMaxBytes, maxDepth: defaultMaxDepth, maxParts: defaultMaxParts}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	if c.maxBytes <= 0 {
		c.maxBytes = DefaultMaxBytes
	}
	c.maxPartBytes = c.maxBytes
	if c.charsetReader == nil {
		c.charsetReader = charsetReader
	}
	return c
}

// WithThread passes the provider's thread ID of the message (Gmail
// threadId, Graph conversationId) and the account it was fetched from,
// so a reply can be matched through SentIndex.ByThread.
func WithThread(account, threadID string) Option {
	return func(c *config) { c.account, c.threadID = account, threadID }
}

// WithMaxBytes bounds how much of a message is read (default
// DefaultMaxBytes). Bounces and replies carry what matters near the
// start; the rest of a larger message is ignored. n <= 0 means the
// default.
func WithMaxBytes(n int) Option {
	return func(c *config) { c.maxBytes = n }
}

// WithMaxDepth bounds how many MIME nesting levels are followed
// (default 16). n <= 0 means the default.
func WithMaxDepth(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.maxDepth = n
		}
	}
}

// WithCharsetReader replaces the charset conversion used for RFC 2047
// words and text parts (the default uses golang.org/x/text and knows the
// WHATWG encodings). It returns a reader of UTF-8.
func WithCharsetReader(f func(charset string, input io.Reader) (io.Reader, error)) Option {
	return func(c *config) { c.charsetReader = f }
}

// WithIntent decides the intent of replies with c (a host's model, say)
// instead of the built-in rules ([intent.Rules]). When c fails or
// answers a word that is not one of the fixed intents, the built-in
// rules decide that message; only a done ctx makes Classify fail. c sees
// the reply's new text only, never its quoted history.
func WithIntent(c intent.Classifier) Option {
	return func(cfg *config) { cfg.intent = c }
}
