package smtpimap_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/internal/mailserver"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
	"github.com/inboxkit/inboxkit/smtpimap"
)

// dropMail makes maildrop messages: a reply to sent message n of
// sentIndex when related, else a newsletter. Each carries the Received
// field a delivering server adds, dated at.
func dropMail(id string, related bool, at time.Time) []byte {
	date := at.UTC().Format(time.RFC1123Z)
	var b strings.Builder
	fmt.Fprintf(&b, "Received: from mx.example.net by pop.inboxkit.test; %s\r\n", date)
	fmt.Fprintf(&b, "Date: %s\r\nMessage-ID: <%s@example.net>\r\nTo: %s\r\n", date, id, sender)
	if related {
		fmt.Fprintf(&b, "From: bob@example.net\r\nSubject: Re: hello\r\nIn-Reply-To: <sent-1@inboxkit.test>\r\n")
	} else {
		fmt.Fprintf(&b, "From: shop@example.net\r\nSubject: Weekly deals\r\n")
	}
	b.WriteString("\r\nSome text.\r\n.starts with a dot\r\n")
	return []byte(b.String())
}

func sentIndex() *memIndex {
	return &memIndex{recs: map[string]*provider.SentRecord{
		"sent-1@inboxkit.test": {Account: sender, MessageID: "sent-1@inboxkit.test", Subject: "hello"},
	}}
}

// pop3Drop returns a provider reading a Maildrop over POP3.
func pop3Drop(t *testing.T) (*mailserver.Server, *mailserver.Maildrop, *smtpimap.Provider) {
	t.Helper()
	srv, cfg := pop3Setup(t, mailserver.SecurityTLS)
	drop := mailserver.NewMaildrop()
	if err := srv.SetMaildrop(sender, drop); err != nil {
		t.Fatal(err)
	}
	cfg.LookBack = 365 * 24 * time.Hour
	return srv, drop, newProvider(t, cfg)
}

// mailbox adds messages to a drop, numbering them from next.
type mailbox struct {
	drop   *mailserver.Maildrop
	next   int
	at     time.Time
	prefix string // of Message-IDs; "m" when empty
}

// add appends n messages, every relEvery-th related (0: none), and
// returns the Message-IDs of the related ones.
func (m *mailbox) add(n, relEvery int) []string {
	var rel []string
	for i := 0; i < n; i++ {
		m.next++
		m.at = m.at.Add(time.Minute)
		prefix := m.prefix
		if prefix == "" {
			prefix = "m"
		}
		id := fmt.Sprintf("%s%d", prefix, m.next)
		related := relEvery > 0 && m.next%relEvery == 0
		m.drop.Add(fmt.Sprintf("u%d", m.next), dropMail(id, related, m.at))
		if related {
			rel = append(rel, id+"@example.net")
		}
	}
	return rel
}

func newMailbox(drop *mailserver.Maildrop) *mailbox {
	return &mailbox{drop: drop, at: time.Now().Add(-48 * time.Hour)}
}

func fetchIDs(t *testing.T, p *smtpimap.Provider, cursor string, idx provider.SentIndex) ([]string, *provider.Batch) {
	t.Helper()
	b, err := p.Fetch(ctxT(t), cursor, idx)
	if err != nil {
		t.Fatalf("Fetch = %v", err)
	}
	var ids []string
	for _, in := range b.Messages {
		ids = append(ids, providertest.MessageIDOf(in.Raw))
	}
	return ids, b
}

