package graph_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/graph"
	"github.com/inboxkit/inboxkit/internal/fakegraph"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
)

func TestSendWithDraftsKeepsOurMessageIDAndReturnsIDs(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, &graph.Options{SendWithDrafts: true})
	m := msg("Quick question")
	sent, err := p.Send(ctx(t), m)
	if err != nil {
		t.Fatal(err)
	}
	sends := srv.Sends()
	if len(sends) != 1 || trim(sends[0].MessageID) != sent.MessageID || sends[0].Via != "draft" {
		t.Fatalf("fake saw %+v; want one draft send of %s", sends, sent.MessageID)
	}
	if got := providertest.MessageIDOf(sends[0].Raw); got != sent.MessageID {
		t.Errorf("MIME Message-ID = %q; want ours %q", got, sent.MessageID)
	}
	copies := srv.Messages(account, "sentitems")
	if len(copies) != 1 || copies[0].ImmutableID != sent.ProviderID || copies[0].ConversationID != sent.ThreadID {
		t.Errorf("Sent Items = %+v; want one copy with id %q in conversation %q", copies, sent.ProviderID, sent.ThreadID)
	}
	if drafts := srv.Messages(account, "drafts"); len(drafts) != 0 {
		t.Errorf("%d drafts left behind", len(drafts))
	}
	st := srv.Stats()
	if st.ByRoute["createMessage"] != 1 || st.ByRoute["sendDraft"] != 1 || st.Requests != 2 {
		t.Errorf("requests per send: %+v; want createMessage and sendDraft only", st)
	}
}

func TestSendMailKeepsOurMessageIDAndFindsIDs(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, nil)
	sent, err := p.Send(ctx(t), msg("Quick question"))
	if err != nil {
		t.Fatal(err)
	}
	sends := srv.Sends()
	if len(sends) != 1 || trim(sends[0].MessageID) != sent.MessageID || sends[0].Via != "sendMail-mime" {
		t.Fatalf("fake saw %+v; want one MIME sendMail of %s", sends, sent.MessageID)
	}
	copies := srv.Messages(account, "sentitems")
	if len(copies) != 1 || copies[0].ImmutableID != sent.ProviderID || copies[0].ConversationID != sent.ThreadID || sent.ThreadID == "" {
		t.Errorf("Sent Items = %+v; want one copy with id %q in conversation %q", copies, sent.ProviderID, sent.ThreadID)
	}
	st := srv.Stats()
	if st.ByRoute["sendMail"] != 1 || st.ByRoute["listMessages"] != 1 || st.Requests != 2 {
		t.Errorf("requests per send: %+v; want sendMail and one look-up", st.ByRoute)
	}
}

// When Exchange is slow to file the copy, sendMail's Send waits a little
// for it, and past SentLookupWait reports the message without its ids.
func TestSendMailSlowSentItems(t *testing.T) {
	srv := startFake(t)
	srv.SetSentItemsDelay(2)
	p := newProvider(t, srv, nil, nil)
	sent, err := p.Send(ctx(t), msg("Slow Sent Items"))
	if err != nil || sent.ThreadID == "" {
		t.Fatalf("Send = %+v, %v; want the ids after a few look-ups", sent, err)
	}
	srv.SetSentItemsDelay(1000)
	q := newProvider(t, srv, nil, &graph.Options{SentLookupWait: -1})
	sent, err = q.Send(ctx(t), msg("Very slow Sent Items"))
	if err != nil || sent.MessageID == "" || sent.ThreadID != "" {
		t.Fatalf("Send = %+v, %v; want the MessageID without ids", sent, err)
	}
}

func TestSendBccReachesRecipientNotHeader(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, nil)
	m := msg("With Bcc")
	m.Bcc = []provider.Address{{Email: "hidden@prospect.example"}}
	if _, err := p.Send(ctx(t), m); err != nil {
		t.Fatal(err)
	}
	s := srv.Sends()[0]
	if !containsFold(s.Recipients, "hidden@prospect.example") {
		t.Errorf("recipients %v lack the Bcc", s.Recipients)
	}
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func TestSendFromOtherAddressRefusedWithoutRequest(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, nil)
	m := msg("Spoof")
	m.From = provider.Address{Email: "boss@inboxkit.test"}
	_, err := p.Send(ctx(t), m)
	if !errors.Is(err, provider.ErrNotAllowed) {
		t.Fatalf("Send as another mailbox = %v; want ErrNotAllowed", err)
	}
	if n := srv.Stats().Requests; n != 0 {
		t.Errorf("%d requests reached Graph", n)
	}
}

