// Package providertest is the conformance suite every provider.Provider
// runs: send, a copy in Sent, a reply, a bounce and an out-of-office
// arrive next to an unrelated message, Fetch returns exactly the related
// ones, resuming from its cursor returns nothing twice, a follow-up stays
// in the thread, bad input sends nothing, and the same IdempotencyKey never
// delivers twice.
//
// A provider's test supplies a Harness over its own test servers (the
// in-process SMTP/IMAP servers, a fake Gmail or Graph API, or real servers).
package providertest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// Harness is what the suite needs from a provider's test environment.
type Harness struct {
	// Provider is the mailbox under test, signed in.
	Provider provider.Provider
	// Prospects are at least two addresses the suite may send to.
	Prospects []string
	// Deliver puts a raw RFC 5322 message into the mailbox's INBOX, as if
	// it had arrived from outside (a reply, a bounce, unrelated mail).
	Deliver func(ctx context.Context, raw []byte) error
	// SentCopies counts the messages with this Message-ID in the
	// mailbox's Sent folder, as the server sees it.
	SentCopies func(ctx context.Context, messageID string) (int, error)
	// Deliveries counts how often the server accepted a message with this
	// Message-ID for delivery to recipients.
	Deliveries func(ctx context.Context, messageID string) (int, error)
	// Settle, when set, is called after Deliver and before Fetch, for
	// servers that make new mail visible asynchronously.
	Settle func(ctx context.Context)
}