func sameIDs(got, want []string) bool {
	a, b := slices.Clone(got), slices.Clone(want)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestPOP3Fetch_onlyRelated runs the conformance suite's receiving story
// over POP3 on mail delivered to the INBOX: a reply, a bounce and an
// out-of-office next to unrelated mail, headers read with TOP, only the
// three related messages downloaded, nothing deleted, nothing twice.
func TestPOP3Fetch_onlyRelated(t *testing.T) {
	srv, cfg := pop3Setup(t, mailserver.SecuritySTARTTLS)
	p := newProvider(t, cfg)
	ctx := ctxT(t)
	idx := &memIndex{recs: map[string]*provider.SentRecord{}}
	var sent []*provider.Sent
	for _, to := range []string{"bob@inboxkit.test", "cyd@elsewhere.example"} {
		m := hello(to)
		s, err := p.Send(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		idx.recs[s.MessageID] = provider.RecordOf(sender, m, s)
		sent = append(sent, s)
	}
	reply := providertest.Reply("bob@inboxkit.test", sender, "hello", sent[0].MessageID)
	bounce := providertest.Bounce(sender, "cyd@elsewhere.example", "hello", sent[1].MessageID)
	ooo := providertest.OutOfOffice("cyd@elsewhere.example", sender, "hello", sent[1].MessageID)
	for _, raw := range [][]byte{reply, providertest.Unrelated("news@shop.example", sender), bounce, ooo} {
		if err := srv.Deliver(sender, raw); err != nil {
			t.Fatal(err)
		}
	}
	srv.ResetCounters()
	got, b := fetchIDs(t, p, "", idx)
	want := []string{providertest.MessageIDOf(reply), providertest.MessageIDOf(bounce), providertest.MessageIDOf(ooo)}
	if !sameIDs(got, want) {
		t.Fatalf("Fetch(\"\") = %v; want %v", got, want)
	}
	for _, in := range b.Messages {
		if in.ProviderID == "" || in.Folder != "INBOX" || in.Record == nil {
			t.Errorf("Incoming %+v lacks ProviderID, Folder or Record", in.ProviderID)
		}
	}
	if n := srv.POP3Count("RETR"); n != 3 {
		t.Errorf("RETR count = %d; want 3 (the unrelated message is never downloaded)", n)
	}
	again, b2 := fetchIDs(t, p, b.Cursor, idx)
	if len(again) != 0 {
		t.Errorf("Fetch(cursor) = %v; want nothing", again)
	}
	second := providertest.Reply("bob@inboxkit.test", sender, "hello", sent[0].MessageID)
	_ = srv.Deliver(sender, second)
	_ = srv.Deliver(sender, providertest.Unrelated("friend@else.example", sender))
	for _, cur := range []string{b2.Cursor, b.Cursor} { // the old cursor still works
		if got, _ := fetchIDs(t, p, cur, idx); !sameIDs(got, []string{providertest.MessageIDOf(second)}) {
			t.Errorf("Fetch(cursor) after one more reply = %v; want %v", got, providertest.MessageIDOf(second))
		}
	}
	if n := srv.POP3Count("DELE"); n != 0 {
		t.Errorf("DELE count = %d; want 0", n)
	}
	if msgs, _ := srv.Mailbox(sender, "INBOX"); len(msgs) != 6 {
		t.Errorf("INBOX holds %d messages; want all 6 still there", len(msgs))
	}
}

// TestPOP3Fetch_deletedElsewhere changes the maildrop the way the user's
// other mail client would between two Fetches and checks the next Fetch
// returns exactly the new related mail, and the one after nothing.
func TestPOP3Fetch_deletedElsewhere(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(m *mailbox) // before new mail arrives
	}{
		{"nothing deleted", func(m *mailbox) {}},
		{"old mail deleted", func(m *mailbox) {
			for i := 1; i <= 5; i++ {
				m.drop.Delete(fmt.Sprintf("u%d", i))
			}
		}},
		{"the last handled message deleted", func(m *mailbox) { m.drop.Delete("u30") }},
		{"the last twelve deleted", func(m *mailbox) {
			for i := 19; i <= 30; i++ {
				m.drop.Delete(fmt.Sprintf("u%d", i))
			}
		}},
		{"everything deleted", func(m *mailbox) { m.drop.Clear() }},
		{"rebuilt with reused unique-ids", func(m *mailbox) {
			// The server renumbered: u1…u30 now name other, newer
			// messages, three of them related.
			m.drop.Clear()
			m.next, m.prefix = 0, "n"
			m.at = m.at.Add(time.Hour)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, drop, p := pop3Drop(t)
			idx := sentIndex()
			m := newMailbox(drop)
			first := m.add(30, 3)
			got, b := fetchIDs(t, p, "", idx)
			if !sameIDs(got, first) {
				t.Fatalf("first Fetch = %v; want %v", got, first)
			}
			tc.change(m)
			var want []string
			if tc.name == "rebuilt with reused unique-ids" {
				want = m.add(30, 10)
			} else {
				want = m.add(4, 2)
			}
			got, b = fetchIDs(t, p, b.Cursor, idx)
			if !sameIDs(got, want) {
				t.Fatalf("Fetch after the change = %v; want exactly %v", got, want)
			}
			if got, _ = fetchIDs(t, p, b.Cursor, idx); len(got) != 0 {
				t.Errorf("Fetch after that = %v; want nothing", got)
			}
		})
	}
}

func TestPOP3Fetch_emptyMaildrop(t *testing.T) {
	_, drop, p := pop3Drop(t)
	idx := sentIndex()
	got, b := fetchIDs(t, p, "", idx)
	if len(got) != 0 || b.Cursor == "" {
		t.Fatalf("Fetch on an empty maildrop = %v, cursor %q", got, b.Cursor)
	}
	m := newMailbox(drop)
	want := m.add(3, 1)
	if got, _ = fetchIDs(t, p, b.Cursor, idx); !sameIDs(got, want) {
		t.Errorf("Fetch after mail arrived = %v; want %v", got, want)
	}
}

// TestPOP3Fetch_lookback: an empty cursor returns only mail that arrived
// within Config.LookBack, found by a search over arrival times.
func TestPOP3Fetch_lookback(t *testing.T) {
	srv, cfg := pop3Setup(t, mailserver.SecurityTLS)
	drop := mailserver.NewMaildrop()
	_ = srv.SetMaildrop(sender, drop)
	cfg.LookBack = 24 * time.Hour
	p := newProvider(t, cfg)
	m := &mailbox{drop: drop, at: time.Now().Add(-30 * 24 * time.Hour)}
	m.add(200, 2) // a month old
	m.at = time.Now().Add(-time.Hour)
	recent := m.add(6, 2)
	idx := sentIndex()
	got, b := fetchIDs(t, p, "", idx)
	if !sameIDs(got, recent) {
		t.Fatalf("Fetch(\"\") = %v; want only the recent %v", got, recent)
	}
	if tops := srv.POP3Count("TOP"); tops > 60 {
		t.Errorf("the look-back read %d headers of 206 messages; want a search, not a scan", tops)
	}
	if got, _ = fetchIDs(t, p, b.Cursor, idx); len(got) != 0 {
		t.Errorf("Fetch(cursor) = %v; want nothing", got)
	}
	// Nothing recent at all: the cursor still anchors at the end.
	drop.Clear()
	m.at = time.Now().Add(-30 * 24 * time.Hour)
	m.add(20, 2)
	_, b = fetchIDs(t, p, "", idx)
	m.at = time.Now()
	want := m.add(2, 1)
	if got, _ = fetchIDs(t, p, b.Cursor, idx); !sameIDs(got, want) {
		t.Errorf("Fetch after an empty look-back = %v; want %v", got, want)
	}
}

// TestPOP3Fetch_oversized: a related message over the cap is reported in
// Skipped and moved past, whether LIST says so (then it is never
// downloaded) or lies (then RETR stops at the cap and the session is
// dropped); the mail after it still arrives, and the cursor never returns
// to it.
func TestPOP3Fetch_oversized(t *testing.T) {
	for _, tc := range []struct {
		name     string
		lie      bool
		wantRetr bool
	}{
		{"LIST says it is too large", false, false},
		{"LIST lies", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, drop, p := pop3Drop(t)
			idx := sentIndex()
			m := newMailbox(drop)
			before := m.add(1, 1) // u1
			raw := dropMail("huge", true, m.at.Add(time.Second))
			if tc.lie {
				raw = append(raw, strings.Repeat(strings.Repeat("y", 998)+"\r\n", smtpimap.MaxMessageSize/1000+10)...)
			}
			drop.Add("huge", raw)
			if tc.lie {
				drop.SetListSize("huge", 5000)
			} else {
				drop.SetListSize("huge", smtpimap.MaxMessageSize+1)
			}
			m.next = 2
			after := m.add(2, 1)
			var got, skipped []string
			cursor := ""
			for i := 0; i < 4; i++ {
				ids, b := fetchIDs(t, p, cursor, idx)
				got = append(got, ids...)
				for _, s := range b.Skipped {
					skipped = append(skipped, s.ProviderID)
					if s.Reason == "" || s.Folder != "INBOX" {
						t.Errorf("Skipped %+v has no reason or folder", s)
					}
				}
				cursor = b.Cursor
			}
			if want := append(before, after...); !sameIDs(got, want) {
				t.Errorf("Fetches returned %v; want %v", got, want)
			}
			if !slices.Equal(skipped, []string{"huge"}) {
				t.Errorf("Skipped = %v; want the huge message once", skipped)
			}
			if retr := srv.POP3Count("RETR"); (retr > 3) != tc.wantRetr {
				t.Errorf("RETR count = %d with 3 normal related messages; want the huge one downloaded: %v", retr, tc.wantRetr)
			}
		})
	}
}

