package delegation_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/delegation"
	"github.com/inboxkit/inboxkit/provider"
)

func TestGuard_RefusedSendNeverReachesInner(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		setup   func(w *world)
		actor   string
		msg     func() *provider.Message
		wantErr error
	}{
		{name: "no grant", actor: "rita", msg: func() *provider.Message { return note("hi") }, wantErr: delegation.ErrNoGrant},
		{
			name:  "pending request",
			setup: func(w *world) { _, _ = w.manager.Request(ctx, "rita", "max") },
			actor: "rita", msg: func() *provider.Message { return note("hi") }, wantErr: delegation.ErrNoGrant,
		},
		{
			name:  "revoked",
			setup: func(w *world) { g, _ := w.manager.Offer(ctx, "max", "rita"); _, _ = w.manager.Revoke(ctx, "max", g.ID) },
			actor: "rita", msg: func() *provider.Message { return note("hi") }, wantErr: delegation.ErrNoGrant,
		},
		{
			name:  "another requester's grant",
			setup: func(w *world) { _, _ = w.manager.Offer(ctx, "max", "sam") },
			actor: "rita", msg: func() *provider.Message { return note("hi") }, wantErr: delegation.ErrNoGrant,
		},
		{
			name:  "no seat",
			setup: func(w *world) { _, _ = w.manager.Offer(ctx, "max", "rita"); w.seats.bench("rita", true) },
			actor: "rita", msg: func() *provider.Message { return note("hi") }, wantErr: delegation.ErrRoleDenied,
		},
		{
			name:  "From is another address",
			setup: func(w *world) { _, _ = w.manager.Offer(ctx, "max", "rita") },
			actor: "rita",
			msg: func() *provider.Message {
				m := note("hi")
				m.From = provider.Address{Email: "rita@example.com"}
				return m
			},
			wantErr: delegation.ErrFrom,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			if tc.setup != nil {
				tc.setup(w)
			}
			before := len(w.sink.Events())
			sent, err := w.guard(t, tc.actor, "max").Send(ctx, tc.msg())
			if sent != nil || !errors.Is(err, tc.wantErr) || !errors.Is(err, provider.ErrNotAllowed) {
				t.Errorf("Send = %v, %v; want nil, %v matching ErrNotAllowed", sent, err, tc.wantErr)
			}
			if n := w.mailboxes["max"].sendCount(); n != 0 {
				t.Errorf("inner Send called %d times; want 0", n)
			}
			ev := w.sink.Events()[before:]
			if len(ev) != 1 || ev[0].Type != delegation.AuditRefused || ev[0].Actor != tc.actor || ev[0].Mailbox != "max@example.com" || ev[0].Reason == "" {
				t.Errorf("audit = %+v; want one send.refused by %s with a reason", ev, tc.actor)
			}
		})
	}
}

func TestGuard_SendOnBehalf(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.mailboxes["max"].acct.Aliases = []string{"hiring@example.com"}
	g, err := w.manager.Offer(ctx, "max", "rita")
	if err != nil {
		t.Fatal(err)
	}
	guard := w.guard(t, "rita", "max")
	if acct := guard.Account(); acct.Email != "max@example.com" || guard.Kind() != "fake" || guard.Actor() != "rita" {
		t.Errorf("Account, Kind, Actor = %v, %s, %s; want the owner's", acct, guard.Kind(), guard.Actor())
	}
	m1 := note("Your interview")
	s1, err := guard.Send(ctx, m1)
	if err != nil {
		t.Fatalf("Send = %v", err)
	}
	m2 := note("Follow-up")
	m2.From = provider.Address{Name: "Hiring", Email: "HIRING@example.com"} // an alias of the owner's mailbox
	s2, err := guard.Send(ctx, m2)
	if err != nil {
		t.Fatalf("Send from alias = %v", err)
	}
	sentFolder := w.mailboxes["max"].sent()
	if len(sentFolder) != 2 || sentFolder[0].MessageID != s1.MessageID || sentFolder[1].MessageID != s2.MessageID {
		t.Fatalf("owner's Sent folder = %+v; want the two messages", sentFolder)
	}
	if sentFolder[0].From.Email != "max@example.com" || sentFolder[0].Subject != "Your interview" {
		t.Errorf("sent From, Subject = %s, %q; want the owner's address", sentFolder[0].From.Email, sentFolder[0].Subject)
	}
	if n := len(w.mailboxes["rita"].sent()); n != 0 {
		t.Errorf("requester's own Sent folder has %d messages; want 0", n)
	}
	var sends []delegation.AuditEvent
	for _, e := range w.sink.Events() {
		if e.Type == delegation.AuditSent {
			sends = append(sends, e)
		}
	}
	if len(sends) != 2 {
		t.Fatalf("audit has %d sends; want 2", len(sends))
	}
	want := delegation.AuditEvent{Type: delegation.AuditSent, At: sends[0].At, Actor: "rita", OnBehalfOf: "max", GrantID: g.ID, Mailbox: "max@example.com", MessageID: s1.MessageID}
	if sends[0] != want || sends[0].At.IsZero() || sends[1].MessageID != s2.MessageID {
		t.Errorf("audit send = %+v; want %+v", sends[0], want)
	}
}

