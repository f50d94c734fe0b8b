package smtpimap

import (
	"errors"
	"fmt"
	"testing"

	"github.com/inboxkit/inboxkit/internal/watermark"
	"github.com/inboxkit/inboxkit/provider"
)

func TestParseCursor_roundTrip(t *testing.T) {
	want := cursor{Folders: map[string]folderCursor{
		"INBOX": {Validity: 7, UID: 42, Mark: 1700000000, AtMark: []string{"a@x", "b@x"}},
		"Junk":  {Validity: 9, UID: 3},
	}}
	got, err := parseCursor(want.String())
	if err != nil {
		t.Fatalf("parseCursor(String()) = %v", err)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %+v; want %+v", got, want)
	}
	empty, err := parseCursor("")
	if err != nil || len(empty.Folders) != 0 || empty.Folders == nil {
		t.Errorf("parseCursor(\"\") = %+v, %v; want an empty, usable cursor", empty, err)
	}
}

func TestParseCursor_invalid(t *testing.T) {
	tests := []struct{ name, in string }{
		{"foreign prefix", "gmail:12345"},
		{"no prefix", "eyJmIjp7fX0"},
		{"bad base64", cursorPrefix + "!!!"},
		{"padded base64", cursorPrefix + "e30="},
		{"not json", cursorPrefix + "bm90IGpzb24"},                           // "not json"
		{"wrong types", cursorPrefix + "eyJmIjp7IklOQk9YIjp7InYiOiJ4In19fQ"}, // {"f":{"INBOX":{"v":"x"}}}
		{"negative uid", cursorPrefix + "eyJmIjp7IklOQk9YIjp7InUiOi0xfX19"},  // {"f":{"INBOX":{"u":-1}}}
		{"huge", cursorPrefix + string(make([]byte, 1<<20))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseCursor(tc.in)
			var pe *provider.Error
			if !errors.Is(err, provider.ErrInvalid) || !errors.As(err, &pe) || pe.Field != "cursor" {
				t.Fatalf("parseCursor = %v; want ErrInvalid naming cursor", err)
			}
		})
	}
}

// TestFolderCursor_resyncWatermark checks the rule a resync after a
// UIDVALIDITY change relies on: a message older than the watermark, or at
// the watermark's second with a Message-ID already returned, was seen; a
// newer one, or a new Message-ID at the same second, was not.
func TestFolderCursor_resyncWatermark(t *testing.T) {
	var f folderCursor
	f.see(100, "old@x")
	f.see(200, "a@x")
	f.see(200, "b@x")
	f.see(150, "late@x") // older than the mark: does not move it
	if f.Mark != 200 || len(f.AtMark) != 2 {
		t.Fatalf("watermark = %d %v; want 200 [a@x b@x]", f.Mark, f.AtMark)
	}
	tests := []struct {
		date int64
		id   string
		want bool
	}{
		{100, "old@x", true},
		{150, "never-returned@x", true}, // before the mark: returned or skipped before the rebuild
		{200, "a@x", true},
		{200, "b@x", true},
		{200, "c@x", false},
		{201, "a@x", false},
		{300, "", false},
	}
	for _, tc := range tests {
		if got := f.seenBefore(tc.date, tc.id); got != tc.want {
			t.Errorf("seenBefore(%d, %q) = %v; want %v", tc.date, tc.id, got, tc.want)
		}
	}
}

// A full list at the mark stays bounded in the cursor; an unknown ID at
// the mark then counts as not seen, so the message is returned again
// rather than lost (DESIGN: a rebuilt mailbox errs towards repeats).
func TestFolderCursor_atMarkBounded(t *testing.T) {
	var f folderCursor
	for i := 0; i < watermark.MaxIDs+10; i++ {
		f.see(500, fmt.Sprintf("m%d@x", i))
	}
	if len(f.AtMark) != watermark.MaxIDs {
		t.Fatalf("AtMark holds %d IDs; want the cap %d", len(f.AtMark), watermark.MaxIDs)
	}
	if f.seenBefore(500, "unknown@x") {
		t.Error("with a full list, an unknown ID at the mark should count as not seen (returned again, never lost)")
	}
	if !f.seenBefore(500, "m0@x") {
		t.Error("a listed ID at the mark should count as seen")
	}
	f.see(501, "")
	if f.Mark != 501 || len(f.AtMark) != 0 {
		t.Errorf("a newer message without an ID: mark %d %v; want 501 []", f.Mark, f.AtMark)
	}
}

// oldCursor was written by the cursor code before the watermark moved to
// internal/watermark; a saved cursor must still resume unchanged.
const oldCursor = "imap1.eyJmIjp7IklOQk9YIjp7InYiOjcsInUiOjQyLCJ0IjoxNzAwMDAwMDAwLCJtIjpbImFAeCIsImJAeCJdfSwiSnVuayI6eyJ2Ijo5LCJ1IjozfX19"

func TestParseCursor_savedByOldCode(t *testing.T) {
	c, err := parseCursor(oldCursor)
	if err != nil {
		t.Fatalf("parseCursor(old cursor) = %v", err)
	}
	in := c.Folders["INBOX"]
	if got, want := fmt.Sprint(in), fmt.Sprint(folderCursor{Validity: 7, UID: 42, Mark: 1700000000, AtMark: []string{"a@x", "b@x"}}); got != want {
		t.Errorf("INBOX = %s; want %s", got, want)
	}
	if !in.seenBefore(1700000000, "b@x") || in.seenBefore(1700000000, "c@x") || !in.seenBefore(1699999999, "z@x") {
		t.Errorf("old watermark %+v does not answer as it did", in)
	}
	if got := c.String(); got != oldCursor {
		t.Errorf("re-encoded old cursor = %q; want it unchanged %q", got, oldCursor)
	}
}

func FuzzCursor(f *testing.F) {
	f.Add("")
	f.Add(cursor{Folders: map[string]folderCursor{"INBOX": {Validity: 1, UID: 2, Mark: 3, AtMark: []string{"a@b"}}}}.String())
	f.Add(cursorPrefix + "e30")
	f.Add(cursorPrefix + "bnVsbA") // null
	f.Add("gmail:1")
	f.Add(cursor{Folders: map[string]folderCursor{"INBOX": {Validity: 1, UID: 2, Mark: 3, Near: digest("a@b") + digest("c@d"),
		Resync: &resyncState{Mark: 2, AtMark: []string{"x@y"}, Near: "short", Reset: true, Until: 9}}}}.String()) // #12 item 3
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCursor(s)
		if err != nil {
			if !errors.Is(err, provider.ErrInvalid) {
				t.Fatalf("parseCursor(%q) = %v; want ErrInvalid", s, err)
			}
			return
		}
		if c.Folders == nil {
			t.Fatalf("parseCursor(%q) left Folders nil", s)
		}
		again, err := parseCursor(c.String())
		if err != nil {
			t.Fatalf("a parsed cursor does not parse again: %v", err)
		}
		if again.String() != c.String() {
			t.Fatalf("round trip changed the cursor: %+v -> %+v", c, again)
		}
	})
}
