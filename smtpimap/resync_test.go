package smtpimap_test

import (
	"fmt"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/inboxkit/inboxkit/internal/mailserver"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
	"github.com/inboxkit/inboxkit/smtpimap"
)

// userIMAP logs in to the in-process IMAP server as the sender, the way
// another mail client of the same user would.
func userIMAP(t *testing.T, srv *mailserver.Server) *imapclient.Client {
	t.Helper()
	host, port := srv.IMAPAddr()
	c, err := imapclient.DialStartTLS(net.JoinHostPort(host, strconv.Itoa(port)), &imapclient.Options{TLSConfig: srv.ClientTLSConfig()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if err := c.Login(sender, password).Wait(); err != nil {
		t.Fatal(err)
	}
	return c
}

func appendAt(t *testing.T, c *imapclient.Client, mailbox string, raw []byte, at time.Time) {
	t.Helper()
	cmd := c.Append(mailbox, int64(len(raw)), &imap.AppendOptions{Time: at})
	if _, err := cmd.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}

// TestFetch_uidValidityResync rebuilds the folder Fetch reads (DELETE and
// CREATE give it a new UIDVALIDITY and renumber every message), puts the
// already-returned reply back next to new ones, and checks the next Fetch
// returns exactly the new replies: nothing lost, nothing twice.
func TestFetch_uidValidityResync(t *testing.T) {
	srv := testServer(t, nil)
	cfg := configFor(srv)
	cfg.Folders = []string{"Replies"}
	resyncScenario(t, newProvider(t, cfg), userIMAP(t, srv), sender, []string{"bob@inboxkit.test", "cyd@inboxkit.test"}, "Replies")
}

// resyncScenario runs the rebuild on folder (which p's Config.Folders
// names) through c, logged in as owner, with replies from prospects.
func resyncScenario(t *testing.T, p *smtpimap.Provider, c *imapclient.Client, owner string, prospects []string, folder string) {
	ctx := ctxT(t)
	_ = c.Delete(folder).Wait() // left over from an earlier run on a real server
	if err := c.Create(folder, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	idx := &memIndex{recs: map[string]*provider.SentRecord{}}
	var sentIDs []string
	for _, to := range []string{prospects[0], prospects[1], prospects[0]} {
		m := hello(to)
		s, err := p.Send(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		idx.recs[s.MessageID] = provider.RecordOf(owner, m, s)
		sentIDs = append(sentIDs, s.MessageID)
	}
	t0 := time.Now().Add(-time.Hour).Truncate(time.Second)
	first := providertest.Reply(prospects[0], owner, "hello", sentIDs[0])
	appendAt(t, c, folder, providertest.Unrelated("x@example.net", owner), t0.Add(-time.Minute))
	appendAt(t, c, folder, first, t0)

	b1, err := p.Fetch(ctx, "", idx)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(b1); fmt.Sprint(got) != fmt.Sprint([]string{providertest.MessageIDOf(first)}) {
		t.Fatalf("first Fetch = %v; want the one reply", got)
	}
	before := validity(t, c, folder)

	// Another client rebuilds the folder: same old mail, new numbering.
	if err := c.Delete(folder).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Create(folder, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	sameSecond := providertest.Reply(prospects[1], owner, "hello", sentIDs[1])
	later := providertest.Reply(prospects[0], owner, "hello", sentIDs[2])
	appendAt(t, c, folder, providertest.Unrelated("x@example.net", owner), t0.Add(-time.Minute))
	appendAt(t, c, folder, first, t0)
	appendAt(t, c, folder, sameSecond, t0)
	appendAt(t, c, folder, later, t0.Add(time.Minute))
	if after := validity(t, c, folder); after == before {
		t.Fatalf("the server kept UIDVALIDITY %d across DELETE/CREATE; this test needs it to change", after)
	}

	b2, err := p.Fetch(ctx, b1.Cursor, idx)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{providertest.MessageIDOf(sameSecond), providertest.MessageIDOf(later)}
	if got := ids(b2); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Fetch after the rebuild = %v; want exactly the two new replies %v", got, want)
	}
	b3, err := p.Fetch(ctx, b2.Cursor, idx)
	if err != nil || len(b3.Messages) != 0 {
		t.Fatalf("Fetch after the resync = %v, %v; want nothing", ids(b3), err)
	}
}

func validity(t *testing.T, c *imapclient.Client, mailbox string) uint32 {
	t.Helper()
	st, err := c.Status(mailbox, &imap.StatusOptions{UIDValidity: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	return st.UIDValidity
}

func ids(b *provider.Batch) []string {
	if b == nil {
		return nil
	}
	out := make([]string, 0, len(b.Messages))
	for _, m := range b.Messages {
		out = append(out, providertest.MessageIDOf(m.Raw))
	}
	return out
}
