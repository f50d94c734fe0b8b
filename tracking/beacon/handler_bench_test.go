package beacon_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/tracking/beacon"
)

func clickRequest(b *testing.B) *http.Request {
	const target = "https://www.example.org/pricing?utm_source=mail&utm_campaign=spring-2026"
	c := beacon.Claims{Kind: beacon.TokenClick, MessageID: "0123456789abcdefghij@example.com", Account: "me@example.com",
		Recipient: "ann@example.org", Campaign: "spring-2026", Expires: trackNow.Add(time.Hour)}
	tok, err := testSigner(b).Sign(c, target)
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest("GET", trackBase+"/c/"+tok+"?u="+url.QueryEscape(target), nil)
	r.Header.Set("User-Agent", humanUA)
	r.RemoteAddr = "198.51.100.7:52000"
	return r
}

// BenchmarkHandler measures ServeHTTP alone, in process, with a reused
// ResponseWriter: the handler's own cost per request.
func BenchmarkHandler(b *testing.B) {
	h := newBenchHandler(b, &countingSink{})
	for _, bc := range []struct {
		name string
		req  *http.Request
		code int
	}{
		{"pixel", pixelRequest(b, true), 200},
		{"pixel-bad-token", pixelRequest(b, false), 200},
		{"click", clickRequest(b), 302},
	} {
		b.Run(bc.name, func(b *testing.B) {
			w := &nopWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				w.reset()
				h.ServeHTTP(w, bc.req)
			}
			if w.code != bc.code {
				b.Fatalf("code %d", w.code)
			}
		})
	}
}

// BenchmarkHandlerServer measures whole HTTP round trips through an
// httptest server (client, loopback, net/http server and handler), one
// request at a time and in parallel.
func BenchmarkHandlerServer(b *testing.B) {
	h := newBenchHandler(b, &countingSink{})
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, bc := range []struct {
		name string
		req  *http.Request
		code int
	}{
		{"pixel", pixelRequest(b, true), 200},
		{"click", clickRequest(b), 302},
	} {
		u := srv.URL + bc.req.URL.RequestURI()
		get := func(b *testing.B) {
			resp, err := client.Get(u)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != bc.code {
				b.Fatalf("code %d", resp.StatusCode)
			}
		}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				get(b)
			}
		})
		b.Run(bc.name+"-parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					get(b)
				}
			})
		})
	}
}
