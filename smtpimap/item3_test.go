package smtpimap_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/smtpimap"
)

// datedReply is a reply to our sent message with a fixed Message-ID and
// Date field.
func datedReply(id string, sent time.Time, size int) []byte {
	raw := fmt.Sprintf("From: bob@inboxkit.test\r\nTo: %s\r\nSubject: Re: hello\r\nDate: %s\r\nMessage-ID: <%s>\r\n"+
		"In-Reply-To: <sent-1@inboxkit.test>\r\n\r\nYes.\r\n", sender, sent.UTC().Format(time.RFC1123Z), id)
	if pad := size - len(raw); pad > 0 {
		raw += strings.Repeat("x", pad-2) + "\r\n"
	}
	return []byte(raw)
}

// rebuild deletes and creates folder again (a new UIDVALIDITY, every
// message renumbered) and puts msgs back, each APPENDed at at(i).
func rebuild(t *testing.T, c *imapclient.Client, folder string, msgs [][]byte, at func(i int) time.Time) {
	t.Helper()
	before := validity(t, c, folder)
	if err := c.Delete(folder).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Create(folder, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	for i, raw := range msgs {
		appendAt(t, c, folder, raw, at(i))
	}
	if validity(t, c, folder) == before {
		t.Fatal("UIDVALIDITY did not change; this test needs it to")
	}
}

// fetchAll runs Fetch from cursor until a Fetch returns nothing new, and
// returns every Message-ID returned, in order, and the last cursor.
func fetchAll(t *testing.T, p *smtpimap.Provider, cursor string, idx provider.SentIndex) ([]string, string) {
	t.Helper()
	var all []string
	for range 100 {
		b, err := p.Fetch(ctxT(t), cursor, idx)
		if err != nil {
			t.Fatal(err)
		}
		got := ids(b)
		if len(got) == 0 && b.Cursor == cursor {
			return all, cursor
		}
		all, cursor = append(all, got...), b.Cursor
	}
	t.Fatal("Fetch never settled")
	return nil, ""
}

func repliesIdx() *memIndex {
	return &memIndex{recs: map[string]*provider.SentRecord{
		"sent-1@inboxkit.test": {Account: sender, MessageID: "sent-1@inboxkit.test", Subject: "hello"},
	}}
}

// TestItem3_resyncAfterInternalDateReset: #12 item 3. A migration rebuilds
// the folder with a new UIDVALIDITY and stamps every message with the
// migration's time as INTERNALDATE. The next Fetch returns only the reply
// that arrived meanwhile: not the 70 old replies again (more than the
// cursor keeps digests of, so the Date field must decide), and not
// nothing.
func TestItem3_resyncAfterInternalDateReset(t *testing.T) {
	srv := testServer(t, nil)
	cfg := configFor(srv)
	cfg.Folders = []string{"Replies"}
	cfg.LookBack = 365 * 24 * time.Hour
	p := newProvider(t, cfg)
	c := userIMAP(t, srv)
	if err := c.Create("Replies", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now().Add(-10 * 24 * time.Hour).Truncate(time.Second)
	var old [][]byte
	var oldIDs []string
	for i := range 70 {
		at := t0.Add(time.Duration(i) * time.Hour)
		id := fmt.Sprintf("old-%d@inboxkit.test", i)
		raw := datedReply(id, at.Add(-time.Minute), 0)
		appendAt(t, c, "Replies", raw, at)
		old, oldIDs = append(old, raw), append(oldIDs, id)
	}
	idx := repliesIdx()
	got, cursor := fetchAll(t, p, "", idx)
	if !slices.Equal(got, oldIDs) {
		t.Fatalf("before the migration Fetch returned %d replies; want the %d old ones", len(got), len(oldIDs))
	}

	migrated := time.Now().Truncate(time.Second)
	fresh := datedReply("fresh@inboxkit.test", time.Now().Add(-time.Minute), 0)
	rebuild(t, c, "Replies", append(slices.Clone(old), fresh), func(int) time.Time { return migrated })

	got, cursor = fetchAll(t, p, cursor, idx)
	if want := []string{"fresh@inboxkit.test"}; !slices.Equal(got, want) {
		t.Fatalf("Fetch after the migration = %d messages %v; want only the reply that arrived meanwhile %v", len(got), head(got), want)
	}
	// Mail arriving after the resync is returned as usual.
	later := datedReply("later@inboxkit.test", time.Now(), 0)
	appendAt(t, c, "Replies", later, time.Now())
	if got, _ = fetchAll(t, p, cursor, idx); !slices.Equal(got, []string{"later@inboxkit.test"}) {
		t.Fatalf("Fetch after the resync = %v; want the new reply", got)
	}
}

// TestItem3_resyncBudgetAndSameSecond: #12 item 3. Forty replies share one
// INTERNALDATE second (the watermark keeps 32 ids). Fetched a few at a
// time (a small budget), every one comes back once: the UID position,
// not the time mark, decides within a UIDVALIDITY. After a rebuild that
// keeps the dates, with three new replies in that same second, the
// resync (also spread over several Fetches) returns the three and none
// of the forty.
func TestItem3_resyncBudgetAndSameSecond(t *testing.T) {
	srv := testServer(t, nil)
	cfg := configFor(srv)
	cfg.Folders = []string{"Replies"}
	p := newProvider(t, cfg)
	smtpimap.SetFetchBudget(p, 7, 3, 0)
	c := userIMAP(t, srv)
	if err := c.Create("Replies", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	second := time.Now().Add(-time.Hour).Truncate(time.Second)
	var msgs [][]byte
	var want []string
	for i := range 40 {
		id := fmt.Sprintf("burst-%d@inboxkit.test", i)
		msgs, want = append(msgs, datedReply(id, second, 0)), append(want, id)
		appendAt(t, c, "Replies", msgs[i], second)
	}
	idx := repliesIdx()
	got, cursor := fetchAll(t, p, "", idx)
	if !slices.Equal(got, want) {
		t.Fatalf("Fetches returned %d of the 40 replies in one second (%v); want each once", len(got), head(got))
	}
	var fresh []string
	for i := range 3 {
		id := fmt.Sprintf("fresh-%d@inboxkit.test", i)
		msgs, fresh = append(msgs, datedReply(id, second, 0)), append(fresh, id)
	}
	rebuild(t, c, "Replies", msgs, func(int) time.Time { return second })
	if got, _ = fetchAll(t, p, cursor, idx); !slices.Equal(got, fresh) {
		t.Fatalf("Fetches after the rebuild = %v; want the three new replies %v", head(got), fresh)
	}
}

// TestItem3_oversizedRelatedMessageIsReported: #12 item 3. A related
// message over the size cap is reported in Batch.Skipped (once) and the
// cursor moves past it; the reply after it is returned.
func TestItem3_oversizedRelatedMessageIsReported(t *testing.T) {
	srv := testServer(t, nil)
	p := newProvider(t, configFor(srv))
	smtpimap.SetFetchBudget(p, 0, 0, 4096)
	c := userIMAP(t, srv)
	now := time.Now().Add(-time.Minute)
	appendAt(t, c, "INBOX", datedReply("big@inboxkit.test", now, 10000), now)
	appendAt(t, c, "INBOX", datedReply("small@inboxkit.test", now, 0), now)
	idx := repliesIdx()
	b, err := p.Fetch(ctxT(t), "", idx)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(b); !slices.Equal(got, []string{"small@inboxkit.test"}) {
		t.Errorf("Fetch = %v; want the small reply", got)
	}
	if len(b.Skipped) != 1 || !strings.HasSuffix(b.Skipped[0].ProviderID, "/1") || b.Skipped[0].Folder != "INBOX" ||
		!strings.Contains(b.Skipped[0].Reason, "larger than") {
		t.Errorf("Skipped = %+v; want the big reply (UID 1) with its reason", b.Skipped)
	}
	b2, err := p.Fetch(ctxT(t), b.Cursor, idx)
	if err != nil || len(b2.Messages) != 0 || len(b2.Skipped) != 0 {
		t.Errorf("next Fetch = %v, %+v, %v; want nothing (reported once)", ids(b2), b2.Skipped, err)
	}
}

func head(s []string) []string {
	if len(s) > 6 {
		return append(slices.Clone(s[:6]), "…")
	}
	return s
}
