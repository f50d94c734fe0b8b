package graph

import (
	"io"
	"net/http"
	"strings"
	"sync"

	khttp "github.com/microsoft/kiota-http-go"
)

// MaxConcurrent is Exchange Online's limit of concurrent requests per app
// per mailbox (https://learn.microsoft.com/graph/throttling-limits,
// Outlook service limits); a fifth request is throttled with 429.
const MaxConcurrent = 4

// Limiter bounds the requests in flight to each mailbox. It is safe for
// concurrent use; share one per process (Options.Limiter) so every
// Provider for a mailbox draws on the same budget.
type Limiter struct {
	n int

	mu    sync.Mutex
	slots map[string]chan struct{}
}

// NewLimiter returns a Limiter allowing n concurrent requests per mailbox;
// n < 1 means MaxConcurrent.
func NewLimiter(n int) *Limiter {
	if n < 1 {
		n = MaxConcurrent
	}
	return &Limiter{n: n, slots: make(map[string]chan struct{})}
}

func (l *Limiter) slot(mailbox string) chan struct{} {
	key := strings.ToLower(mailbox)
	l.mu.Lock()
	defer l.mu.Unlock()
	ch, ok := l.slots[key]
	if !ok {
		ch = make(chan struct{}, l.n)
		l.slots[key] = ch
	}
	return ch
}

// middleware returns the kiota middleware that holds a slot of mailbox
// from the request until its response body is closed.
func (l *Limiter) middleware(mailbox string) khttp.Middleware {
	return &limitHandler{slots: l.slot(mailbox)}
}

type limitHandler struct {
	slots chan struct{}
}

// Intercept implements khttp.Middleware.
func (h *limitHandler) Intercept(pipeline khttp.Pipeline, index int, req *http.Request) (*http.Response, error) {
	select {
	case h.slots <- struct{}{}:
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	resp, err := pipeline.Next(req, index)
	if err != nil || resp == nil || resp.Body == nil {
		<-h.slots
		return resp, err
	}
	resp.Body = &releaseOnClose{ReadCloser: resp.Body, release: func() { <-h.slots }}
	return resp, nil
}

// releaseOnClose gives the slot back when the body is closed or read to
// its end, whichever comes first, exactly once.
type releaseOnClose struct {
	io.ReadCloser
	once    sync.Once
	release func()
}

func (r *releaseOnClose) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	if err == io.EOF {
		r.once.Do(r.release)
	}
	return n, err
}

func (r *releaseOnClose) Close() error {
	err := r.ReadCloser.Close()
	r.once.Do(r.release)
	return err
}