// TestPOP3Fetch_droppedConnection cuts a RETR off mid-message: the Fetch
// fails or stops before it, and the next one returns it, once.
func TestPOP3Fetch_droppedConnection(t *testing.T) {
	srv, drop, p := pop3Drop(t)
	idx := sentIndex()
	m := newMailbox(drop)
	m.add(12, 3)
	_, b := fetchIDs(t, p, "", idx)
	want := m.add(9, 3)
	srv.DropPOP3Retr(2)
	var got []string
	cursor := b.Cursor
	for i := 0; i < 6; i++ {
		batch, err := p.Fetch(ctxT(t), cursor, idx)
		if err != nil {
			continue // the cursor stays; the next Fetch tries again
		}
		for _, in := range batch.Messages {
			got = append(got, providertest.MessageIDOf(in.Raw))
		}
		cursor = batch.Cursor
	}
	if !sameIDs(got, want) {
		t.Errorf("Fetches around dropped connections returned %v; want each of %v once", got, want)
	}
}

func TestPOP3Watch(t *testing.T) {
	srv, cfg := pop3Setup(t, mailserver.SecurityTLS)
	drop := mailserver.NewMaildrop()
	_ = srv.SetMaildrop(sender, drop)
	cfg.PollInterval = 20 * time.Millisecond
	p := newProvider(t, cfg)
	ctx, cancel := context.WithCancel(ctxT(t))
	notes := make(chan struct{}, 16)
	done := make(chan error, 1)
	go func() { done <- p.Watch(ctx, func() { notes <- struct{}{} }) }()
	wait := func(what string) {
		t.Helper()
		select {
		case <-notes:
		case <-time.After(10 * time.Second):
			t.Fatalf("no notify %s", what)
		}
	}
	wait("at the start")
	// Let Watch take its first look, then mail arrives.
	deadline := time.Now().Add(10 * time.Second)
	for srv.POP3Count("STAT") == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	newMailbox(drop).add(1, 1)
	wait("after new mail")
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Watch = %v; want nil after cancel (as every provider's Watch)", err)
	}
	if n := srv.POP3Count("DELE") + srv.POP3Count("RETR"); n != 0 {
		t.Errorf("Watch sent %d DELE/RETR; want 0", n)
	}
}