func TestGuard_OwnMailboxIsNotAuditedAsOnBehalf(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	if _, err := w.guard(t, "max", "max").Send(ctx, note("mine")); err != nil {
		t.Fatal(err)
	}
	if n := w.mailboxes["max"].sendCount(); n != 1 {
		t.Errorf("inner sends = %d; want 1", n)
	}
	if ev := w.sink.Events(); len(ev) != 0 {
		t.Errorf("audit = %+v; want nothing for a user's own mail", ev)
	}
}

func TestGuard_RevokeStopsTheNextSend(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	g, _ := w.manager.Request(ctx, "rita", "max")
	guard := w.guard(t, "rita", "max")
	if _, err := guard.Send(ctx, note("too early")); !errors.Is(err, delegation.ErrNoGrant) {
		t.Errorf("Send before accept = %v; want ErrNoGrant", err)
	}
	_, _ = w.manager.Accept(ctx, "max", g.ID)
	if _, err := guard.Send(ctx, note("accepted")); err != nil {
		t.Errorf("Send after accept = %v; want nil", err)
	}
	_, _ = w.manager.Revoke(ctx, "max", g.ID)
	if _, err := guard.Send(ctx, note("revoked")); !errors.Is(err, delegation.ErrNoGrant) {
		t.Errorf("Send after revoke = %v; want ErrNoGrant", err)
	}
	if n := w.mailboxes["max"].sendCount(); n != 1 {
		t.Errorf("inner sends = %d; want 1", n)
	}
}

func TestGuard_AuditFailure(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	_, _ = w.manager.Offer(ctx, "max", "rita")
	g, err := delegation.NewGuard(w.mailboxes["max"], "rita", w.policy, &delegation.Options{Audit: failingSink{}})
	if err != nil {
		t.Fatal(err)
	}
	sent, err := g.Send(ctx, note("hi"))
	if sent == nil || !errors.Is(err, delegation.ErrAudit) {
		t.Errorf("Send = %v, %v; want the Sent and ErrAudit", sent, err)
	}
	if n := w.mailboxes["max"].sendCount(); n != 1 {
		t.Errorf("inner sends = %d; want 1", n)
	}
	g2, _ := delegation.NewGuard(w.mailboxes["max"], "sam", w.policy, &delegation.Options{Audit: failingSink{}})
	_, err = g2.Send(ctx, note("hi"))
	if !errors.Is(err, delegation.ErrNoGrant) || !errors.Is(err, delegation.ErrAudit) {
		t.Errorf("refused Send with failing sink = %v; want ErrNoGrant and ErrAudit", err)
	}
}

func TestGuard_InnerErrorPassesThrough(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	_, _ = w.manager.Offer(ctx, "max", "rita")
	bad := note("x")
	bad.To = nil
	if _, err := w.guard(t, "rita", "max").Send(ctx, bad); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("Send(no recipient) = %v; want the inner provider's ErrInvalid", err)
	}
	if ev := w.sink.Events(); ev[len(ev)-1].Type == delegation.AuditSent {
		t.Errorf("a failed send was audited as sent: %+v", ev[len(ev)-1])
	}
	if _, err := w.guard(t, "rita", "max").Send(ctx, nil); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("Send(nil) = %v; want ErrInvalid", err)
	}
}