func TestSendOnBehalf(t *testing.T) {
	const owner = "grace@inboxkit.test"
	srv := startFake(t)
	srv.AddUser(owner, "Grace Hopper")
	srv.SetToken("shared-token", account, "Mail.ReadWrite", "Mail.Send", "Mail.Send.Shared", "User.Read")
	p := newProvider(t, srv, staticToken("shared-token"), &graph.Options{OnBehalfOf: []string{owner}})
	m := msg("Interview slot")
	m.From = provider.Address{Name: "Grace Hopper", Email: owner}

	// Without the owner's grant Exchange refuses and nothing is sent.
	_, err := p.Send(ctx(t), m)
	if !errors.Is(err, provider.ErrNotAllowed) {
		t.Fatalf("on-behalf send without a grant = %v; want ErrNotAllowed", err)
	}
	if n := len(srv.Sends()); n != 0 {
		t.Fatalf("%d messages sent without a grant", n)
	}
	if d := srv.Messages(account, "drafts"); len(d) != 0 {
		t.Errorf("refused send left %d drafts", len(d))
	}

	srv.GrantSendOnBehalf(owner, account)
	m.MessageID = ""
	sent, err := p.Send(ctx(t), m)
	if err != nil {
		t.Fatal(err)
	}
	s := srv.Sends()
	if len(s) != 1 || !strings.EqualFold(s[0].From, owner) || !strings.EqualFold(s[0].Sender, account) {
		t.Fatalf("sends = %+v; want From %s, Sender %s", s, owner, account)
	}
	if trim(s[0].MessageID) != sent.MessageID {
		t.Errorf("MessageID %q; want %q", s[0].MessageID, sent.MessageID)
	}
}

func TestSendRetriesThrottlingWithRetryAfter(t *testing.T) {
	srv := startFake(t)
	var waits []time.Duration
	p := newProvider(t, srv, nil, graph.WithBackoff(&graph.Options{SendWithDrafts: true}, recordSleeps(&waits)))
	srv.Fail("sendDraft", 1, fakegraph.Fault{Status: 429, Code: "ApplicationThrottled", Message: "Application is over its MailboxConcurrency limit.", RetryAfter: "7"})
	srv.Fail("createMessage", 1, fakegraph.Fault{Status: 503, Code: "ServiceUnavailable", Message: "Service unavailable", RetryAfter: "2"})
	sent, err := p.Send(ctx(t), msg("Throttled"))
	if err != nil {
		t.Fatal(err)
	}
	if len(waits) != 2 || waits[0] != 2*time.Second || waits[1] != 7*time.Second {
		t.Errorf("waits = %v; want [2s 7s] from Retry-After", waits)
	}
	if n := len(srv.Sends()); n != 1 || trim(srv.Sends()[0].MessageID) != sent.MessageID {
		t.Errorf("%d deliveries; want 1", n)
	}
}

func TestSendThrottledWithoutRetryAfterBacksOff(t *testing.T) {
	srv := startFake(t)
	var waits []time.Duration
	p := newProvider(t, srv, nil, graph.WithBackoff(&graph.Options{}, recordSleeps(&waits)))
	srv.Fail("sendMail", 2, fakegraph.Fault{Status: 429, Code: "TooManyRequests", Message: "Too many requests"})
	if _, err := p.Send(ctx(t), msg("Throttled, no hint")); err != nil {
		t.Fatal(err)
	}
	if len(waits) != 2 {
		t.Fatalf("waits = %v; want 2 backoff waits", waits)
	}
	for _, w := range waits {
		if w <= 0 || w > 30*time.Second {
			t.Errorf("backoff wait %v outside (0, 30s]", w)
		}
	}
}

