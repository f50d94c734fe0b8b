package gmail_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/inboxkit/inboxkit/gmail"
	"github.com/inboxkit/inboxkit/internal/fakegmail"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
)

type index struct {
	mu   sync.Mutex
	recs []*provider.SentRecord
	err  error
}

func (x *index) add(r *provider.SentRecord) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.recs = append(x.recs, r)
}

func (x *index) find(match func(r *provider.SentRecord) bool) (*provider.SentRecord, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.err != nil {
		return nil, x.err
	}
	for _, r := range x.recs {
		if match(r) {
			return r, nil
		}
	}
	return nil, provider.ErrNotFound
}

func (x *index) ByMessageID(_ context.Context, id string) (*provider.SentRecord, error) {
	return x.find(func(r *provider.SentRecord) bool { return r.MessageID == id })
}

func (x *index) ByThread(_ context.Context, account, thread string) (*provider.SentRecord, error) {
	return x.find(func(r *provider.SentRecord) bool {
		return r.ThreadID == thread && strings.EqualFold(r.Account, account)
	})
}

type world struct {
	srv *fakegmail.Server
	p   *gmail.Provider
	idx *index
}

func newWorld(t *testing.T) *world {
	srv := startFake(t)
	return &world{srv: srv, p: newProvider(t, srv, nil, nil), idx: &index{}}
}

func (w *world) send(t *testing.T, to, subject string) *provider.Sent {
	t.Helper()
	m := &provider.Message{To: []provider.Address{{Email: to}}, Subject: subject, Text: "Hi.\r\n"}
	s, err := w.p.Send(context.Background(), m)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	w.idx.add(provider.RecordOf(account, m, s))
	return s
}