func TestGuard_Close(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	guard := w.guard(t, "max", "max")
	if err := guard.Verify(ctx); err != nil {
		t.Fatalf("Verify = %v", err)
	}
	if err := guard.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := guard.Send(ctx, note("x")); !errors.Is(err, provider.ErrClosed) {
		t.Errorf("Send after Close = %v; want ErrClosed", err)
	}
	if _, err := guard.Fetch(ctx, "", &index{}); !errors.Is(err, provider.ErrClosed) {
		t.Errorf("Fetch after Close = %v; want ErrClosed", err)
	}
	if err := guard.Verify(ctx); !errors.Is(err, provider.ErrClosed) {
		t.Errorf("Verify after Close = %v; want ErrClosed", err)
	}
	// The owner's provider stays open for everyone else.
	if _, err := w.mailboxes["max"].Send(ctx, note("still open")); err != nil {
		t.Errorf("inner Send after guard Close = %v; want nil", err)
	}
}

func TestGuard_Verify(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	if err := w.guard(t, "rita", "max").Verify(ctx); !errors.Is(err, delegation.ErrNoGrant) {
		t.Errorf("Verify without grant = %v; want ErrNoGrant", err)
	}
	if w.mailboxes["max"].verifys != 0 {
		t.Errorf("inner Verify called without a grant")
	}
	_, _ = w.manager.Offer(ctx, "max", "rita")
	if err := w.guard(t, "rita", "max").Verify(ctx); err != nil {
		t.Errorf("Verify with grant = %v; want nil", err)
	}
}

func TestNewGuard_Invalid(t *testing.T) {
	w := newWorld(t)
	for name, f := range map[string]func() (*delegation.Guard, error){
		"nil inner":  func() (*delegation.Guard, error) { return delegation.NewGuard(nil, "rita", w.policy, nil) },
		"no actor":   func() (*delegation.Guard, error) { return delegation.NewGuard(w.mailboxes["max"], "", w.policy, nil) },
		"nil policy": func() (*delegation.Guard, error) { return delegation.NewGuard(w.mailboxes["max"], "rita", nil, nil) },
	} {
		if _, err := f(); !errors.Is(err, provider.ErrInvalid) {
			t.Errorf("NewGuard(%s) = %v; want ErrInvalid", name, err)
		}
	}
}

// fetchWorld sends one message as max himself and one by rita on his
// behalf, stamps both records, and delivers a reply to each, a bounce and
// an unrelated message to max's inbox.
func fetchWorld(t *testing.T) (*world, *index, string, string) {
	t.Helper()
	ctx := context.Background()
	w := newWorld(t)
	_, _ = w.manager.Offer(ctx, "max", "rita")
	idx := &index{}
	own, onBehalf := note("From max himself"), note("From rita as max")
	s1, err := w.guard(t, "max", "max").Send(ctx, own)
	if err != nil {
		t.Fatal(err)
	}
	idx.add(delegation.Stamp(provider.RecordOf("max@example.com", own, s1), "max", "max"))
	s2, err := w.guard(t, "rita", "max").Send(ctx, onBehalf)
	if err != nil {
		t.Fatal(err)
	}
	idx.add(delegation.Stamp(provider.RecordOf("max@example.com", onBehalf, s2), "rita", "max"))
	box := w.mailboxes["max"]
	box.deliver("From: Friend <friend@example.org>\r\nSubject: Re: From max himself\r\nIn-Reply-To: <" + s1.MessageID + ">\r\n\r\nPrivate answer to max.\r\n")
	box.deliver("From: Cand Idate <candidate@example.org>\r\nTo: max@example.com\r\nSubject: Re: salary is 120k\r\n" +
		"Date: Sat, 01 Mar 2025 12:00:00 +0000\r\nMessage-ID: <reply1@example.org>\r\nIn-Reply-To: <" + s2.MessageID + ">\r\n" +
		"References: <" + s2.MessageID + ">\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nMy salary expectation is secret.\r\n")
	box.deliver("From: MAILER-DAEMON@example.net\r\nSubject: Undelivered\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\n\r\nOriginal: " + s2.MessageID + "\r\n--b--\r\n")
	box.deliver("From: spam@example.net\r\nSubject: Unrelated\r\n\r\nnothing to do with us\r\n")
	return w, idx, s1.MessageID, s2.MessageID
}

