package beacon_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking/activity"
	"github.com/inboxkit/inboxkit/tracking/beacon"
)

// fakeMailbox is a provider.Provider that records what it is asked to send.
type fakeMailbox struct {
	mu       sync.Mutex
	sent     []*provider.Message
	err      error
	dup      bool
	verified int
	fetched  int
	closed   bool
}

var _ provider.Provider = (*fakeMailbox)(nil)

func (f *fakeMailbox) Kind() provider.Kind { return provider.KindSMTPIMAP }
func (f *fakeMailbox) Account() provider.Account {
	return provider.Account{Email: "me@example.com", Name: "Me"}
}
func (f *fakeMailbox) Verify(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.verified++
	return nil
}
func (f *fakeMailbox) Send(_ context.Context, m *provider.Message) (*provider.Sent, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	cp := *m
	f.sent = append(f.sent, &cp)
	id := m.MessageID
	if id == "" {
		id = providerkit.NewMessageID("me@example.com")
	}
	return &provider.Sent{MessageID: id, ThreadID: id, SentAt: trackNow, Duplicate: f.dup}, nil
}
func (f *fakeMailbox) Fetch(context.Context, string, provider.SentIndex) (*provider.Batch, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fetched++
	return &provider.Batch{Cursor: "c1"}, nil
}
func (f *fakeMailbox) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	return errors.New("fake: closed")
}

func (f *fakeMailbox) last(t *testing.T) *provider.Message {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.sent) == 0 {
		t.Fatal("nothing sent")
	}
	return f.sent[len(f.sent)-1]
}

var trackNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

const trackBase = "https://t.example.com/t"

// trackRig wires a fake mailbox, the decorator, a Ledger and the handler.
type trackRig struct {
	box     *fakeMailbox
	p       *beacon.Instrumented
	ledger  *activity.Ledger
	handler *beacon.Handler
	now     time.Time
}

func newTrackRig(t testing.TB, opts *beacon.Options) *trackRig {
	t.Helper()
	r := &trackRig{box: &fakeMailbox{}, ledger: activity.NewLedger(nil), now: trackNow}
	signer := testSigner(t)
	o := beacon.Options{}
	if opts != nil {
		o = *opts
	}
	o.BaseURL = trackBase
	o.Sink = r.ledger
	o.Now = func() time.Time { return trackNow }
	p, err := beacon.Wrap(r.box, signer, &o)
	if err != nil {
		t.Fatal(err)
	}
	r.p = p
	h, err := beacon.NewHandler(signer, r.ledger, &beacon.HandlerOptions{Now: func() time.Time { return r.now }})
	if err != nil {
		t.Fatal(err)
	}
	r.handler = h
	return r
}

// get runs one request through the handler in process.
func (r *trackRig) do(method, target, userAgent, remote string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	req.Header.Set("User-Agent", userAgent)
	if remote != "" {
		req.RemoteAddr = remote
	}
	w := httptest.NewRecorder()
	r.handler.ServeHTTP(w, req)
	return w
}

var (
	pixelRE = regexp.MustCompile(`<img src="(https://t\.example\.com/t/o/[A-Za-z0-9_-]+)"`)
	clickRE = regexp.MustCompile(`href="(https://t\.example\.com/t/c/[^"]+)"`)
)

// clickTargetOf follows a rewritten link through the handler and returns
// where it redirects.
func clickTargetOf(t *testing.T, r *trackRig, link string) string {
	t.Helper()
	w := r.do(http.MethodGet, link, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/130.0", "")
	if w.Code != http.StatusFound {
		t.Fatalf("GET %s = %d; want 302", link, w.Code)
	}
	loc := w.Header().Get("Location")
	if _, err := url.Parse(loc); err != nil {
		t.Fatalf("Location %q: %v", loc, err)
	}
	return loc
}

const humanUA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }
