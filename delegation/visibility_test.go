package delegation_test

import (
	"testing"

	"github.com/inboxkit/inboxkit/delegation"
	"github.com/inboxkit/inboxkit/provider"
)

func TestCanView(t *testing.T) {
	onBehalf := delegation.Stamp(&provider.SentRecord{MessageID: "a@x"}, "rita", "max")
	own := delegation.Stamp(&provider.SentRecord{MessageID: "b@x", Meta: map[string]string{"campaign": "c1"}}, "max", "max")
	unstamped := &provider.SentRecord{MessageID: "c@x"}
	tests := []struct {
		actor string
		rec   *provider.SentRecord
		want  delegation.Visibility
	}{
		{"max", onBehalf, delegation.VisibilityFull},
		{"rita", onBehalf, delegation.VisibilityEvents},
		{"sam", onBehalf, delegation.VisibilityNone},
		{"", onBehalf, delegation.VisibilityNone},
		{"max", own, delegation.VisibilityFull},
		{"rita", own, delegation.VisibilityNone},
		{"max", unstamped, delegation.VisibilityNone},
		{"max", nil, delegation.VisibilityNone},
	}
	for _, tc := range tests {
		if got := delegation.CanView(tc.actor, tc.rec); got != tc.want {
			var id string
			if tc.rec != nil {
				id = tc.rec.MessageID
			}
			t.Errorf("CanView(%q, %s) = %s; want %s", tc.actor, id, got, tc.want)
		}
	}
	if own.Meta["campaign"] != "c1" {
		t.Errorf("Stamp dropped host meta: %v", own.Meta)
	}
	for v, want := range map[delegation.Visibility]string{
		delegation.VisibilityNone: "none", delegation.VisibilityEvents: "events", delegation.VisibilityFull: "full", 9: "unknown",
	} {
		if got := v.String(); got != want {
			t.Errorf("Visibility(%d).String() = %q; want %q", int(v), got, want)
		}
	}
}