func (w *world) deliver(t *testing.T, raw []byte) string {
	t.Helper()
	id, _, err := w.srv.Deliver(raw)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (w *world) fetch(t *testing.T, cursor string) *provider.Batch {
	t.Helper()
	b, err := w.p.Fetch(context.Background(), cursor, w.idx)
	if err != nil {
		t.Fatalf("Fetch(%q): %v", cursor, err)
	}
	return b
}

func messageIDs(b *provider.Batch) []string {
	var out []string
	for _, in := range b.Messages {
		out = append(out, providertest.MessageIDOf(in.Raw))
	}
	return out
}

// TestProvider_Fetch_quota measures the quota units of a send, an idle
// poll and a busy poll on the fake (Gmail's published units per method).
func TestProvider_Fetch_quota(t *testing.T) {
	w := newWorld(t)
	u0 := w.srv.Stats().Units
	s := w.send(t, "bob@prospect.example", "Intro")
	if got := w.srv.Stats().Units - u0; got != 100 {
		t.Errorf("units per send = %d; want 100", got)
	}
	first := w.fetch(t, "")

	before := w.srv.Stats()
	idle := w.fetch(t, first.Cursor)
	after := w.srv.Stats()
	if len(idle.Messages) != 0 || after.Requests-before.Requests != 1 || after.Units-before.Units != 2 {
		t.Errorf("idle poll: %d messages, %d requests, %d units; want 0, 1, 2",
			len(idle.Messages), after.Requests-before.Requests, after.Units-before.Units)
	}

	// A busy poll: a reply in our thread (raw at once), an unrelated
	// message (metadata only), a bounce in a new thread (metadata, then
	// raw).
	reply := providertest.Reply("bob@prospect.example", account, "Intro", s.MessageID)
	bounce := providertest.Bounce(account, "bob@prospect.example", "Intro", s.MessageID)
	for _, raw := range [][]byte{reply, providertest.Unrelated("news@shop.example", account), bounce} {
		w.deliver(t, raw)
	}
	before = w.srv.Stats()
	busy := w.fetch(t, idle.Cursor)
	after = w.srv.Stats()
	if got, want := messageIDs(busy), []string{providertest.MessageIDOf(reply), providertest.MessageIDOf(bounce)}; !slices.Equal(got, want) {
		t.Errorf("busy poll returned %v; want %v", got, want)
	}
	if got, want := after.Units-before.Units, 2+5+5+10; got != want {
		t.Errorf("busy poll units = %d; want %d (history 2, reply raw 5, unrelated metadata 5, bounce metadata+raw 10)", got, want)
	}
	t.Logf("quota units: send 100, idle poll %d (1 call), busy poll of 3 new messages %d (%d calls)",
		2, after.Units-before.Units, after.Requests-before.Requests)
	for _, in := range busy.Messages {
		if in.ThreadID == "" || in.Folder != "INBOX" || in.ReceivedAt.IsZero() || in.Record == nil {
			t.Errorf("incoming %+v lacks thread, folder, time or record", in)
		}
	}
	if busy.Messages[0].MatchedBy != "in-reply-to" || busy.Messages[0].ThreadID != s.ThreadID {
		t.Errorf("reply matched by %q in thread %q; want in-reply-to in %q", busy.Messages[0].MatchedBy, busy.Messages[0].ThreadID, s.ThreadID)
	}
	if busy.Messages[1].MatchedBy != "dsn-original" {
		t.Errorf("bounce matched by %q; want dsn-original", busy.Messages[1].MatchedBy)
	}
}

func TestProvider_Fetch_ownMailSkipped(t *testing.T) {
	w := newWorld(t)
	first := w.fetch(t, "")
	s := w.send(t, "bob@prospect.example", "Hiring")
	follow := &provider.Message{To: []provider.Address{{Email: "bob@prospect.example"}}, Subject: "Re: Hiring", Text: "Bump.\r\n",
		InReplyTo: s.MessageID, ThreadID: s.ThreadID}
	if _, err := w.p.Send(context.Background(), follow); err != nil {
		t.Fatal(err)
	}
	before := w.srv.Stats()
	b := w.fetch(t, first.Cursor)
	if len(b.Messages) != 0 {
		t.Errorf("Fetch returned our own sent mail: %v", messageIDs(b))
	}
	if got := w.srv.Stats().Requests - before.Requests; got != 1 {
		t.Errorf("requests = %d; want 1 (SENT messages are skipped without a get)", got)
	}
	if b2 := w.fetch(t, ""); len(b2.Messages) != 0 {
		t.Errorf("look-back returned our own sent mail: %v", messageIDs(b2))
	}
}

func TestProvider_Fetch_expiredHistory(t *testing.T) {
	w := newWorld(t)
	s := w.send(t, "bob@prospect.example", "Pricing")
	c0 := w.fetch(t, "").Cursor
	r1 := providertest.Reply("bob@prospect.example", account, "Pricing", s.MessageID)
	w.deliver(t, r1)
	b1 := w.fetch(t, c0)
	if got := messageIDs(b1); len(got) != 1 {
		t.Fatalf("Fetch = %v; want the first reply", got)
	}
	r2 := providertest.Reply("bob@prospect.example", account, "Pricing", s.MessageID)
	w.deliver(t, r2)
	w.deliver(t, providertest.Unrelated("x@else.example", account))
	w.srv.ExpireHistory()
	b2 := w.fetch(t, b1.Cursor)
	if got, want := messageIDs(b2), []string{providertest.MessageIDOf(r2)}; !slices.Equal(got, want) {
		t.Fatalf("Fetch after expired history = %v; want only the new reply %v", got, want)
	}
	r3 := providertest.Reply("bob@prospect.example", account, "Pricing", s.MessageID)
	w.deliver(t, r3)
	if got, want := messageIDs(w.fetch(t, b2.Cursor)), []string{providertest.MessageIDOf(r3)}; !slices.Equal(got, want) {
		t.Errorf("Fetch after the resync = %v; want %v", got, want)
	}
}

func TestProvider_Fetch_lookBackRace(t *testing.T) {
	w := newWorld(t)
	s := w.send(t, "bob@prospect.example", "Race")
	early := providertest.Reply("bob@prospect.example", account, "Race", s.MessageID)
	w.deliver(t, early)
	late := providertest.Reply("bob@prospect.example", account, "Race", s.MessageID)
	// The late reply arrives after getProfile recorded the historyId and
	// before messages.list runs: the look-back must leave it to the next
	// Fetch, which returns it once.
	w.srv.OnCall(func(method string) {
		if method == "messages.list" {
			w.srv.OnCall(nil)
			if _, _, err := w.srv.Deliver(late); err != nil {
				t.Error(err)
			}
		}
	})
	b := w.fetch(t, "")
	if got, want := messageIDs(b), []string{providertest.MessageIDOf(early)}; !slices.Equal(got, want) {
		t.Fatalf("look-back = %v; want %v", got, want)
	}
	if got, want := messageIDs(w.fetch(t, b.Cursor)), []string{providertest.MessageIDOf(late)}; !slices.Equal(got, want) {
		t.Errorf("next Fetch = %v; want %v", got, want)
	}
}

func TestProvider_Fetch_paging(t *testing.T) {
	w := newWorld(t)
	s := w.send(t, "bob@prospect.example", "Many")
	c := w.fetch(t, "").Cursor
	for range 520 {
		w.deliver(t, providertest.Unrelated("n@news.example", account))
	}
	last := providertest.Reply("bob@prospect.example", account, "Many", s.MessageID)
	w.deliver(t, last)
	var got []string
	for range 8 { // 100 messages a Fetch (#12 item 4)
		b := w.fetch(t, c)
		got = append(got, messageIDs(b)...)
		c = b.Cursor
	}
	if len(got) != 1 || got[0] != providertest.MessageIDOf(last) {
		t.Errorf("Fetches over two history pages = %v; want the reply at the end, once", got)
	}
	if got := w.srv.Stats().Calls["history.list"]; got < 2 {
		t.Errorf("history.list calls = %d; want at least 2 pages", got)
	}
}

func TestProvider_Fetch_errors(t *testing.T) {
	w := newWorld(t)
	s := w.send(t, "bob@prospect.example", "Errors")
	c := w.fetch(t, "").Cursor
	for _, bad := range []string{"abc", "0", "12.x", "-5"} {
		_, err := w.p.Fetch(context.Background(), bad, w.idx)
		var pe *provider.Error
		if !errors.Is(err, provider.ErrInvalid) || !errors.As(err, &pe) || pe.Field != "cursor" {
			t.Errorf("Fetch(%q) = %v; want ErrInvalid naming cursor", bad, err)
		}
	}
	w.deliver(t, providertest.Reply("bob@prospect.example", account, "Errors", s.MessageID))
	w.idx.err = errors.New("database down")
	if _, err := w.p.Fetch(context.Background(), c, w.idx); err == nil || !strings.Contains(err.Error(), "database down") {
		t.Errorf("Fetch with a failing index = %v; want its error", err)
	}
	w.idx.err = nil
	w.srv.Fail("messages.get", 4, fakegmail.Unavailable())
	if _, err := w.p.Fetch(context.Background(), c, w.idx); !errors.Is(err, provider.ErrTemporary) {
		t.Errorf("Fetch with messages.get failing = %v; want ErrTemporary", err)
	}
	if got := messageIDs(w.fetch(t, c)); len(got) != 1 {
		t.Errorf("Fetch from the same cursor after failures = %v; want the reply", got)
	}
}

func recordOf(m *provider.Message, s *provider.Sent) *provider.SentRecord {
	return provider.RecordOf(account, m, s)
}
