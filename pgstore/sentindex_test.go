package pgstore_test

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/pgstore/internal/pgtest"
	"github.com/inboxkit/inboxkit/provider"
)

func sentAt(minute int) time.Time {
	return time.Date(2026, 3, 1, 9, minute, 0, 0, time.UTC)
}

func TestStore_SentIndex(t *testing.T) {
	s, _ := newStore(t)
	ctx := pgtest.Context(t, testTimeout)
	recs := []provider.SentRecord{
		{Account: "Ada@Example.com", MessageID: "<m1@example.com>", ThreadID: "t1", Subject: "Hello",
			Recipients: []string{"Bob@Example.org", " carol@example.org "}, SentAt: sentAt(1),
			Meta: map[string]string{"campaign": "c1", "step": "1"}},
		{Account: "ada@example.com", MessageID: "m2@example.com", ThreadID: "t1", Subject: "Re: Hello",
			Recipients: []string{"bob@example.org"}, SentAt: sentAt(2)},
		{Account: "eve@example.com", MessageID: "m3@example.com", ThreadID: "t1", Subject: "Other",
			Recipients: []string{"BOB@example.org"}, SentAt: sentAt(3)},
	}
	for _, r := range recs {
		if err := s.Add(ctx, r); err != nil {
			t.Fatalf("Add(%s) = %v", r.MessageID, err)
		}
	}

	got, err := s.ByMessageID(ctx, "<m1@example.com>")
	if err != nil {
		t.Fatalf("ByMessageID = %v", err)
	}
	want := recs[0]
	want.MessageID = "m1@example.com"
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("ByMessageID = %+v; want %+v", *got, want)
	}
	if got, err := s.ByMessageID(ctx, "m2@example.com"); err != nil || got.Meta != nil || got.Account != "ada@example.com" {
		t.Errorf("ByMessageID(m2) = %+v, %v; want the record with nil Meta", got, err)
	}

	threads := []struct {
		account, thread, want string
	}{
		{"ADA@example.com", "t1", "m2@example.com"},
		{"eve@example.com", "t1", "m3@example.com"},
		{"ada@example.com", "t2", ""},
		{"", "t1", ""},
		{"ada@example.com", "", ""},
	}
	for _, tc := range threads {
		r, err := s.ByThread(ctx, tc.account, tc.thread)
		switch {
		case tc.want == "" && !errors.Is(err, provider.ErrNotFound):
			t.Errorf("ByThread(%q, %q) = %v, %v; want ErrNotFound", tc.account, tc.thread, r, err)
		case tc.want != "" && (err != nil || r.MessageID != tc.want):
			t.Errorf("ByThread(%q, %q) = %v, %v; want %s", tc.account, tc.thread, r, err, tc.want)
		}
	}

	byRcpt := []struct {
		address string
		want    []string
	}{
		{"bob@example.org", []string{"m3@example.com", "m2@example.com", "m1@example.com"}},
		{" Carol@EXAMPLE.org", []string{"m1@example.com"}},
		{"dave@example.org", nil},
		{"", nil},
	}
	for _, tc := range byRcpt {
		list, err := s.ByRecipient(ctx, tc.address)
		if tc.want == nil {
			if !errors.Is(err, provider.ErrNotFound) {
				t.Errorf("ByRecipient(%q) = %v, %v; want ErrNotFound", tc.address, list, err)
			}
			continue
		}
		var ids []string
		for _, r := range list {
			ids = append(ids, r.MessageID)
		}
		if err != nil || !reflect.DeepEqual(ids, tc.want) {
			t.Errorf("ByRecipient(%q) = %v, %v; want %v", tc.address, ids, err, tc.want)
		}
	}

	if _, err := s.ByMessageID(ctx, "nope@example.com"); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("ByMessageID(unknown) = %v; want ErrNotFound", err)
	}
}

// Adding a record again with the same Message-ID replaces it, recipients
// included.
func TestStore_Add_replaces(t *testing.T) {
	s, _ := newStore(t)
	ctx := pgtest.Context(t, testTimeout)
	r := provider.SentRecord{Account: "a@example.com", MessageID: "m@example.com", Recipients: []string{"x@example.org"}, SentAt: sentAt(1)}
	if err := s.Add(ctx, r); err != nil {
		t.Fatal(err)
	}
	r.Recipients = []string{"y@example.org"}
	r.Subject = "second"
	if err := s.Add(ctx, r); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ByRecipient(ctx, "x@example.org"); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("ByRecipient(old recipient) = %v; want ErrNotFound", err)
	}
	if list, err := s.ByRecipient(ctx, "y@example.org"); err != nil || len(list) != 1 || list[0].Subject != "second" {
		t.Errorf("ByRecipient(new recipient) = %v, %v; want the replaced record", list, err)
	}
}

func TestStore_Add_invalid(t *testing.T) {
	s, _ := newStore(t)
	ctx := pgtest.Context(t, testTimeout)
	tests := []struct {
		name string
		rec  provider.SentRecord
	}{
		{"no Message-ID", provider.SentRecord{Account: "a@example.com", SentAt: sentAt(1)}},
		{"brackets only", provider.SentRecord{Account: "a@example.com", MessageID: "<>", SentAt: sentAt(1)}},
		{"no SentAt", provider.SentRecord{Account: "a@example.com", MessageID: "m@example.com"}},
	}
	for _, tc := range tests {
		if err := s.Add(ctx, tc.rec); !errors.Is(err, provider.ErrInvalid) {
			t.Errorf("Add(%s) = %v; want ErrInvalid", tc.name, err)
		}
	}
}

func TestStore_CursorStore(t *testing.T) {
	s, _ := newStore(t)
	ctx := pgtest.Context(t, testTimeout)
	if c, err := s.Cursor(ctx, "a@example.com"); err != nil || c != "" {
		t.Fatalf("Cursor before any save = %q, %v; want \"\", nil", c, err)
	}
	for i := range 3 {
		want := fmt.Sprintf("history-%d", i)
		if err := s.SaveCursor(ctx, "a@example.com", want); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Cursor(ctx, "a@example.com"); err != nil || got != want {
			t.Errorf("Cursor = %q, %v; want %q", got, err, want)
		}
	}
	if c, err := s.Cursor(ctx, "b@example.com"); err != nil || c != "" {
		t.Errorf("Cursor of another account = %q, %v; want \"\"", c, err)
	}
}
