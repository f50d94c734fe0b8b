package tracking

import (
	"io"

	"github.com/inboxkit/inboxkit/internal/mailparse"
	"github.com/inboxkit/inboxkit/tracking/intent"
)

// Default bounds for one Classify call.
const (
	DefaultMaxBytes = 2 << 20 // bytes of a message that are read at all
)

// Option adjusts one Classify call.
type Option func(*config)

type config struct {
	account, threadID string
	maxBytes          int
	parse             mailparse.Config
	intent            intent.Classifier // nil: the built-in rules
}

func newConfig(opts []Option) *config {
	c := &config{maxBytes: DefaultMaxBytes, parse: mailparse.Config{
		MaxDepth: mailparse.DefaultMaxDepth, MaxParts: mailparse.DefaultMaxParts,
	}}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	if c.maxBytes <= 0 {
		c.maxBytes = DefaultMaxBytes
	}
	c.parse.MaxPartBytes = c.maxBytes
	if c.parse.CharsetReader == nil {
		c.parse.CharsetReader = mailparse.CharsetReader
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
			c.parse.MaxDepth = n
		}
	}
}

// WithCharsetReader replaces the charset conversion used for RFC 2047
// words and text parts (the default uses golang.org/x/text and knows the
// WHATWG encodings). It returns a reader of UTF-8.
func WithCharsetReader(f func(charset string, input io.Reader) (io.Reader, error)) Option {
	return func(c *config) { c.parse.CharsetReader = f }
}

// WithIntent decides the intent of replies with c (a host's model, say)
// instead of the built-in rules ([intent.Rules]). When c fails or
// answers a word that is not one of the fixed intents, the built-in
// rules decide that message; only a done ctx makes Classify fail. c sees
// the reply's new text only, never its quoted history.
func WithIntent(c intent.Classifier) Option {
	return func(cfg *config) { cfg.intent = c }
}