func TestSendGivesUpAfterAttempts(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, nil)
	srv.Fail("sendMail", 10, fakegraph.Fault{Status: 429, Code: "ApplicationThrottled", Message: "throttled", RetryAfter: "1"})
	_, err := p.Send(ctx(t), msg("Always throttled"))
	if !errors.Is(err, provider.ErrRateLimited) {
		t.Fatalf("err = %v; want ErrRateLimited", err)
	}
	if d, ok := provider.RetryAfter(err); !ok || d != time.Second {
		t.Errorf("RetryAfter = %v, %v; want 1s", d, ok)
	}
	if len(srv.Sends()) != 0 {
		t.Error("a throttled send was delivered")
	}
}

func TestSendLostAnswerDeliversOnce(t *testing.T) {
	for _, drafts := range []bool{false, true} {
		name := map[bool]string{true: "draft", false: "sendMail"}[drafts]
		t.Run(name, func(t *testing.T) {
			srv := startFake(t)
			p := newProvider(t, srv, nil, &graph.Options{SendWithDrafts: drafts})
			route := map[bool]string{true: "sendDraft", false: "sendMail"}[drafts]
			srv.Fail(route, 1, fakegraph.Fault{Status: 504, Code: "GatewayTimeout", Message: "gateway timeout", AfterApply: true})
			m := msg("Lost answer")
			m.IdempotencyKey = "step-1/bob"
			sent, err := p.Send(ctx(t), m)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(srv.Sends()); n != 1 {
				t.Fatalf("%d deliveries after a lost answer; want 1", n)
			}
			again, err := p.Send(ctx(t), &provider.Message{To: m.To, Subject: m.Subject, Text: m.Text, IdempotencyKey: m.IdempotencyKey})
			if err != nil || !again.Duplicate || again.MessageID != sent.MessageID {
				t.Fatalf("resend of the key = %+v, %v; want the same message as a Duplicate", again, err)
			}
			if n := len(srv.Sends()); n != 1 {
				t.Errorf("%d deliveries after resending the key; want 1", n)
			}
		})
	}
}

func TestSendServerErrorRetriedOnce(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, &graph.Options{SendWithDrafts: true})
	// A 500 that did not send: the look-up finds nothing, the same draft
	// is sent again.
	srv.Fail("sendDraft", 1, fakegraph.Fault{Status: 500, Code: "InternalServerError", Message: "boom"})
	if _, err := p.Send(ctx(t), msg("Retried")); err != nil {
		t.Fatal(err)
	}
	st := srv.Stats()
	if n := len(srv.Sends()); n != 1 || st.ByRoute["createMessage"] != 1 || st.ByRoute["sendDraft"] != 2 {
		t.Errorf("deliveries %d, requests %v; want 1 delivery from one draft sent twice", n, st.ByRoute)
	}
}

func TestSendRejectedDeletesDraft(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, &graph.Options{SendWithDrafts: true})
	srv.Fail("sendDraft", 1, fakegraph.Fault{Status: 400, Code: "ErrorInvalidRecipients", Message: "At least one recipient is not valid."})
	_, err := p.Send(ctx(t), msg("Refused"))
	if !errors.Is(err, provider.ErrInvalid) {
		t.Fatalf("err = %v; want ErrInvalid", err)
	}
	if d := srv.Messages(account, "drafts"); len(d) != 0 {
		t.Errorf("%d drafts left after a refused send", len(d))
	}
}

func TestUnauthorizedRefreshesOnceThenErrAuth(t *testing.T) {
	srv := startFake(t)
	srv.SetToken("fresh-token", account, "Mail.ReadWrite", "Mail.Send", "User.Read")
	src := &countingSource{tokens: []string{"stale-token", "fresh-token"}}
	p := newProvider(t, srv, src, nil)
	if err := p.Verify(ctx(t)); err != nil {
		t.Fatalf("Verify with a stale then fresh token: %v", err)
	}
	if src.calls != 2 {
		t.Errorf("token source called %d times; want 2 (one refresh)", src.calls)
	}

	srv.RevokeToken("fresh-token")
	dead := &countingSource{tokens: []string{"fresh-token"}}
	p2 := newProvider(t, srv, dead, nil)
	_, err := p2.Send(ctx(t), msg("Revoked"))
	if !errors.Is(err, provider.ErrAuth) || !provider.NeedsReconnect(err) {
		t.Fatalf("Send with a revoked token = %v; want ErrAuth", err)
	}
	if dead.calls != 2 {
		t.Errorf("token source called %d times; want 2 (one refresh, then give up)", dead.calls)
	}
	if len(srv.Sends()) != 0 {
		t.Error("sent with a revoked token")
	}
}