// TestPOP3Fetch_hugeHeader: a header over the cap breaks the session in
// the middle of the look-back search and of the pipelined scan; the
// message is reported and moved past, the related message before it is
// downloaded on a new session (checked by unique-id), and the one after
// it arrives next time.
func TestPOP3Fetch_hugeHeader(t *testing.T) {
	srv, drop, p := pop3Drop(t)
	idx := sentIndex()
	m := newMailbox(drop)
	first := m.add(1, 1)
	raw := dropMail("huge", true, m.at.Add(time.Second))
	fold := "X-Padding: " + strings.Repeat(strings.Repeat("z", 76)+"\r\n ", 20_000) + "end\r\n"
	drop.Add("huge", append([]byte(fold), raw...))
	m.next = 2
	after := m.add(1, 1)
	ids, b := fetchIDs(t, p, "", idx)
	if !sameIDs(ids, first) || len(b.Skipped) != 1 || b.Skipped[0].ProviderID != "huge" {
		t.Fatalf("first Fetch = %v, skipped %+v; want %v and the huge header skipped", ids, b.Skipped, first)
	}
	if !strings.Contains(b.Skipped[0].Reason, "header") {
		t.Errorf("Skipped reason = %q; want it to say the header is too large", b.Skipped[0].Reason)
	}
	if ids, _ = fetchIDs(t, p, b.Cursor, idx); !sameIDs(ids, after) {
		t.Errorf("second Fetch = %v; want %v", ids, after)
	}
	// The look-back search and the scan each hit the huge header and dial
	// again: two sessions for the first Fetch become four.
	if n := srv.POP3Sessions(); n != 4 {
		t.Errorf("POP3Sessions = %d; want 4", n)
	}
}

// TestPOP3Fetch_longUniqueIDs: a server whose unique-ids break RFC 1939's
// 70-character limit still gets a small cursor that finds its place.
func TestPOP3Fetch_longUniqueIDs(t *testing.T) {
	_, drop, p := pop3Drop(t)
	idx := sentIndex()
	at := time.Now().Add(-time.Hour)
	add := func(from, to int) []string {
		var want []string
		for i := from; i <= to; i++ {
			at = at.Add(time.Minute)
			id := fmt.Sprintf("long%d", i)
			drop.Add(strings.Repeat("L", 200)+fmt.Sprint(i), dropMail(id, i%2 == 0, at))
			if i%2 == 0 {
				want = append(want, id+"@example.net")
			}
		}
		return want
	}
	want := add(1, 30)
	got, b := fetchIDs(t, p, "", idx)
	if !sameIDs(got, want) {
		t.Fatalf("first Fetch = %v; want %v", got, want)
	}
	if len(b.Cursor) > 2048 {
		t.Errorf("cursor is %d bytes with 200-character unique-ids", len(b.Cursor))
	}
	drop.Delete(strings.Repeat("L", 200) + "3") // and one deleted elsewhere
	want = add(31, 34)
	if got, _ = fetchIDs(t, p, b.Cursor, idx); !sameIDs(got, want) {
		t.Errorf("second Fetch = %v; want %v", got, want)
	}
}
