package tracking_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking"
	"github.com/inboxkit/inboxkit/tracking/activity"
)

// classifyFixture classifies testdata/round2/name (fixtures written for
// these rules, not taken from the shared corpus).
func classifyFixture(t *testing.T, name string, idx provider.SentIndex) tracking.Result {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "round2", name))
	if err != nil {
		t.Fatal(err)
	}
	res, err := tracking.Classify(context.Background(), raw, idx)
	if err != nil {
		t.Fatalf("Classify(%s): %v", name, err)
	}
	return res
}

func TestClassify_challenge(t *testing.T) {
	for _, name := range []string{"challenge-boxbe.eml", "challenge-generic.eml"} {
		res := classifyFixture(t, name, nil)
		if res.Class != tracking.ClassAutoReply || !res.Challenge {
			t.Errorf("%s: Class %q Challenge %v; want auto_reply, challenge", name, res.Class, res.Challenge)
		}
		if res.Intent != "" {
			t.Errorf("%s: Intent %q; want none for a challenge", name, res.Intent)
		}
		if name == "challenge-boxbe.eml" {
			ev := activity.EventsOf(res, nil, time.Unix(1, 0))
			if res.Recipient() != "tom.baker@acme.example" || len(ev) != 1 || ev[0].Recipient != "tom.baker@acme.example" || !ev[0].Challenge {
				t.Errorf("boxbe: held for %q, events %+v; want one challenge event for tom.baker@acme.example", res.Recipient(), ev)
			}
		}
	}
	// A real report that happens to mention verification stays a bounce.
	res, err := tracking.Classify(context.Background(), dsn("a@example.org", "failed", "5.7.1"), nil)
	if err != nil || res.Class != tracking.ClassBounce || res.Challenge {
		t.Errorf("DSN: %q challenge=%v, %v; want a bounce", res.Class, res.Challenge, err)
	}
}

func TestClassify_warningsAreDelays(t *testing.T) {
	for _, tc := range []struct{ file, rcpt string }{
		{"delay-temporary-failure.eml", "dora@slowhost.example"},
		{"delay-exim-still-trying.eml", "emil@busyhost.example"},
	} {
		res := classifyFixture(t, tc.file, nil)
		if res.Class != tracking.ClassBounce || res.Action != tracking.BounceDelayed || res.Hard || res.Recipient() != tc.rcpt {
			t.Errorf("%s = %q %q hard=%v %q; want bounce delayed soft %q", tc.file, res.Class, res.Action, res.Hard, res.Recipient(), tc.rcpt)
		}
	}
}

func TestClassify_sentToAddress(t *testing.T) {
	// Original-Recipient (the address we wrote to, as the copy's To
	// shows) over the Final-Recipient a forwarding rewrote.
	res := classifyFixture(t, "forwarded-original-recipient.eml", nil)
	if got := res.Recipients[0]; got.Address != "frank@alumni.example" || got.ReportedAddress != "frank.private@mailbox.example" || !got.Hard {
		t.Errorf("forwarded: %+v; want frank@alumni.example reported as frank.private@mailbox.example, hard", got)
	}
	// No Original-Recipient: the SentRecord says whom we wrote to.
	idx := tracking.NewMemoryIndex(0)
	if err := idx.Add(provider.SentRecord{Account: "sarah@recruit.example", MessageID: "sent-gina-1@recruit.example",
		Recipients: []string{"gina@alumni.example"}, SentAt: time.Unix(1, 0)}); err != nil {
		t.Fatal(err)
	}
	res = classifyFixture(t, "forwarded-no-original.eml", idx)
	if res.Record == nil {
		t.Fatal("forwarded-no-original: no record matched")
	}
	if got := res.Recipients[0]; got.Address != "gina@alumni.example" || got.ReportedAddress != "gina.g@gmail.example" {
		t.Errorf("mapped to record: %+v; want gina@alumni.example reported as gina.g@gmail.example", got)
	}
	evs := activity.EventsOf(res, nil, time.Unix(2, 0))
	if len(evs) != 1 || evs[0].Recipient != "gina@alumni.example" {
		t.Errorf("EventsOf = %+v; want one event for gina@alumni.example", evs)
	}
}

func TestClassify_listAndGatewayRecipients(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"list-member-bounce.eml", "hugo@member.example"},
		{"list-rejection.eml", "team@lists.partner.example"},
		{"groupwise.eml", "ida@partner.example"},
		{"lotus.eml", "jan.ek@partner.example"},
	} {
		res := classifyFixture(t, tc.file, nil)
		if res.Class != tracking.ClassBounce || len(res.Recipients) != 1 || res.Recipient() != tc.want {
			var got []string
			for _, r := range res.Recipients {
				got = append(got, r.Address)
			}
			t.Errorf("%s: %q recipients %q; want only %q", tc.file, res.Class, got, tc.want)
		}
	}
}

func TestClassify_outOfOfficeWithoutHeaders(t *testing.T) {
	for _, tc := range []struct {
		file string
		kind tracking.Class
		back time.Time
	}{
		{"ooo-no-header-en.eml", tracking.ClassAutoReply, time.Date(2024, 1, 22, 0, 0, 0, 0, time.UTC)},
		{"ooo-no-header-pl.eml", tracking.ClassAutoReply, time.Date(2024, 1, 19, 0, 0, 0, 0, time.UTC)},
		{"ooo-human-mention.eml", tracking.ClassReply, time.Time{}},
	} {
		res := classifyFixture(t, tc.file, nil)
		if res.Class != tc.kind || !res.ReturnDate.Equal(tc.back) {
			t.Errorf("%s: %q back %v; want %q back %v", tc.file, res.Class, res.ReturnDate, tc.kind, tc.back)
		}
		if res.Text == "" {
			t.Errorf("%s: no text", tc.file)
		}
	}
}

func TestClassify_unknownUserOverFullDisk(t *testing.T) {
	res := classifyFixture(t, "userunknown-diskfull.eml", nil)
	if res.Reason != tracking.ReasonUserUnknown || !res.Hard {
		t.Errorf("reason %q hard %v; want userunknown, hard", res.Reason, res.Hard)
	}
	// A temporary full mailbox stays a full mailbox.
	res, err := tracking.Classify(context.Background(), dsn("a@example.org", "failed", "4.2.2"), nil)
	if err != nil || res.Reason != tracking.ReasonMailboxFull || res.Hard {
		t.Errorf("4.2.2: %q hard %v, %v; want mailboxfull soft", res.Reason, res.Hard, err)
	}
}
