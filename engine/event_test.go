package engine_test

import (
	"testing"

	"github.com/inboxkit/inboxkit/engine"
)

func TestEventKey(t *testing.T) {
	base := engine.EventKey("ada@acme.test", engine.EventReplied, "r1@client.test", "1/7")
	cases := []struct {
		name                  string
		account               string
		kind                  engine.EventKind
		messageID, providerID string
		same                  bool
	}{
		{"same message", "ada@acme.test", engine.EventReplied, "r1@client.test", "1/7", true},
		{"refetched after a resync (new provider id)", "ada@acme.test", engine.EventReplied, "r1@client.test", "2/3", true},
		{"another kind", "ada@acme.test", engine.EventBounced, "r1@client.test", "1/7", false},
		{"another account", "max@acme.test", engine.EventReplied, "r1@client.test", "1/7", false},
		{"another message", "ada@acme.test", engine.EventReplied, "r2@client.test", "1/7", false},
		{"no Message-ID: the provider id", "ada@acme.test", engine.EventReplied, "", "r1@client.test", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := engine.EventKey(c.account, c.kind, c.messageID, c.providerID)
			if (got == base) != c.same {
				t.Errorf("EventKey(%q, %q, %q, %q) = %q; same as %q: %v, want %v", c.account, c.kind, c.messageID, c.providerID, got, base, got == base, c.same)
			}
		})
	}
}

func TestNew_options(t *testing.T) {
	ok := engine.Options{Accounts: accountsFunc{}, Cursors: &engine.MemoryCursors{}, SentIndex: nil, Sink: &engine.MemorySink{}}
	cases := []struct {
		name string
		edit func(o *engine.Options)
	}{
		{"no Accounts", func(o *engine.Options) { o.Accounts = nil }},
		{"no Cursors", func(o *engine.Options) { o.Cursors = nil }},
		{"no SentIndex", func(o *engine.Options) {}},
		{"no Sink", func(o *engine.Options) { o.Sink = nil }},
		{"negative MaxFetches", func(o *engine.Options) { o.MaxFetches = -1 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := ok
			c.edit(&o)
			if _, err := engine.New(o); err == nil {
				t.Errorf("New accepted options with %s", c.name)
			}
		})
	}
}
