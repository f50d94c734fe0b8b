package enginetest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/inboxkit/inboxkit/provider"
)

// RunCursorStore runs the conformance suite for provider.CursorStore.
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