func TestVerifyAccountMismatch(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, &graph.Options{Email: "someone.else@inboxkit.test"})
	if err := p.Verify(ctx(t)); !errors.Is(err, provider.ErrAccountMismatch) {
		t.Fatalf("Verify = %v; want ErrAccountMismatch", err)
	}
}

func TestMissingScopeIsErrPermission(t *testing.T) {
	srv := startFake(t)
	srv.SetToken("send-only", account, "Mail.Send", "User.Read")
	p := newProvider(t, srv, staticToken("send-only"), nil)
	_, err := p.Fetch(ctx(t), "", nil)
	if !errors.Is(err, provider.ErrPermission) {
		t.Fatalf("Fetch without a read scope = %v; want ErrPermission", err)
	}
}

func TestSendLimitsStopBeforeGraph(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, &graph.Options{SendLimits: graph.SendLimits{MessagesPerMinute: 2}})
	for i := range 2 {
		if _, err := p.Send(ctx(t), msg("Batch")); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	before := srv.Stats().Requests
	_, err := p.Send(ctx(t), msg("One too many"))
	if !errors.Is(err, provider.ErrRateLimited) {
		t.Fatalf("third send in a minute = %v; want ErrRateLimited", err)
	}
	if d, ok := provider.RetryAfter(err); !ok || d <= 0 || d > time.Minute {
		t.Errorf("RetryAfter = %v, %v; want within a minute", d, ok)
	}
	if srv.Stats().Requests != before {
		t.Error("the refused send reached Graph")
	}
	if u := p.Usage(); u.MessagesLastMinute != 2 || u.RecipientsLastDay != 2 {
		t.Errorf("Usage = %+v", u)
	}
}

func TestExchangeSendLimitsSurface(t *testing.T) {
	srv := startFake(t)
	srv.SetSendLimits(1, 3)
	// Our own limits off: Exchange's answers must surface on their own.
	p := newProvider(t, srv, nil, &graph.Options{SendLimits: graph.SendLimits{MessagesPerMinute: -1, RecipientsPerDay: -1}})
	if _, err := p.Send(ctx(t), msg("First")); err != nil {
		t.Fatal(err)
	}
	// Over the message rate Exchange accepts but defers (202 with
	// Retry-After): the message counts as sent, and the next send waits.
	if _, err := p.Send(ctx(t), msg("Second")); err != nil {
		t.Fatalf("deferred send = %v; want it accepted", err)
	}
	if u := p.Usage(); u.HeldFor <= 0 || u.HeldFor > time.Minute {
		t.Fatalf("Usage.HeldFor = %v; want the Retry-After Exchange sent", u.HeldFor)
	}
	before := srv.Stats().Requests
	_, err := p.Send(ctx(t), msg("Third"))
	if !errors.Is(err, provider.ErrRateLimited) {
		t.Fatalf("send while Exchange defers = %v; want ErrRateLimited", err)
	}
	if srv.Stats().Requests != before {
		t.Error("the held send reached Graph")
	}

	// Over the daily recipients Exchange refuses: ErrRateLimited, not a
	// missing permission.
	srv.SetSendLimits(0, 3)
	q := newProvider(t, srv, nil, graph.WithBackoff(&graph.Options{SendLimits: graph.SendLimits{MessagesPerMinute: -1, RecipientsPerDay: -1}}, providerkit.Backoff{Attempts: 1}))
	big := msg("Too many recipients")
	big.Cc = []provider.Address{{Email: "c1@prospect.example"}, {Email: "c2@prospect.example"}}
	_, err = q.Send(ctx(t), big)
	if !errors.Is(err, provider.ErrRateLimited) {
		t.Fatalf("send over the daily recipients = %v; want ErrRateLimited", err)
	}
	if n := len(srv.Sends()); n != 2 {
		t.Errorf("%d deliveries; want 2", n)
	}
}

