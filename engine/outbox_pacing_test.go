package engine_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/gmail"
)

// TestOutbox_pacingDayOf1000 is the pacing report: 1,000 sends scheduled
// at once, Monday 07:00, from one Gmail mailbox with office hours Mon–Fri
// 08:00–18:00 Europe/Berlin, under two pacings, run on the fake clock
// against fake Gmail. It checks that no send leaves the window, that no
// two are closer than the gap, that no rolling 24 hours exceeds Gmail's
// limit, and that each message reaches the server once; run with -v for
// the figures.
func TestOutbox_pacingDayOf1000(t *testing.T) {
	if testing.Short() {
		t.Skip("the pacing report runs 2,000 sends; skipped with -short")
	}
	loc := berlin(t)
	window := engine.OfficeHours(loc, 8, 18)
	cases := []struct {
		name  string
		daily int
		pace  engine.Pacing
	}{
		{"workspace, gap 2m + jitter 1m", gmail.LimitWorkspace, engine.Pacing{Gap: 2 * time.Minute, Jitter: time.Minute, Window: window}},
		{"consumer, gap 30s + jitter 30s", gmail.LimitConsumer, engine.Pacing{Gap: 30 * time.Second, Jitter: 30 * time.Second, Window: window}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			const n = 1000
			w := newSendWorld(t, monday7)
			w.daily = tc.daily
			e, _ := running(t, w, w.options(tc.pace))
			for i := range n {
				m := message(fmt.Sprintf("prospect%04d@client.example", i), "Go engineers")
				if _, err := e.Schedule(t.Context(), w.account, m, monday7, nil); err != nil {
					t.Fatal(err)
				}
			}
			for len(eventsOf(w.sink, engine.EventSent)) < n && next(t, e, w) {
			}
			sent := eventsOf(w.sink, engine.EventSent)
			if len(sent) != n || len(w.fake.Sends()) != n {
				t.Fatalf("sent %d events, fake received %d; want %d", len(sent), len(w.fake.Sends()), n)
			}
			report(t, tc.name, sent, tc.pace, tc.daily, loc)
		})
	}
}

func report(t *testing.T, name string, sent []engine.Event, pace engine.Pacing, daily int, loc *time.Location) {
	t.Helper()
	at := make([]time.Time, len(sent))
	for i, ev := range sent {
		at[i] = ev.At
	}
	slices.SortFunc(at, time.Time.Compare)
	perDay := map[string]int{}
	var days []string
	var minGap, maxGap, sum time.Duration
	gaps := 0
	for i, a := range at {
		if !pace.Window.Next(a).Equal(a) {
			t.Errorf("send at %v is outside the window", a.In(loc))
		}
		d := a.In(loc).Format("Mon 02 Jan")
		if perDay[d] == 0 {
			days = append(days, d)
		}
		perDay[d]++
		// The rolling 24 hours ending at a hold at most daily sends.
		j, _ := slices.BinarySearchFunc(at, a.Add(-24*time.Hour+time.Nanosecond), time.Time.Compare)
		if i-j+1 > daily {
			t.Errorf("%d sends in the 24 hours up to %v; want at most %d", i-j+1, a, daily)
		}
		if i == 0 || at[i-1].In(loc).YearDay() != a.In(loc).YearDay() {
			continue
		}
		g := a.Sub(at[i-1])
		if g < pace.Gap {
			t.Errorf("gap %v at %v; want at least %v", g, a, pace.Gap)
		}
		if gaps == 0 || g < minGap {
			minGap = g
		}
		maxGap = max(maxGap, g)
		sum += g
		gaps++
	}
	var b strings.Builder
	fmt.Fprintf(&b, "pacing of %d sends (%s; Gmail limit %d/24h; window Mon–Fri 08–18 Europe/Berlin):\n", len(at), name, daily)
	for _, d := range days {
		var first, last time.Time
		for _, a := range at {
			if a.In(loc).Format("Mon 02 Jan") == d {
				if first.IsZero() {
					first = a
				}
				last = a
			}
		}
		fmt.Fprintf(&b, "  %s: %4d sends, %s–%s\n", d, perDay[d], first.In(loc).Format("15:04:05"), last.In(loc).Format("15:04:05"))
	}
	fmt.Fprintf(&b, "  gaps within a day: min %v, mean %v, max %v; last send %v after scheduling",
		minGap.Round(time.Second), (sum / time.Duration(max(gaps, 1))).Round(time.Second), maxGap.Round(time.Second), at[len(at)-1].Sub(monday7).Round(time.Minute))
	t.Log(b.String())
}
