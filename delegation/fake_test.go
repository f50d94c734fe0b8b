package delegation_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/delegation"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// mailbox is a recording fake provider.Provider: one mailbox that keeps
// what it sent in a Sent folder and what it received in an inbox, counts
// every call, and fetches like a real provider (only mail whose
// In-Reply-To or References points at a message in idx, plus delivery
// reports as bounce candidates).
type mailbox struct {
	acct provider.Account
	now  func() time.Time

	mu                      sync.Mutex
	sentFolder              []provider.Message
	inbox                   [][]byte
	sends, fetches, verifys int
	closed                  bool
}

var _ provider.Provider = (*mailbox)(nil)

func newMailbox(email string, aliases ...string) *mailbox {
	return &mailbox{
		acct: provider.Account{Email: email, Aliases: aliases},
		now:  func() time.Time { return time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC) },
	}
}

func (b *mailbox) Kind() provider.Kind       { return "fake" }
func (b *mailbox) Account() provider.Account { return b.acct }

func (b *mailbox) Verify(context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.verifys++
	if b.closed {
		return provider.ErrClosed
	}
	return nil
}

func (b *mailbox) Send(_ context.Context, m *provider.Message) (*provider.Sent, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sends++
	if b.closed {
		return nil, provider.ErrClosed
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	c := *m
	if c.From.Email == "" {
		c.From.Email = b.acct.Email
	}
	if c.MessageID == "" {
		c.MessageID = providerkit.NewMessageID(b.acct.Email)
	}
	b.sentFolder = append(b.sentFolder, c)
	return &provider.Sent{
		MessageID:  c.MessageID,
		ProviderID: strconv.Itoa(len(b.sentFolder)),
		ThreadID:   c.MessageID,
		SentAt:     b.now(),
	}, nil
}

func (b *mailbox) Fetch(ctx context.Context, cursor string, idx provider.SentIndex) (*provider.Batch, error) {
	b.mu.Lock()
	b.fetches++
	closed := b.closed
	inbox := b.inbox
	b.mu.Unlock()
	if closed {
		return nil, provider.ErrClosed
	}
	from := 0
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil || n < 0 || n > len(inbox) {
			return nil, providerkit.Invalid("cursor", "not ours")
		}
		from = n
	}
	batch := &provider.Batch{Cursor: strconv.Itoa(len(inbox))}
	for i := from; i < len(inbox); i++ {
		raw := inbox[i]
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			continue
		}
		in := provider.Incoming{Raw: raw, ProviderID: strconv.Itoa(i + 1), Folder: "INBOX", ReceivedAt: b.now()}
		for _, hdr := range []struct{ name, how string }{{"In-Reply-To", "in-reply-to"}, {"References", "references"}} {
			for _, id := range providerkit.ParseMessageIDs(msg.Header.Get(hdr.name)) {
				rec, err := idx.ByMessageID(ctx, id)
				if err == nil && in.Record == nil {
					in.Record, in.MatchedBy = rec, hdr.how
				} else if err != nil && !errors.Is(err, provider.ErrNotFound) {
					return nil, err
				}
			}
		}
		if in.Record != nil || bytes.Contains(bytes.ToLower(raw), []byte("report-type=delivery-status")) {
			batch.Messages = append(batch.Messages, in)
		}
	}
	return batch, nil
}

func (b *mailbox) Close() error {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	return nil
}

// deliver puts raw into the inbox.
func (b *mailbox) deliver(raw string) {
	b.mu.Lock()
	b.inbox = append(b.inbox, []byte(raw))
	b.mu.Unlock()
}

func (b *mailbox) sendCount() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sends
}

func (b *mailbox) fetchCount() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.fetches
}

func (b *mailbox) sent() []provider.Message {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]provider.Message(nil), b.sentFolder...)
}

// index is a SentIndex in a map.
type index struct {
	mu   sync.Mutex
	recs map[string]*provider.SentRecord
}

func (x *index) add(r *provider.SentRecord) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.recs == nil {
		x.recs = map[string]*provider.SentRecord{}
	}
	x.recs[r.MessageID] = r
}

func (x *index) ByMessageID(_ context.Context, id string) (*provider.SentRecord, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if r, ok := x.recs[id]; ok {
		return r, nil
	}
	return nil, provider.ErrNotFound
}

func (x *index) ByThread(context.Context, string, string) (*provider.SentRecord, error) {
	return nil, provider.ErrNotFound
}

// clock is a test clock that steps a second on every reading.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// seats is a Roles that lets every user send unless benched.
type seats struct {
	mu      sync.Mutex
	benched map[string]bool
	err     error
}

func (s *seats) CanSend(_ context.Context, user string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return false, s.err
	}
	return !s.benched[user], nil
}

func (s *seats) bench(user string, on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.benched == nil {
		s.benched = map[string]bool{}
	}
	s.benched[user] = on
}

// world is a host with three users, each with one connected mailbox:
// rita (recruiter), max (hiring manager), sam (another recruiter).
type world struct {
	store     *delegation.MemoryStore
	dir       *delegation.MemoryDirectory
	seats     *seats
	sink      *delegation.MemoryAudit
	clock     *clock
	opts      *delegation.Options
	manager   *delegation.Manager
	policy    *delegation.Policy
	mailboxes map[string]*mailbox // by user
}

func allUsers() []string { return []string{"rita", "max", "sam"} }

func addr(user string) string { return user + "@example.com" }

func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{
		store: delegation.NewMemoryStore(), dir: &delegation.MemoryDirectory{}, seats: &seats{},
		sink: &delegation.MemoryAudit{}, clock: newClock(), mailboxes: map[string]*mailbox{},
	}
	var n atomic.Int64
	w.opts = &delegation.Options{Clock: w.clock.Now, Audit: w.sink, NewID: func() string { return fmt.Sprintf("g%d", n.Add(1)) }}
	for _, u := range allUsers() {
		w.dir.Connect(addr(u), u)
		w.mailboxes[u] = newMailbox(addr(u))
	}
	var err error
	if w.manager, err = delegation.NewManager(w.store, w.opts); err != nil {
		t.Fatal(err)
	}
	if w.policy, err = delegation.NewPolicy(w.store, w.dir, w.seats); err != nil {
		t.Fatal(err)
	}
	return w
}

// guard returns owner's mailbox as actor may use it.
func (w *world) guard(t testing.TB, actor, owner string) *delegation.Guard {
	t.Helper()
	g, err := delegation.NewGuard(w.mailboxes[owner], actor, w.policy, w.opts)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func note(subject string) *provider.Message {
	return &provider.Message{
		To:      []provider.Address{{Name: "Cand Idate", Email: "candidate@example.org"}},
		Subject: subject,
		Text:    "Hello",
	}
}
