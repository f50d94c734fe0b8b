package watermark

import (
	"fmt"
	"testing"
	"time"
)

func at(sec int64) time.Time { return time.Unix(sec, 0) }

// TestMark_Seen is the rule a resync relies on: older than the mark, or at
// the mark with an id already judged, was seen; newer, or a new id at the
// mark's time, was not.
func TestMark_Seen(t *testing.T) {
	var m Mark
	m.Note(at(100), "old@x")
	m.Note(at(200), "a@x")
	m.Note(at(200), "b@x")
	m.Note(at(200), "a@x")    // a repeat is kept once
	m.Note(at(150), "late@x") // older than the mark: does not move it
	if !m.At.Equal(at(200)) || fmt.Sprint(m.IDs) != "[a@x b@x]" {
		t.Fatalf("mark = %v %v; want 200 [a@x b@x]", m.At.Unix(), m.IDs)
	}
	tests := []struct {
		sec  int64
		id   string
		want bool
	}{
		{100, "old@x", true},
		{150, "never-returned@x", true}, // before the mark: judged before the rebuild
		{200, "a@x", true},
		{200, "b@x", true},
		{200, "c@x", false},
		{200, "", false},
		{201, "a@x", false},
		{300, "", false},
	}
	for _, tc := range tests {
		if got := m.Seen(at(tc.sec), tc.id); got != tc.want {
			t.Errorf("Seen(%d, %q) = %v; want %v", tc.sec, tc.id, got, tc.want)
		}
	}
}

// TestMark_bounded: the id list stops at MaxIDs, and an id missing from a
// full list counts as not seen, so the message is returned again rather
// than lost.
func TestMark_bounded(t *testing.T) {
	var m Mark
	for i := range MaxIDs + 10 {
		m.Note(at(500), fmt.Sprintf("m%d@x", i))
	}
	if got, want := len(m.IDs), MaxIDs; got != want {
		t.Fatalf("IDs holds %d; want the bound %d", got, want)
	}
	if got := m.Seen(at(500), "m0@x"); !got {
		t.Error("Seen(listed id) = false; want true")
	}
	if got := m.Seen(at(500), fmt.Sprintf("m%d@x", MaxIDs+5)); got {
		t.Error("Seen(id past the bound) = true; want false (return again, never lose)")
	}
	m.Note(at(501), "")
	if !m.At.Equal(at(501)) || len(m.IDs) != 0 {
		t.Errorf("a newer message without an id: mark %d %v; want 501 []", m.At.Unix(), m.IDs)
	}
}
