package engine_test

import (
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/engine"
)

func TestWindow_Next(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	office := engine.OfficeHours(berlin, 8, 18)
	night := &engine.Window{Location: berlin, Days: []time.Weekday{time.Friday}, Start: 22 * time.Hour, End: 6 * time.Hour}
	early := &engine.Window{Location: berlin, Start: 2*time.Hour + 30*time.Minute, End: 4 * time.Hour}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, berlin)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name string
		w    *engine.Window
		t    string
		want string
	}{
		{"open", office, "2026-03-04 10:00", "2026-03-04 10:00"},
		{"before opening", office, "2026-03-04 07:59", "2026-03-04 08:00"},
		{"after closing", office, "2026-03-04 18:00", "2026-03-05 08:00"},
		{"friday evening to monday", office, "2026-03-06 18:30", "2026-03-09 08:00"},
		{"weekend", office, "2026-03-07 12:00", "2026-03-09 08:00"},
		{"crossing midnight, before", night, "2026-03-06 21:00", "2026-03-06 22:00"},
		{"crossing midnight, after midnight", night, "2026-03-07 03:00", "2026-03-07 03:00"},
		{"crossing midnight, closed", night, "2026-03-07 06:00", "2026-03-13 22:00"},
		// Berlin springs forward on 29 March 2026: 02:00 becomes 03:00.
		{"DST spring forward, skipped start", early, "2026-03-29 01:00", "2026-03-29 03:30"},
		{"office hours after DST", office, "2026-03-27 19:00", "2026-03-30 08:00"},
		// and falls back on 25 October 2026.
		{"DST fall back", office, "2026-10-24 12:00", "2026-10-26 08:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.w.Next(at(tc.t))
			if want := at(tc.want); !got.Equal(want) {
				t.Errorf("Next(%s) = %s; want %s", tc.t, got.In(berlin), want)
			}
		})
	}
	// After the fall-back change, 08:00 Berlin is 07:00 UTC, not 06:00.
	if got := office.Next(at("2026-10-26 00:00")).UTC().Hour(); got != 7 {
		t.Errorf("opening after fall back at %d:00 UTC; want 7:00", got)
	}
	var always *engine.Window
	if now := at("2026-03-07 12:00"); !always.Next(now).Equal(now) {
		t.Errorf("nil Window is not always open")
	}
}
