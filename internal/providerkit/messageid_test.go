package providerkit_test

import (
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

func TestMessageIDs(t *testing.T) {
	a, b := providerkit.NewMessageID("ada@Example.com"), providerkit.NewMessageID("ada@example.com")
	if a == b || !provider.ValidMessageID(a) || !strings.HasSuffix(a, "@example.com") {
		t.Errorf("NewMessageID = %q, %q; want two different valid IDs in example.com", a, b)
	}
	k1 := providerkit.MessageIDForKey("ada@example.com", "step-1/bob")
	k2 := providerkit.MessageIDForKey("ADA@example.com", "step-1/bob")
	k3 := providerkit.MessageIDForKey("ada@example.com", "step-1/cyd")
	if k1 != k2 || k1 == k3 || !provider.ValidMessageID(k1) {
		t.Errorf("MessageIDForKey: %q %q %q; want stable per (account, key), different per key", k1, k2, k3)
	}
	if got := providerkit.NewMessageID("no-at-sign"); !strings.HasSuffix(got, "@inboxkit.invalid") {
		t.Errorf("NewMessageID(bad sender) = %q; want the .invalid domain", got)
	}
	parsed := providerkit.ParseMessageIDs(" <a@b.c> (comment) <bad>\r\n <d@e.f>")
	if len(parsed) != 2 || parsed[0] != "a@b.c" || parsed[1] != "d@e.f" {
		t.Errorf("ParseMessageIDs = %q; want [a@b.c d@e.f]", parsed)
	}
	if got := providerkit.ParseMessageIDs("bare@id.example"); len(got) != 1 {
		t.Errorf("ParseMessageIDs(bare) = %q", got)
	}
	if got := providerkit.TrimMessageID(" <x@y> "); got != "x@y" {
		t.Errorf("TrimMessageID = %q", got)
	}
}

func FuzzParseMessageIDs(f *testing.F) {
	for _, s := range []string{"<a@b>", "<a@b> <c@d>", "<<>>", "<", ">", "a@b", "<a@b", "\r\n <x@y>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, id := range providerkit.ParseMessageIDs(s) {
			if !provider.ValidMessageID(id) {
				t.Fatalf("ParseMessageIDs(%q) returned invalid %q", s, id)
			}
		}
	})
}

func TestSetMessageID(t *testing.T) {
	const account = "ada@example.com"
	tests := []struct {
		name string
		m    provider.Message
		want func(got string) bool
	}{
		{"kept", provider.Message{MessageID: "own@example.com", IdempotencyKey: "k"}, func(got string) bool { return got == "own@example.com" }},
		{"from the key", provider.Message{IdempotencyKey: "k"}, func(got string) bool { return got == providerkit.MessageIDForKey(account, "k") }},
		{"fresh", provider.Message{}, func(got string) bool { return provider.ValidMessageID(got) && strings.HasSuffix(got, "@example.com") }},
	}
	for _, tc := range tests {
		m := tc.m
		providerkit.SetMessageID(account, &m)
		if !tc.want(m.MessageID) {
			t.Errorf("%s: SetMessageID gave %q", tc.name, m.MessageID)
		}
	}
}
