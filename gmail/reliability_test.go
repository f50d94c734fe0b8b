package gmail_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/gmail"
	"github.com/inboxkit/inboxkit/internal/fakegmail"
	"github.com/inboxkit/inboxkit/provider"
	"golang.org/x/oauth2"
)

// losingTransport carries every request to the fake, but loses the answer
// of the first `lose` messages.send calls: it waits until the caller's
// context ends and returns its error, as a client whose deadline passes
// while Gmail is still answering sees it. The request itself always
// reaches the fake, so the message is delivered.
type losingTransport struct {
	base http.RoundTripper
	lose atomic.Int32
}

func (t *losingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(req.URL.Path, "/messages/send") || t.lose.Add(-1) < 0 {
		return t.base.RoundTrip(req)
	}
	resp, err := t.base.RoundTrip(req.WithContext(context.WithoutCancel(req.Context())))
	if err == nil {
		_ = resp.Body.Close()
	}
	<-req.Context().Done()
	return nil, req.Context().Err()
}

// #12 item 7: a Gmail send that times out after the request left is
// ErrOutcomeUnknown (not ErrTemporary), still matching the deadline; the
// retry with the same key finds the message and does not send it again.
func TestItem7_gmailTimeoutIsOutcomeUnknown(t *testing.T) {
	srv := startFake(t)
	tr := &losingTransport{base: srv.Client().Transport}
	tr.lose.Store(1)
	opts := gmail.WithBackoff(&gmail.Options{Email: account, Endpoint: srv.URL(), HTTPClient: &http.Client{Transport: tr}}, noWait)
	p, err := gmail.New(context.Background(), oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "test-token"}), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })

	m := outgoing("Timed out")
	m.IdempotencyKey = "seq-7/step-1/bob"
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	sent, err := p.Send(ctx, m)
	if sent != nil || !errors.Is(err, provider.ErrOutcomeUnknown) || !errors.Is(err, context.DeadlineExceeded) || provider.IsTemporary(err) {
		t.Fatalf("Send = %+v, %v; want ErrOutcomeUnknown wrapping the deadline, not temporary", sent, err)
	}
	if n, _ := p.SendsToday(); n != 1 {
		t.Errorf("SendsToday after a send of unknown outcome = %d; want 1 (it may have gone out)", n)
	}
	retry := outgoing("Timed out")
	retry.IdempotencyKey = m.IdempotencyKey
	again, err := p.Send(context.Background(), retry)
	if err != nil || !again.Duplicate || again.MessageID != m.MessageID {
		t.Fatalf("retry = %+v, %v; want the earlier delivery marked Duplicate", again, err)
	}
	if got := len(srv.Sends()); got != 1 {
		t.Errorf("Gmail saw %d deliveries; want 1", got)
	}
	if n, _ := p.SendsToday(); n != 1 {
		t.Errorf("SendsToday after the duplicate = %d; want 1", n)
	}
}

// #12 item 8: a cancelled or expired context comes back as an error that
// matches the context's error and is not temporary, from every method.
func TestItem8_gmailContextErrors(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, nil)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	for _, c := range []struct {
		ctx  context.Context
		want error
	}{{cancelled, context.Canceled}, {expired, context.DeadlineExceeded}} {
		calls := map[string]func(context.Context) error{
			"Verify": p.Verify,
			"Send": func(ctx context.Context) error {
				_, err := p.Send(ctx, outgoing("never"))
				return err
			},
			"Fetch": func(ctx context.Context) error {
				_, err := p.Fetch(ctx, "", &index{})
				return err
			},
		}
		for name, call := range calls {
			err := call(c.ctx)
			if !errors.Is(err, c.want) || provider.IsTemporary(err) {
				t.Errorf("%s with %v = %v; want an error matching it, not temporary", name, c.want, err)
			}
		}
	}
	if n := len(srv.Sends()); n != 0 {
		t.Errorf("%d messages went out on a dead context", n)
	}
}

// #12 item 8: concurrent sends never take the daily count past the limit:
// each send reserves its place before it goes out and gives it back when
// nothing was sent.
func TestItem8_gmailDailyLimitUnderConcurrency(t *testing.T) {
	srv := startFake(t)
	const limit, senders = 5, 40
	p := newProvider(t, srv, nil, &gmail.Options{DailyLimit: limit})
	// One send fails without delivering: its place must come back.
	srv.Fail("messages.send", 1, fakegmail.Fault{Status: 400})
	var wg sync.WaitGroup
	var ok, limited atomic.Int32
	start := make(chan struct{})
	for range senders {
		wg.Go(func() {
			<-start
			_, err := p.Send(context.Background(), outgoing("race"))
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, provider.ErrRateLimited):
				limited.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()
	if got := len(srv.Sends()); got > limit || int(ok.Load()) != got {
		t.Fatalf("Gmail saw %d sends, %d succeeded; want at most %d, all of them successes", got, ok.Load(), limit)
	}
	if got := ok.Load() + limited.Load() + 1; got != senders {
		t.Errorf("%d successes + %d refusals + 1 failure; want %d sends in all", ok.Load(), limited.Load(), senders)
	}
	// Places given back (the failed send's, and any a refusal raced with)
	// are there for later sends, up to the limit exactly.
	for range limit + 1 {
		if _, err := p.Send(context.Background(), outgoing("after")); errors.Is(err, provider.ErrRateLimited) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if got := len(srv.Sends()); got != limit {
		t.Errorf("Gmail saw %d sends in all; want exactly %d", got, limit)
	}
	if sent, _ := p.SendsToday(); sent != limit {
		t.Errorf("SendsToday = %d; want %d", sent, limit)
	}
}
