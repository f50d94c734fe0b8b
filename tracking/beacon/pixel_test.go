package beacon_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/tracking/activity"
	"github.com/inboxkit/inboxkit/tracking/beacon"
)

// nopWriter is a reusable ResponseWriter, so allocation counts show the
// handler's own work rather than the recorder's.
type nopWriter struct {
	h    http.Header
	code int
	n    int
}

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) WriteHeader(code int)        { w.code = code }
func (w *nopWriter) Write(b []byte) (int, error) { w.n += len(b); return len(b), nil }
func (w *nopWriter) reset() {
	clear(w.h)
	w.code, w.n = 0, 0
}

// countingSink counts events without keeping them.
type countingSink struct{ n atomic.Int64 }

func (s *countingSink) Record(context.Context, activity.Event) error { s.n.Add(1); return nil }

func pixelRequest(t testing.TB, valid bool) *http.Request {
	c := beacon.Claims{Kind: beacon.TokenOpen, MessageID: "0123456789abcdefghij@example.com", Account: "me@example.com",
		Recipient: "ann@example.org", Campaign: "spring-2026", Expires: trackNow.Add(time.Hour)}
	tok, err := testSigner(t).Sign(c, "")
	if err != nil {
		t.Fatal(err)
	}
	if !valid {
		tok = tok[:len(tok)-2] + "AA"
	}
	r := httptest.NewRequest("GET", trackBase+"/o/"+tok, nil)
	r.Header.Set("User-Agent", humanUA)
	r.RemoteAddr = "198.51.100.7:52000"
	return r
}

func newBenchHandler(t testing.TB, sink activity.Sink) *beacon.Handler {
	h, err := beacon.NewHandler(testSigner(t), sink, &beacon.HandlerOptions{Now: func() time.Time { return trackNow }})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestHandler_pixelAllocs holds the pixel path to a few allocations: the
// token's claims (one string) and nothing per header or per GIF.
func TestHandler_pixelAllocs(t *testing.T) {
	sink := &countingSink{}
	h := newBenchHandler(t, sink)
	w := &nopWriter{h: http.Header{}}
	for _, tc := range []struct {
		name  string
		valid bool
		max   float64
	}{{"recorded", true, 2}, {"bad token", false, 0}} {
		r := pixelRequest(t, tc.valid)
		got := testing.AllocsPerRun(200, func() {
			w.reset()
			h.ServeHTTP(w, r)
		})
		if w.code != 200 || w.n != 43 {
			t.Fatalf("%s: %d, %d bytes", tc.name, w.code, w.n)
		}
		if got > tc.max+poolSlack {
			t.Errorf("%s: %.1f allocations per pixel request; want at most %.0f", tc.name, got, tc.max)
		}
	}
	if sink.n.Load() == 0 {
		t.Error("no open recorded")
	}
}
