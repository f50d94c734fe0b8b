package smtpimap_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/smtpimap"
)

// appendUID APPENDs raw to INBOX and returns its UID.
func appendUID(t *testing.T, c *imapclient.Client, raw []byte) imap.UID {
	t.Helper()
	cmd := c.Append("INBOX", int64(len(raw)), &imap.AppendOptions{Time: time.Now().Add(-time.Minute)})
	if _, err := cmd.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := cmd.Wait()
	if err != nil {
		t.Fatal(err)
	}
	return data.UID
}

// TestItem4_refusedMessageNeverStalls: #12 item 4. A message whose FETCH
// the server refuses with NO, whether its body or even its header, is
// reported in Batch.Skipped once and the cursor moves past it; the other
// replies are returned. A server refusing every message fails the Fetch
// (transient) without moving the cursor.
func TestItem4_refusedMessageNeverStalls(t *testing.T) {
	for _, bodiesOnly := range []bool{true, false} {
		t.Run(fmt.Sprintf("bodiesOnly=%v", bodiesOnly), func(t *testing.T) {
			srv := testServer(t, nil)
			p := newProvider(t, configFor(srv))
			c := userIMAP(t, srv)
			now := time.Now().Add(-time.Minute)
			var uids []imap.UID
			for i := range 3 {
				uids = append(uids, appendUID(t, c, datedReply(fmt.Sprintf("r%d@inboxkit.test", i), now, 0)))
			}
			srv.RefuseFetch(uids[1], bodiesOnly)
			idx := repliesIdx()
			b, err := p.Fetch(ctxT(t), "", idx)
			if err != nil {
				t.Fatalf("Fetch with one unreadable message = %v; want the others and the bad one skipped", err)
			}
			if got, want := ids(b), []string{"r0@inboxkit.test", "r2@inboxkit.test"}; !slices.Equal(got, want) {
				t.Errorf("Fetch = %v; want %v", got, want)
			}
			if len(b.Skipped) != 1 || !strings.HasSuffix(b.Skipped[0].ProviderID, fmt.Sprintf("/%d", uids[1])) ||
				!strings.Contains(b.Skipped[0].Reason, "refused") {
				t.Errorf("Skipped = %+v; want UID %d with the server's refusal", b.Skipped, uids[1])
			}
			b2, err := p.Fetch(ctxT(t), b.Cursor, idx)
			if err != nil || len(b2.Messages) != 0 || len(b2.Skipped) != 0 {
				t.Errorf("next Fetch = %v, %+v, %v; want nothing: the cursor moved past", ids(b2), b2.Skipped, err)
			}
		})
	}
	t.Run("every message refused", func(t *testing.T) {
		srv := testServer(t, nil)
		p := newProvider(t, configFor(srv))
		c := userIMAP(t, srv)
		now := time.Now().Add(-time.Minute)
		for i := range 2 {
			srv.RefuseFetch(appendUID(t, c, datedReply(fmt.Sprintf("r%d@inboxkit.test", i), now, 0)), true)
		}
		b, err := p.Fetch(ctxT(t), "", repliesIdx())
		if err == nil || !errors.Is(err, provider.ErrTemporary) {
			t.Errorf("Fetch when the server refuses every message = %v, %v; want a transient error", b, err)
		}
	})
}

// TestItem4_boundedWorkPerFetch: #12 item 4. With a budget of 5 header
// reads and 2 downloads per Fetch, 12 messages holding 6 replies take
// several Fetches, each returning at most 2 and sending a bounded number
// of IMAP commands; together they return every reply exactly once.
func TestItem4_boundedWorkPerFetch(t *testing.T) {
	srv := testServer(t, nil)
	p := newProvider(t, configFor(srv))
	smtpimap.SetFetchBudget(p, 5, 2, 0)
	c := userIMAP(t, srv)
	now := time.Now().Add(-time.Minute)
	var want []string
	for i := range 12 {
		if i%2 == 0 {
			id := fmt.Sprintf("r%d@inboxkit.test", i)
			want = append(want, id)
			appendUID(t, c, datedReply(id, now, 0))
			continue
		}
		appendUID(t, c, []byte(fmt.Sprintf("From: shop@example.net\r\nSubject: Deals %d\r\nMessage-ID: <n%d@example.net>\r\n\r\nBuy.\r\n", i, i)))
	}
	idx := repliesIdx()
	var got []string
	cursor := ""
	fetches := 0
	for ; fetches < 20; fetches++ {
		srv.ResetCounters()
		b, err := p.Fetch(ctxT(t), cursor, idx)
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Messages) > 2 {
			t.Errorf("Fetch %d returned %d messages; want at most the 2 the budget allows", fetches, len(b.Messages))
		}
		// STATUS, SELECT, SEARCH, one header FETCH, one body FETCH and
		// UNSELECT, and the pool's check of its connection; the first
		// Fetch also connects and LISTs.
		if n := srv.IMAPCommands(); fetches > 0 && n > 8 {
			t.Errorf("Fetch %d sent %d IMAP commands; want a bounded few", fetches, n)
		}
		got = append(got, ids(b)...)
		if len(b.Messages) == 0 && b.Cursor == cursor {
			if b.More {
				t.Error("an idle Fetch says More")
			}
			break
		}
		if !b.More && len(got) < len(want) {
			t.Errorf("Fetch %d stopped at its budget without saying More", fetches)
		}
		cursor = b.Cursor
	}
	if !slices.Equal(got, want) {
		t.Errorf("Fetches returned %v; want every reply once %v", got, want)
	}
	if fetches < 3 {
		t.Errorf("all done in %d Fetches; the budget should have spread the work", fetches)
	}
}
