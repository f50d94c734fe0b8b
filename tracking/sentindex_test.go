package tracking_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking"
)

func TestLoadSent(t *testing.T) {
	in := `{"message_id":"<a@x.org>","thread_id":"t1","account":"me@x.org","recipients":["Ann@y.org"],"subject":"Hi"}

{"message_id":"b@x.org","recipients":["ann@y.org"],"subject":"Again","sent_at":"2024-01-02T03:04:05Z","meta":{"step":"2"}}
`
	idx := tracking.NewMemoryIndex(0)
	n, err := tracking.LoadSent(strings.NewReader(in), idx)
	if err != nil || n != 2 || idx.Len() != 2 {
		t.Fatalf("LoadSent = %d, %v (Len %d); want 2, nil", n, err, idx.Len())
	}
	ctx := context.Background()
	if r, err := idx.ByMessageID(ctx, "a@x.org"); err != nil || r.ThreadID != "t1" {
		t.Errorf("ByMessageID(a@x.org) = %+v, %v", r, err)
	}
	if r, err := idx.ByMessageID(ctx, "<b@x.org>"); err != nil || r.Meta["step"] != "2" {
		t.Errorf("ByMessageID(<b@x.org>) = %+v, %v", r, err)
	}
	if r, err := idx.ByThread(ctx, "ME@x.org", "t1"); err != nil || r.MessageID != "a@x.org" {
		t.Errorf("ByThread = %+v, %v", r, err)
	}
	rs, err := idx.ByRecipient(ctx, "ANN@y.org")
	if err != nil || len(rs) != 2 || rs[0].MessageID != "b@x.org" {
		t.Errorf("ByRecipient = %v, %v; want newest (b@x.org) first", rs, err)
	}
	if _, err := idx.ByMessageID(ctx, "zzz"); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("ByMessageID(missing) err = %v; want ErrNotFound", err)
	}
	for _, bad := range []string{"{nope\n", `{"subject":"no id"}` + "\n"} {
		if _, err := tracking.LoadSent(strings.NewReader(bad), tracking.NewMemoryIndex(0)); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("LoadSent(%q) err = %v; want an error naming line 1", bad, err)
		}
	}
}

func TestMemoryIndex_concurrent(t *testing.T) {
	idx := tracking.NewMemoryIndex(0)
	ctx := context.Background()
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				_ = idx.Add(provider.SentRecord{MessageID: fmt.Sprintf("%d-%d@x", w, i), Recipients: []string{"same@y.org"}, ThreadID: "t"})
			}
		}()
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				_, _ = idx.ByMessageID(ctx, fmt.Sprintf("%d-%d@x", w, i))
				if rs, err := idx.ByRecipient(ctx, "same@y.org"); err == nil {
					_ = rs[len(rs)-1].MessageID
				}
				_, _ = idx.ByThread(ctx, "", "t")
			}
		}()
	}
	wg.Wait()
	if idx.Len() != 2000 {
		t.Errorf("Len = %d; want 2000", idx.Len())
	}
}