func TestConcurrentRequestsStayWithinMailboxLimit(t *testing.T) {
	srv := startFake(t)
	limiter := graph.NewLimiter(graph.MaxConcurrent)
	// Two Providers for one mailbox share the Limiter, as a host with one
	// Limiter per process does.
	p1 := newProvider(t, srv, nil, &graph.Options{Limiter: limiter, SendLimits: graph.SendLimits{MessagesPerMinute: -1}})
	p2 := newProvider(t, srv, nil, &graph.Options{Limiter: limiter, SendLimits: graph.SendLimits{MessagesPerMinute: -1}})
	var wg sync.WaitGroup
	errs := make(chan error, 24)
	for i := range 24 {
		p := p1
		if i%2 == 1 {
			p = p2
		}
		wg.Go(func() {
			_, err := p.Send(ctx(t), msg("Parallel"))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	st := srv.Stats()
	if st.MaxConcurrent > graph.MaxConcurrent || st.Throttled != 0 {
		t.Errorf("fake saw %d concurrent requests and %d throttled; want ≤ %d and none", st.MaxConcurrent, st.Throttled, graph.MaxConcurrent)
	}
	if len(srv.Sends()) != 24 {
		t.Errorf("%d deliveries; want 24", len(srv.Sends()))
	}
}

// Exchange files the Sent Items copy after the send: a lost answer is
// then not found by the look-up, and the draft path still delivers once,
// since the sent draft can no longer be sent.
func TestSendLostAnswerBeforeSentItemsFiled(t *testing.T) {
	srv := startFake(t)
	srv.SetSentItemsDelay(5)
	p := newProvider(t, srv, nil, &graph.Options{SendWithDrafts: true})
	srv.Fail("sendDraft", 1, fakegraph.Fault{Status: 504, Code: "UnknownError", Message: "gateway timeout", AfterApply: true})
	m := msg("Lost answer, slow Sent Items")
	m.IdempotencyKey = "step-2/bob"
	sent, err := p.Send(ctx(t), m)
	if err != nil {
		t.Fatalf("Send = %v; want the delivered message", err)
	}
	if n := len(srv.Sends()); n != 1 {
		t.Fatalf("%d deliveries; want 1", n)
	}
	srv.FileSentItems()
	copies := srv.Messages(account, "sentitems")
	if len(copies) != 1 || copies[0].ImmutableID != sent.ProviderID {
		t.Errorf("Sent Items %d copies; want 1 with id %s", len(copies), sent.ProviderID)
	}
}

// #12 item 7: sendMail has no draft to fall back on: when the answer is
// lost and the copy is not filed yet, Send reports ErrOutcomeUnknown (not
// ErrTemporary) instead of sending a second time, and a retry with the
// same key once it is filed returns it as a Duplicate.
func TestSendMailLostAnswerNotResent(t *testing.T) {
	srv := startFake(t)
	srv.SetSentItemsDelay(100)
	p := newProvider(t, srv, nil, &graph.Options{SentLookupWait: -1})
	srv.Fail("sendMail", 1, fakegraph.Fault{Status: 504, Code: "UnknownError", Message: "gateway timeout", AfterApply: true})
	m := msg("Direct, lost answer")
	m.IdempotencyKey = "step-3/bob"
	_, err := p.Send(ctx(t), m)
	if !errors.Is(err, provider.ErrOutcomeUnknown) || errors.Is(err, provider.ErrTemporary) || provider.IsTemporary(err) {
		t.Fatalf("Send = %v; want ErrOutcomeUnknown (maybe sent), not ErrTemporary", err)
	}
	if n := len(srv.Sends()); n != 1 {
		t.Fatalf("%d deliveries; want 1", n)
	}
	srv.FileSentItems()
	again, err := p.Send(ctx(t), &provider.Message{To: m.To, Subject: m.Subject, Text: m.Text, IdempotencyKey: m.IdempotencyKey})
	if err != nil || !again.Duplicate {
		t.Fatalf("retry = %+v, %v; want a Duplicate", again, err)
	}
	if n := len(srv.Sends()); n != 1 {
		t.Errorf("%d deliveries after the retry; want 1", n)
	}
}
