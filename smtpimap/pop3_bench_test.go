package smtpimap_test

import (
	"context"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/internal/mailserver"
)

// bigMaildrop fills a maildrop with n messages of which every n/related-th
// is a reply to our mail, all within the look-back.
func bigMaildrop(tb testing.TB, drop *mailserver.Maildrop, n, related int) *mailbox {
	tb.Helper()
	m := &mailbox{drop: drop, at: time.Now().Add(-time.Duration(n+10) * time.Minute)}
	for i := 0; i < related; i++ {
		m.add(n/related-1, 0)
		m.add(1, 1)
	}
	return m
}

type cost struct{ sessions, trips, commands, tops, retrs int }

func costOf(srv *mailserver.Server) cost {
	return cost{srv.POP3Sessions(), srv.POP3RoundTrips(), srv.POP3Commands(), srv.POP3Count("TOP"), srv.POP3Count("RETR")}
}

// TestPOP3Fetch_boundedWork reads a maildrop of 10,000 messages, 10 of
// them related, from an empty cursor, then polls it idle and busy, and
// reports what each costs on the wire. Every Fetch stays within its
// bounds (at most 500 headers), the catch-up returns each related message
// once, and an idle poll reads no header beyond its anchor check.
func TestPOP3Fetch_boundedWork(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 messages")
	}
	srv, cfg := pop3Setup(t, mailserver.SecurityTLS)
	drop := mailserver.NewMaildrop()
	_ = srv.SetMaildrop(sender, drop)
	cfg.LookBack = 365 * 24 * time.Hour
	p := newProvider(t, cfg)
	idx := sentIndex()
	m := bigMaildrop(t, drop, 10_000, 10)

	srv.ResetCounters()
	cursor, fetches, seen := "", 0, map[string]int{}
	for {
		before := costOf(srv)
		ids, b := fetchIDs(t, p, cursor, idx)
		fetches++
		if after := costOf(srv); after.tops-before.tops > 500+16*8 {
			t.Errorf("Fetch %d read %d headers; want at most 500 plus the search", fetches, after.tops-before.tops)
		}
		for _, id := range ids {
			seen[id]++
		}
		if b.Cursor == cursor || fetches > 40 {
			break
		}
		cursor = b.Cursor
		if !b.More {
			break // caught up: the next Fetch would be an idle poll
		}
	}
	if fetches < 2 {
		t.Errorf("catch-up took %d Fetch; a bounded Fetch over 10,000 messages must say More", fetches)
	}
	catchUp := costOf(srv)
	if len(seen) != 10 {
		t.Errorf("catch-up returned %d distinct related messages; want 10", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s returned %d times", id, n)
		}
	}
	t.Logf("catch-up of 10,000 messages: %d Fetches, %d round trips, %d commands (%d TOP, %d RETR), cursor %d bytes",
		fetches, catchUp.trips, catchUp.commands, catchUp.tops, catchUp.retrs, len(cursor))

	srv.ResetCounters()
	if ids, b := fetchIDs(t, p, cursor, idx); len(ids) != 0 || b.More {
		t.Errorf("idle poll returned %v, More %v; want nothing and no More", ids, b.More)
	}
	idle := costOf(srv)
	t.Logf("idle poll (10,000 messages): %d session, %d round trips, %d commands (%d TOP, %d RETR)", idle.sessions, idle.trips, idle.commands, idle.tops, idle.retrs)
	if idle.tops > 1 || idle.retrs != 0 || idle.sessions != 1 {
		t.Errorf("idle poll cost %+v; want one session, one TOP (the anchor check), no RETR", idle)
	}

	want := m.add(10, 1) // 10 related replies arrive: 10,010 messages
	srv.ResetCounters()
	ids, b := fetchIDs(t, p, cursor, idx)
	busy := costOf(srv)
	if !sameIDs(ids, want) {
		t.Errorf("busy poll returned %v; want %v", ids, want)
	}
	t.Logf("busy poll (10 related of 10,010): %d session, %d round trips, %d commands (%d TOP, %d RETR), cursor %d bytes",
		busy.sessions, busy.trips, busy.commands, busy.tops, busy.retrs, len(b.Cursor))
	if busy.retrs != 10 {
		t.Errorf("busy poll sent %d RETR; want 10", busy.retrs)
	}

	m.add(490, 49) // 10 more related among 490 new
	srv.ResetCounters()
	ids, _ = fetchIDs(t, p, b.Cursor, idx)
	busier := costOf(srv)
	t.Logf("busy poll (10 related among 490 new): %d round trips, %d commands (%d TOP, %d RETR); returned %d",
		busier.trips, busier.commands, busier.tops, busier.retrs, len(ids))
	if len(ids) != 10 {
		t.Errorf("busy poll returned %d; want 10", len(ids))
	}
}

// BenchmarkPOP3Fetch measures an idle and a busy poll of a 10,000-message
// maildrop and reports the POP3 round trips and commands each Fetch costs
// (connection set-up, TLS, greeting, CAPA, sign-in and QUIT included; the
// TCP and TLS handshakes are not POP3 round trips and come on top).
func BenchmarkPOP3Fetch(b *testing.B) {
	srv, cfg := pop3Setup(b, mailserver.SecurityTLS)
	drop := mailserver.NewMaildrop()
	_ = srv.SetMaildrop(sender, drop)
	cfg.LookBack = 365 * 24 * time.Hour
	p := newProvider(b, cfg)
	idx := sentIndex()
	m := bigMaildrop(b, drop, 9_990, 10)
	ctx := context.Background()
	cursor := ""
	for {
		batch, err := p.Fetch(ctx, cursor, idx)
		if err != nil {
			b.Fatal(err)
		}
		if batch.Cursor == cursor {
			break
		}
		cursor = batch.Cursor
	}
	run := func(name string) {
		b.Run(name, func(b *testing.B) {
			srv.ResetCounters()
			for b.Loop() {
				if _, err := p.Fetch(ctx, cursor, idx); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(srv.POP3RoundTrips())/float64(b.N), "roundtrips/op")
			b.ReportMetric(float64(srv.POP3Commands())/float64(b.N), "commands/op")
		})
	}
	run("idle")
	m.add(10, 1) // 10 related replies arrive: 10,000 messages
	run("busy_10_related")
}
