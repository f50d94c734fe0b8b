package graph

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestCursorRoundTrip(t *testing.T) {
	mark := time.Date(2026, 11, 1, 9, 30, 0, 0, time.UTC)
	c := &cursor{Folders: map[string]*folderState{
		"inbox":     {Link: "/users/me/mailFolders/inbox/messages/delta()?$deltatoken=abc", Mark: mark, AtMark: []string{"m1", "m2"}},
		"junkemail": {Mark: mark.Add(-time.Hour)},
	}}
	s := c.String()
	if !strings.HasPrefix(s, cursorPrefix) {
		t.Fatalf("cursor %q lacks prefix %q", s, cursorPrefix)
	}
	got, err := parseCursor(s)
	if err != nil {
		t.Fatal(err)
	}
	in := got.Folders["inbox"]
	if in.Link != c.Folders["inbox"].Link || !in.Mark.Equal(mark) || len(in.AtMark) != 2 || in.AtMark[1] != "m2" {
		t.Errorf("inbox = %+v; want %+v", in, c.Folders["inbox"])
	}
	if j := got.Folders["junkemail"]; j.Link != "" || !j.Mark.Equal(mark.Add(-time.Hour)) {
		t.Errorf("junkemail = %+v", j)
	}
}

func TestParseCursorRejects(t *testing.T) {
	enc := func(json string) string {
		return (&cursor{}).encodeRaw(json)
	}
	for name, s := range map[string]string{
		"other version":    "graph0.e30",
		"gmail cursor":     "12345",
		"not base64":       cursorPrefix + "!!!",
		"not json":         cursorPrefix + "bm90IGpzb24",
		"no folders":       enc(`{}`),
		"null folder":      enc(`{"f":{"inbox":null}}`),
		"absolute link":    enc(`{"f":{"inbox":{"l":"https://evil.example/steal"}}}`),
		"scheme-less host": enc(`{"f":{"inbox":{"l":"//evil.example/steal"}}}`),
		"backslash":        enc(`{"f":{"inbox":{"l":"/\\evil.example"}}}`),
	} {
		if _, err := parseCursor(s); err == nil {
			t.Errorf("%s: parseCursor(%q) succeeded", name, s)
		}
	}
}

func TestFolderStateNote(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	var f folderState
	f.note("a", t0)
	f.note("b", t0)
	f.note("old", t0.Add(-time.Minute))
	if !f.Mark.Equal(t0) || strings.Join(f.AtMark, ",") != "a,b" {
		t.Fatalf("after same-second notes: %+v", f)
	}
	f.note("c", t0.Add(time.Second))
	if !f.Mark.Equal(t0.Add(time.Second)) || strings.Join(f.AtMark, ",") != "c" {
		t.Fatalf("after a newer note: %+v", f)
	}
}

// oldCursor was written by the cursor code before the watermark moved to
// internal/watermark; a saved cursor must still resume unchanged.
const oldCursor = "graph1.eyJmIjp7ImluYm94Ijp7ImwiOiIvdXNlcnMvbWUvbWFpbEZvbGRlcnMvaW5ib3gvbWVzc2FnZXMvZGVsdGEoKT8kZGVsdGF0b2tlbj1hYmMiLCJtIjoiMjAyNi0xMS0wMVQwOTozMDowMFoiLCJhIjpbIm0xIiwibTIiXX0sImp1bmtlbWFpbCI6eyJtIjoiMjAyNi0xMS0wMVQwODozMDowMFoifX19"

func TestParseCursor_savedByOldCode(t *testing.T) {
	mark := time.Date(2026, 11, 1, 9, 30, 0, 0, time.UTC)
	c, err := parseCursor(oldCursor)
	if err != nil {
		t.Fatalf("parseCursor(old cursor) = %v", err)
	}
	in := c.Folders["inbox"]
	if got, want := in.Link, "/users/me/mailFolders/inbox/messages/delta()?$deltatoken=abc"; got != want {
		t.Errorf("inbox link = %q; want %q", got, want)
	}
	w := in.watermark()
	if !w.At.Equal(mark) || strings.Join(w.IDs, ",") != "m1,m2" {
		t.Errorf("inbox watermark = %v %v; want %v [m1 m2]", w.At, w.IDs, mark)
	}
	if !w.Seen(mark, "m2") || w.Seen(mark, "m3") || w.Seen(mark.Add(time.Second), "m1") {
		t.Errorf("old watermark %+v does not answer as it did", w)
	}
	if got := c.String(); got != oldCursor {
		t.Errorf("re-encoded old cursor = %q; want it unchanged %q", got, oldCursor)
	}
}

// TestCursor_resyncState (#12 item 2): the round times and the digests of
// returned ids survive the text form, stay bounded, and a cursor without
// them (the old form) still parses.
func TestCursor_resyncState(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	c := &cursor{Folders: map[string]*folderState{"inbox": {Link: "/x?$skiptoken=1", Mark: t0, Synced: t0.Add(-time.Hour), Round: t0}}}
	for i := range maxRecent + 5 {
		c.returned(fmt.Sprintf("AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A%d", i))
	}
	if len(c.Recent) != maxRecent || !c.wasReturned("AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A36") || c.wasReturned("AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A4") {
		t.Fatalf("Recent keeps %d digests; want the newest %d", len(c.Recent), maxRecent)
	}
	got, err := parseCursor(c.String())
	if err != nil {
		t.Fatal(err)
	}
	in := got.Folders["inbox"]
	if !in.Synced.Equal(t0.Add(-time.Hour)) || !in.Round.Equal(t0) || !slices.Equal(got.Recent, c.Recent) {
		t.Errorf("round trip = %+v, recent %v; want %+v", in, got.Recent, c.Folders["inbox"])
	}
	old, err := parseCursor(oldCursor)
	if err != nil || !old.Folders["inbox"].Synced.IsZero() || old.Recent != nil {
		t.Errorf("old cursor = %+v, %v; want no round time and no recent ids", old, err)
	}
	tooMany := (&cursor{}).encodeRaw(`{"f":{},"r":[` + strings.Repeat(`"a",`, maxRecent) + `"a"]}`)
	if _, err := parseCursor(tooMany); err == nil {
		t.Errorf("parseCursor accepted %d recent ids", maxRecent+1)
	}
}

func FuzzParseCursor(f *testing.F) {
	f.Add((&cursor{Folders: map[string]*folderState{"inbox": {Link: "/x?$deltatoken=1"}}}).String())
	f.Add(oldCursor)
	f.Add((&cursor{Folders: map[string]*folderState{"inbox": {Link: "/x?$skiptoken=1", Synced: time.Unix(1764990000, 0).UTC(), Round: time.Unix(1764990100, 0).UTC()}}, Recent: []string{"AAAAAAAAAAAAAAAA"}}).String())
	f.Add("graph1.")
	f.Add("graph1.e30")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCursor(s)
		if err != nil {
			return
		}
		for _, st := range c.Folders {
			if st.Link != "" && (!strings.HasPrefix(st.Link, "/") || strings.HasPrefix(st.Link, "//")) {
				t.Fatalf("accepted link %q", st.Link)
			}
		}
		if _, err := parseCursor(c.String()); err != nil {
			t.Fatalf("re-encoded cursor does not parse: %v", err)
		}
	})
}
