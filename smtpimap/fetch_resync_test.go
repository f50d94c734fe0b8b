package smtpimap

import (
	"fmt"
	"testing"
	"time"
)

// TestResync_seen: #12 item 3, the resync rule in a table.
func TestResync_seen(t *testing.T) {
	mark := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var fc folderCursor
	for i := range 90 {
		fc.see(mark.Unix(), fmt.Sprintf("m%d@x", i))
		fc.noteNear(fmt.Sprintf("m%d@x", i))
	}
	if got := len(fc.Near) / digestLen; got != nearMax {
		t.Fatalf("Near keeps %d digests; want %d", got, nearMax)
	}
	migrated := mark.Add(48 * time.Hour)
	tests := []struct {
		name           string
		reset          bool
		internal, sent time.Time
		id             string
		want           bool
	}{
		{"recent by digest", false, mark, time.Time{}, "m89@x", true},
		{"at the mark, listed", false, mark, time.Time{}, "m3@x", true},
		{"at the mark, past the 32 listed and the 48 digests", false, mark, time.Time{}, "m35@x", false}, // returned again, never lost
		{"older than the mark", false, mark.Add(-time.Hour), time.Time{}, "old@x", true},
		{"newer than the mark", false, mark.Add(time.Second), time.Time{}, "new@x", false},
		{"reset: recent by digest", true, migrated, mark, "m80@x", true},
		{"reset: sent days before", true, migrated, mark.Add(-72 * time.Hour), "old@x", true},
		{"reset: sent near the mark", true, migrated, mark.Add(-time.Hour), "near@x", false},
		{"reset: no Date field", true, migrated, time.Time{}, "nodate@x", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs := startResync(fc, 100)
			rs.Reset = tc.reset
			if got := rs.seen(tc.internal, tc.sent, tc.id); got != tc.want {
				t.Errorf("seen(%v, %v, %q) = %v; want %v", tc.internal, tc.sent, tc.id, got, tc.want)
			}
		})
	}
	rs := startResync(fc, 100)
	rs.seen(migrated, time.Time{}, "m89@x")
	if !rs.Reset {
		t.Error("a judged message now dated after the watermark did not mark INTERNALDATE as reset")
	}
}

func FuzzResyncNear(f *testing.F) {
	f.Add("", "a@b")
	f.Add(digest("a@b")+"xyz", "a@b")
	f.Fuzz(func(t *testing.T, near, id string) {
		fc := folderCursor{Near: near}
		fc.noteNear(id)
		if len(fc.Near) > len(near)+digestLen || (len(near) <= (nearMax-1)*digestLen && id != "" && !nearHas(fc.Near, digest(id)) && len(near)%digestLen == 0) {
			t.Fatalf("noteNear(%q) on %q = %q", id, near, fc.Near)
		}
		rs := startResync(fc, 10)
		_ = rs.seen(time.Unix(1, 0), time.Time{}, id)
		_ = joinNear(near, fc.Near)
	})
}