// Run runs the suite. newHarness is called once per subtest, so each
// starts from an empty mailbox.
func Run(t *testing.T, newHarness func(t *testing.T) *Harness) {
	t.Run("SendSavesOneCopy", func(t *testing.T) { testSendSavesOneCopy(t, newHarness(t)) })
	t.Run("FetchReturnsOnlyRelated", func(t *testing.T) { testFetchReturnsOnlyRelated(t, newHarness(t)) })
	t.Run("FollowUpStaysInThread", func(t *testing.T) { testFollowUp(t, newHarness(t)) })
	t.Run("IdempotencyKeyDeliversOnce", func(t *testing.T) { testIdempotency(t, newHarness(t)) })
	t.Run("InvalidInputSendsNothing", func(t *testing.T) { testInvalid(t, newHarness(t)) })
	t.Run("ClosedProviderRefuses", func(t *testing.T) { testClosed(t, newHarness(t)) })
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func message(h *Harness, to int, subject string) *provider.Message {
	return &provider.Message{
		To:      []provider.Address{{Name: "Prospect", Email: h.Prospects[to]}},
		Subject: subject,
		Text:    "Hello from the conformance suite.\r\n",
		HTML:    "<p>Hello from the <b>conformance</b> suite.</p>",
	}
}

func send(t *testing.T, ctx context.Context, h *Harness, m *provider.Message) *provider.Sent {
	t.Helper()
	sent, err := h.Provider.Send(ctx, m)
	if err != nil {
		t.Fatalf("Send(%q) error: %v", m.Subject, err)
	}
	if sent == nil || !provider.ValidMessageID(sent.MessageID) {
		t.Fatalf("Send(%q) = %+v; want a valid MessageID", m.Subject, sent)
	}
	if sent.MessageID != m.MessageID {
		t.Errorf("Send left Message.MessageID = %q; want the sent ID %q", m.MessageID, sent.MessageID)
	}
	if sent.ThreadID == "" || sent.SentAt.IsZero() {
		t.Errorf("Send = %+v; want ThreadID and SentAt set", sent)
	}
	return sent
}

func testSendSavesOneCopy(t *testing.T, h *Harness) {
	ctx := ctxFor(t)
	sent := send(t, ctx, h, message(h, 0, "Quick question"))
	if n, err := h.Deliveries(ctx, sent.MessageID); err != nil || n != 1 {
		t.Errorf("Deliveries(%s) = %d, %v; want 1", sent.MessageID, n, err)
	}
	if n, err := h.SentCopies(ctx, sent.MessageID); err != nil || n != 1 {
		t.Errorf("SentCopies(%s) = %d, %v; want 1", sent.MessageID, n, err)
	}
}

func testFetchReturnsOnlyRelated(t *testing.T, h *Harness) {
	ctx := ctxFor(t)
	idx := newIndex()
	acct := h.Provider.Account().Email
	m1 := message(h, 0, "Intro call")
	s1 := send(t, ctx, h, m1)
	idx.add(provider.RecordOf(acct, m1, s1))
	m2 := message(h, 1, "Partnership")
	s2 := send(t, ctx, h, m2)
	idx.add(provider.RecordOf(acct, m2, s2))

	reply := Reply(h.Prospects[0], acct, m1.Subject, s1.MessageID)
	bounce := Bounce(acct, h.Prospects[1], m2.Subject, s2.MessageID)
	ooo := OutOfOffice(h.Prospects[1], acct, m2.Subject, s2.MessageID)
	unrelated := Unrelated("newsletter@shop.example", acct)
	for _, raw := range [][]byte{reply, unrelated, bounce, ooo} {
		if err := h.Deliver(ctx, raw); err != nil {
			t.Fatalf("Deliver: %v", err)
		}
	}
	settle(ctx, h)
	batch, err := h.Provider.Fetch(ctx, "", idx)
	if err != nil {
		t.Fatalf("Fetch(\"\") error: %v", err)
	}
	got := ids(batch)
	want := []string{MessageIDOf(reply), MessageIDOf(bounce), MessageIDOf(ooo)}
	if !sameSet(got, want) {
		t.Fatalf("Fetch(\"\") returned %v; want exactly the reply, bounce and out-of-office %v (not the unrelated %s)", got, want, MessageIDOf(unrelated))
	}
	for _, in := range batch.Messages {
		if in.ProviderID == "" {
			t.Errorf("Incoming %s has no ProviderID", MessageIDOf(in.Raw))
		}
		if MessageIDOf(in.Raw) == MessageIDOf(reply) && (in.Record == nil || in.Record.MessageID != s1.MessageID) {
			t.Errorf("reply matched to %+v; want the record of %s", in.Record, s1.MessageID)
		}
		if MessageIDOf(in.Raw) == MessageIDOf(bounce) && (in.Record == nil || in.Record.MessageID != s2.MessageID) {
			t.Errorf("bounce matched to %+v; want the record of %s", in.Record, s2.MessageID)
		}
	}
	if batch.Cursor == "" {
		t.Fatal("Fetch returned an empty cursor")
	}

	again, err := h.Provider.Fetch(ctx, batch.Cursor, idx)
	if err != nil {
		t.Fatalf("Fetch(cursor) error: %v", err)
	}
	if len(again.Messages) != 0 {
		t.Fatalf("Fetch(cursor) with nothing new returned %v; want nothing", ids(again))
	}

	second := Reply(h.Prospects[1], acct, m2.Subject, s2.MessageID)
	if err := h.Deliver(ctx, second); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	if err := h.Deliver(ctx, Unrelated("friend@else.example", acct)); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	settle(ctx, h)
	third, err := h.Provider.Fetch(ctx, again.Cursor, idx)
	if err != nil {
		t.Fatalf("Fetch(cursor) error: %v", err)
	}
	if got, want := ids(third), []string{MessageIDOf(second)}; !sameSet(got, want) {
		t.Fatalf("Fetch(cursor) after one more reply returned %v; want %v", got, want)
	}
	// The old cursor still works and returns the same new reply only.
	replay, err := h.Provider.Fetch(ctx, again.Cursor, idx)
	if err != nil {
		t.Fatalf("Fetch(old cursor) error: %v", err)
	}
	if got, want := ids(replay), []string{MessageIDOf(second)}; !sameSet(got, want) {
		t.Fatalf("Fetch(old cursor) returned %v; want %v", got, want)
	}
}

func testFollowUp(t *testing.T, h *Harness) {
	ctx := ctxFor(t)
	first := message(h, 0, "Hiring for Go engineers")
	s1 := send(t, ctx, h, first)
	follow := message(h, 0, "Re: Hiring for Go engineers")
	follow.InReplyTo = s1.MessageID
	follow.References = []string{s1.MessageID}
	follow.ThreadID = s1.ThreadID
	s2 := send(t, ctx, h, follow)
	if s2.ThreadID != s1.ThreadID {
		t.Errorf("follow-up ThreadID = %q; want the first message's %q", s2.ThreadID, s1.ThreadID)
	}
	if s2.MessageID == s1.MessageID {
		t.Errorf("follow-up reused Message-ID %q", s1.MessageID)
	}
}

func testIdempotency(t *testing.T, h *Harness) {
	ctx := ctxFor(t)
	m := message(h, 0, "Only once")
	// Unique per run: a real server keeps its mailboxes between runs.
	run := strings.SplitN(providerkit.NewMessageID("x@example.com"), "@", 2)[0]
	m.IdempotencyKey = "campaign-7/step-1/contact-42/" + run
	s1 := send(t, ctx, h, m)
	again := message(h, 0, "Only once")
	again.IdempotencyKey = m.IdempotencyKey
	s2, err := h.Provider.Send(ctx, again)
	if err != nil {
		t.Fatalf("second Send with the same key: %v", err)
	}
	if s2.MessageID != s1.MessageID || !s2.Duplicate {
		t.Errorf("second Send = %+v; want the first's MessageID %s marked Duplicate", s2, s1.MessageID)
	}
	if n, err := h.Deliveries(ctx, s1.MessageID); err != nil || n != 1 {
		t.Errorf("Deliveries = %d, %v; want 1", n, err)
	}
	other := message(h, 0, "Only once")
	other.IdempotencyKey = "campaign-7/step-1/contact-43/" + run
	s3 := send(t, ctx, h, other)
	if s3.MessageID == s1.MessageID {
		t.Errorf("a different key reused Message-ID %s", s1.MessageID)
	}
}

func testInvalid(t *testing.T, h *Harness) {
	ctx := ctxFor(t)
	cases := []struct {
		name  string
		edit  func(m *provider.Message)
		field string
	}{
		{"subject injection", func(m *provider.Message) { m.Subject = "hi\r\nBcc: victim@example.com" }, "Subject"},
		{"name injection", func(m *provider.Message) { m.To[0].Name = "x\nBcc: v@example.com" }, "To[0].Name"},
		{"bad address", func(m *provider.Message) { m.To[0].Email = "not an address" }, "To[0].Email"},
		{"no recipient", func(m *provider.Message) { m.To = nil }, "To"},
		{"reserved header", func(m *provider.Message) { m.Headers = []provider.Header{{Name: "Bcc", Value: "v@example.com"}} }, "Headers[0].Name"},
		{"header value injection", func(m *provider.Message) {
			m.Headers = []provider.Header{{Name: "X-Campaign", Value: "1\r\nBcc: v@example.com"}}
		}, "Headers[0].Value"},
	}
	for _, tc := range cases {
		m := message(h, 0, "Invalid "+tc.name)
		tc.edit(m)
		m.MessageID = providerkit.NewMessageID(h.Provider.Account().Email)
		_, err := h.Provider.Send(ctx, m)
		var pe *provider.Error
		if !errors.Is(err, provider.ErrInvalid) || !errors.As(err, &pe) || pe.Field != tc.field {
			t.Errorf("%s: Send error = %v; want ErrInvalid naming %s", tc.name, err, tc.field)
		}
		if n, err := h.Deliveries(ctx, m.MessageID); err != nil || n != 0 {
			t.Errorf("%s: Deliveries = %d, %v; want 0", tc.name, n, err)
		}
	}
}

func testClosed(t *testing.T, h *Harness) {
	ctx := ctxFor(t)
	if err := h.Provider.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	_, sendErr := h.Provider.Send(ctx, message(h, 0, "after close"))
	_, fetchErr := h.Provider.Fetch(ctx, "", newIndex())
	for _, c := range []struct {
		op  string
		err error
	}{{"send", sendErr}, {"fetch", fetchErr}} {
		var pe *provider.Error
		if !errors.Is(c.err, provider.ErrClosed) || !errors.As(c.err, &pe) || pe.Op != c.op || pe.Provider != h.Provider.Kind() {
			t.Errorf("%s after Close = %v; want a *provider.Error of %s for op %q matching ErrClosed", c.op, c.err, h.Provider.Kind(), c.op)
		}
	}
}

func settle(ctx context.Context, h *Harness) {
	if h.Settle != nil {
		h.Settle(ctx)
	}
}

func ids(b *provider.Batch) []string {
	out := make([]string, 0, len(b.Messages))
	for _, in := range b.Messages {
		out = append(out, MessageIDOf(in.Raw))
	}
	return out
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, x := range a {
		seen[x]++
	}
	for _, x := range b {
		if seen[x] == 0 {
			return false
		}
		seen[x]--
	}
	return true
}

// index is a minimal SentIndex for the suite.
type index struct {
	mu   sync.Mutex
	byID map[string]*provider.SentRecord
}

func newIndex() *index { return &index{byID: map[string]*provider.SentRecord{}} }

func (x *index) add(r *provider.SentRecord) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.byID[r.MessageID] = r
}

func (x *index) ByMessageID(_ context.Context, id string) (*provider.SentRecord, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if r, ok := x.byID[id]; ok {
		return r, nil
	}
	return nil, provider.ErrNotFound
}

func (x *index) ByThread(_ context.Context, account, thread string) (*provider.SentRecord, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, r := range x.byID {
		if r.ThreadID == thread && strings.EqualFold(r.Account, account) {
			return r, nil
		}
	}
	return nil, provider.ErrNotFound
}
