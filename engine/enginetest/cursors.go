package enginetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/provider"
)

// RunCursorStore runs the conformance suite for provider.CursorStore, and
// for engine.FencedCursors when the store implements it.
func RunCursorStore(t *testing.T, newStore func(t *testing.T) provider.CursorStore) {
	t.Run("RoundTrip", func(t *testing.T) {
		s := newStore(t)
		ctx := context.Background()
		got, err := s.Cursor(ctx, "nobody@inboxkit.test")
		if err != nil || got != "" {
			t.Fatalf("Cursor of an unknown account = %q, %v; want \"\", nil", got, err)
		}
		cases := []struct{ account, cursor string }{
			{"ada@inboxkit.test", "1700000000/42"},
			{"ada@inboxkit.test", "1700000000/43"}, // overwrite
			{"bob@inboxkit.test", "h:987654321"},
			{"cyd@inboxkit.test", "https://graph.example/delta?$deltatoken=" + strings.Repeat("x", 4000)},
			{"dan@inboxkit.test", "ünïcødé/✓"},
		}
		for _, c := range cases {
			if err := s.SaveCursor(ctx, c.account, c.cursor); err != nil {
				t.Fatalf("SaveCursor(%s): %v", c.account, err)
			}
			if got, err := s.Cursor(ctx, c.account); err != nil || got != c.cursor {
				t.Errorf("Cursor(%s) = %.40q, %v; want %.40q", c.account, got, err, c.cursor)
			}
		}
		if got, _ := s.Cursor(ctx, "ada@inboxkit.test"); got != "1700000000/43" {
			t.Errorf("Cursor(ada) after other accounts saved = %q; want the last one saved for ada", got)
		}
	})
	t.Run("Fenced", func(t *testing.T) {
		s := newStore(t)
		f, ok := s.(engine.FencedCursors)
		if !ok {
			t.Skip("the store does not implement engine.FencedCursors")
		}
		runFenced(t, f, s)
	})
	t.Run("Concurrent", func(t *testing.T) {
		s := newStore(t)
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				for i := range 25 {
					if err := s.SaveCursor(context.Background(), fmt.Sprintf("acct-%d", g), fmt.Sprint(i)); err != nil {
						t.Errorf("SaveCursor: %v", err)
					}
				}
			})
		}
		wg.Wait()
		for g := range 8 {
			if got, err := s.Cursor(context.Background(), fmt.Sprintf("acct-%d", g)); err != nil || got != "24" {
				t.Errorf("Cursor(acct-%d) = %q, %v; want 24", g, got, err)
			}
		}
	})
}

// runFenced checks a store that also implements engine.FencedCursors.
func runFenced(t *testing.T, f engine.FencedCursors, s provider.CursorStore) {
	ctx := context.Background()
	cases := []struct {
		fence   uint64
		cursor  string
		wantErr error
		want    string
	}{
		{1, "c1", nil, "c1"},
		{1, "c2", nil, "c2"},                    // same holder moves on
		{3, "c3", nil, "c3"},                    // a new holder
		{2, "stale", engine.ErrLeaseLost, "c3"}, // the old holder, too late
		{3, "c4", nil, "c4"},
	}
	for _, c := range cases {
		err := f.SaveCursorFenced(ctx, "ada@inboxkit.test", c.cursor, c.fence)
		if !errors.Is(err, c.wantErr) {
			t.Errorf("SaveCursorFenced(fence %d, %q) = %v; want %v", c.fence, c.cursor, err, c.wantErr)
		}
		if got, _ := s.Cursor(ctx, "ada@inboxkit.test"); got != c.want {
			t.Errorf("after fence %d: Cursor = %q; want %q", c.fence, got, c.want)
		}
	}
}