func TestGuard_FetchByOwnerSeesEverything(t *testing.T) {
	w, idx, _, _ := fetchWorld(t)
	b, err := w.guard(t, "max", "max").Fetch(context.Background(), "", idx)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Messages) != 3 || b.Cursor != "4" {
		t.Fatalf("owner Fetch = %d messages, cursor %q; want 3 (two replies and the bounce), 4", len(b.Messages), b.Cursor)
	}
	if !strings.Contains(string(b.Messages[1].Raw), "My salary expectation is secret.") {
		t.Errorf("owner sees Raw %q; want the whole reply", b.Messages[1].Raw)
	}
}

func TestGuard_FetchByRequesterIsStripped(t *testing.T) {
	w, idx, _, onBehalfID := fetchWorld(t)
	b, err := w.guard(t, "rita", "max").Fetch(context.Background(), "", idx)
	if err != nil {
		t.Fatal(err)
	}
	if b.Cursor != "4" {
		t.Errorf("Cursor = %q; want the inner provider's 4", b.Cursor)
	}
	if len(b.Messages) != 1 {
		t.Fatalf("requester Fetch = %d messages; want only the reply to her own mail", len(b.Messages))
	}
	in := b.Messages[0]
	if in.Record == nil || in.Record.MessageID != onBehalfID || in.MatchedBy != "in-reply-to" || in.ProviderID != "2" || in.Folder != "INBOX" {
		t.Errorf("requester item = %+v; want IDs and the record kept", in)
	}
	want := "Date: Sat, 01 Mar 2025 12:00:00 +0000\r\nMessage-Id: <reply1@example.org>\r\n" +
		"In-Reply-To: <" + onBehalfID + ">\r\nReferences: <" + onBehalfID + ">\r\nContent-Type: text/plain\r\n\r\n"
	if string(in.Raw) != want {
		t.Errorf("requester Raw = %q; want %q", in.Raw, want)
	}
}

func TestGuard_FetchRefusedNeverReachesInner(t *testing.T) {
	w, idx, _, _ := fetchWorld(t)
	b, err := w.guard(t, "sam", "max").Fetch(context.Background(), "", idx)
	if b != nil || !errors.Is(err, delegation.ErrNoGrant) {
		t.Errorf("Fetch by sam = %v, %v; want nil, ErrNoGrant", b, err)
	}
	if n := w.mailboxes["max"].fetchCount(); n != 0 {
		t.Errorf("inner Fetch called %d times; want 0", n)
	}
}

func TestGuard_HostFailureIsNotARefusal(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	_, _ = w.manager.Offer(ctx, "max", "rita")
	before := len(w.sink.Events())
	w.seats.err = errDown
	_, err := w.guard(t, "rita", "max").Send(ctx, note("hi"))
	if !errors.Is(err, errDown) || errors.Is(err, provider.ErrNotAllowed) {
		t.Errorf("Send with failing roles = %v; want the roles error, not ErrNotAllowed", err)
	}
	if n := w.mailboxes["max"].sendCount(); n != 0 {
		t.Errorf("inner sends = %d; want 0", n)
	}
	if ev := w.sink.Events()[before:]; len(ev) != 0 {
		t.Errorf("audit = %+v; want nothing for an outage", ev)
	}
}

// dupBox reports every send as a duplicate of an earlier delivery, as a
// provider's Deduper does on a retry with the same IdempotencyKey.
type dupBox struct{ *mailbox }

func (d dupBox) Send(ctx context.Context, m *provider.Message) (*provider.Sent, error) {
	s, err := d.mailbox.Send(ctx, m)
	if s != nil {
		s.Duplicate = true
	}
	return s, err
}

func TestGuard_DuplicateIsNotAuditedTwice(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	_, _ = w.manager.Offer(ctx, "max", "rita")
	before := len(w.sink.Events())
	g, err := delegation.NewGuard(dupBox{w.mailboxes["max"]}, "rita", w.policy, w.opts)
	if err != nil {
		t.Fatal(err)
	}
	if s, err := g.Send(ctx, note("retry")); err != nil || !s.Duplicate {
		t.Fatalf("Send = %+v, %v; want a duplicate", s, err)
	}
	if ev := w.sink.Events()[before:]; len(ev) != 0 {
		t.Errorf("audit = %+v; want no second send event for a duplicate", ev)
	}
}
