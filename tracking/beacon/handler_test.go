package beacon_test

import (
	"bytes"
	"context"
	"errors"
	"image/gif"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/tracking/activity"
	"github.com/inboxkit/inboxkit/tracking/beacon"
)

// signedURL returns a handler URL for a fresh token of kind.
func signedURL(t *testing.T, kind beacon.TokenKind, target string, expires time.Time) string {
	t.Helper()
	c := beacon.Claims{Kind: kind, MessageID: "m1@example.com", Account: "me@example.com",
		Recipient: "ann@example.org", Campaign: "c", Expires: expires}
	tok, err := testSigner(t).Sign(c, target)
	if err != nil {
		t.Fatal(err)
	}
	switch kind {
	case beacon.TokenOpen:
		return trackBase + "/o/" + tok
	case beacon.TokenClick:
		return trackBase + "/c/" + tok + "?u=" + url.QueryEscape(target)
	}
	return trackBase + "/u/" + tok
}

func TestHandler_pixel(t *testing.T) {
	valid := signedURL(t, beacon.TokenOpen, "", trackNow.Add(time.Hour))
	expired := signedURL(t, beacon.TokenOpen, "", trackNow)
	click := signedURL(t, beacon.TokenClick, "https://example.org/", trackNow.Add(time.Hour))
	for _, tc := range []struct {
		name, method, url string
		recorded          bool
	}{
		{"valid", "GET", valid, true},
		{"valid HEAD", "HEAD", valid, false},
		{"valid POST", "POST", valid, false},
		{"expired", "GET", expired, false},
		{"truncated", "GET", valid[:len(valid)-3], false},
		{"tampered", "GET", valid[:len(valid)-2] + "AA", false},
		{"garbage", "GET", trackBase + "/o/%00%ff", false},
		{"empty token", "GET", trackBase + "/o/", false},
		{"click token", "GET", strings.Replace(click, "/c/", "/o/", 1), false},
		{"with a query", "GET", valid + "?x=1", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newTrackRig(t, nil)
			w := r.do(tc.method, tc.url, humanUA, "192.0.2.7:4000")
			if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "image/gif" || w.Header().Get("Cache-Control") == "" {
				t.Errorf("%s = %d %v; want 200 image/gif no-store", tc.method, w.Code, w.Header())
			}
			if tc.method != "HEAD" {
				if w.Body.Len() != 43 {
					t.Errorf("body %d bytes; want 43", w.Body.Len())
				}
				img, err := gif.Decode(bytes.NewReader(w.Body.Bytes()))
				if err != nil || img.Bounds().Dx() != 1 || img.Bounds().Dy() != 1 {
					t.Errorf("GIF: %v, %v", err, img)
				}
			}
			s, _ := r.ledger.State("ann@example.org")
			if got := s.Opens == 1; got != tc.recorded {
				t.Errorf("recorded = %v; want %v", got, tc.recorded)
			}
		})
	}
}

func TestHandler_click(t *testing.T) {
	const target = "https://example.org/offer?id=7&x=%2F"
	valid := signedURL(t, beacon.TokenClick, target, trackNow.Add(time.Hour))
	tok := valid[len(trackBase+"/c/"):strings.IndexByte(valid, '?')]
	for _, tc := range []struct {
		name, method, url string
		code              int
		recorded          bool
	}{
		{"valid", "GET", valid, http.StatusFound, true},
		{"valid HEAD", "HEAD", valid, http.StatusFound, false},
		{"expired but authentic", "GET", signedURL(t, beacon.TokenClick, target, trackNow), http.StatusFound, false},
		{"POST", "POST", valid, http.StatusMethodNotAllowed, false},
		{"another URL", "GET", trackBase + "/c/" + tok + "?u=" + url.QueryEscape("https://evil.example/"), http.StatusBadRequest, false},
		{"URL with an extra parameter", "GET", valid + "%26y%3D1", http.StatusBadRequest, false},
		{"two targets", "GET", valid + "&u=https%3A%2F%2Fevil.example%2F", http.StatusBadRequest, false},
		{"no target", "GET", trackBase + "/c/" + tok, http.StatusBadRequest, false},
		{"bad escape", "GET", trackBase + "/c/" + tok + "?u=%zz", http.StatusBadRequest, false},
		{"unsigned", "GET", trackBase + "/c/?u=" + url.QueryEscape(target), http.StatusBadRequest, false},
		{"truncated token", "GET", trackBase + "/c/" + tok[:len(tok)-5] + "?u=" + url.QueryEscape(target), http.StatusBadRequest, false},
		{"tampered token", "GET", trackBase + "/c/B" + tok[1:] + "?u=" + url.QueryEscape(target), http.StatusBadRequest, false},
		{"open token", "GET", strings.Replace(signedURL(t, beacon.TokenOpen, "", time.Time{}), "/o/", "/c/", 1) + "?u=" + url.QueryEscape(target), http.StatusBadRequest, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newTrackRig(t, nil)
			w := r.do(tc.method, tc.url, humanUA, "")
			if w.Code != tc.code {
				t.Fatalf("%s = %d; want %d", tc.method, w.Code, tc.code)
			}
			loc := w.Header().Get("Location")
			if tc.code == http.StatusFound && loc != target {
				t.Errorf("Location = %q; want %q", loc, target)
			}
			if tc.code != http.StatusFound && loc != "" {
				t.Errorf("Location = %q on a refused click", loc)
			}
			if w.Header().Get("Referrer-Policy") != "no-referrer" {
				t.Error("no Referrer-Policy: the token would leak to the target site")
			}
			s, _ := r.ledger.State("ann@example.org")
			if got := s.Clicks == 1; got != tc.recorded {
				t.Errorf("recorded = %v; want %v", got, tc.recorded)
			}
		})
	}
}

func TestHandler_unsubscribe(t *testing.T) {
	link := signedURL(t, beacon.TokenUnsubscribe, "", time.Time{})
	post := func(r *trackRig, u, ctype, body string) int {
		req, err := http.NewRequest("POST", u, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", ctype)
		req.RemoteAddr = "192.0.2.1:1"
		w := newRecorder()
		r.handler.ServeHTTP(w, req)
		return w.Code
	}
	const form = "application/x-www-form-urlencoded"
	t.Run("GET shows the page and records nothing", func(t *testing.T) {
		r := newTrackRig(t, nil)
		w := r.do("GET", link, "Barracuda", "")
		if w.Code != 200 || !strings.Contains(w.Body.String(), `<form method="post">`) {
			t.Errorf("GET = %d %q", w.Code, w.Body.String())
		}
		if r.ledger.Len() != 0 {
			t.Error("GET recorded an event")
		}
	})
	for _, tc := range []struct {
		name, url, ctype, body string
		code                   int
		oneClick               bool
	}{
		{"RFC 8058 one-click", link, form, "List-Unsubscribe=One-Click", 200, true},
		{"multipart one-click", link, "multipart/form-data; boundary=X",
			"--X\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--X--\r\n", 200, true},
		{"from the page", link, form, "List-Unsubscribe=One-Click&inboxkit-confirm=1", 200, false},
		{"no body", link, form, "", 400, false},
		{"wrong value", link, form, "List-Unsubscribe=Yes", 400, false},
		{"huge body", link, form, "List-Unsubscribe=One-Click&pad=" + strings.Repeat("x", 20_000), 400, false},
		{"bad token", link[:len(link)-2], form, "List-Unsubscribe=One-Click", 400, false},
		{"open token", strings.Replace(signedURL(t, beacon.TokenOpen, "", time.Time{}), "/o/", "/u/", 1), form, "List-Unsubscribe=One-Click", 400, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newTrackRig(t, nil)
			if code := post(r, tc.url, tc.ctype, tc.body); code != tc.code {
				t.Fatalf("POST = %d; want %d", code, tc.code)
			}
			s, _ := r.ledger.State("ann@example.org")
			if s.Stopped != (tc.code == 200) {
				t.Errorf("Stopped = %v after %d", s.Stopped, tc.code)
			}
		})
	}
	t.Run("OneClick flag", func(t *testing.T) {
		var got []activity.Event
		h, err := beacon.NewHandler(testSigner(t), activity.SinkFunc(func(_ context.Context, e activity.Event) error {
			got = append(got, e)
			return nil
		}), nil)
		if err != nil {
			t.Fatal(err)
		}
		r := &trackRig{handler: h}
		post(r, link, form, "List-Unsubscribe=One-Click")
		post(r, link, form, "List-Unsubscribe=One-Click&inboxkit-confirm=1")
		if len(got) != 2 || !got[0].OneClick || got[1].OneClick || got[0].Type != activity.EventUnsubscribed || got[0].Recipient != "ann@example.org" {
			t.Errorf("events = %+v", got)
		}
	})
	t.Run("sink failure is a 500", func(t *testing.T) {
		h, err := beacon.NewHandler(testSigner(t), activity.SinkFunc(func(context.Context, activity.Event) error {
			return errors.New("db down")
		}), nil)
		if err != nil {
			t.Fatal(err)
		}
		if code := post(&trackRig{handler: h}, link, form, "List-Unsubscribe=One-Click"); code != 500 {
			t.Errorf("POST = %d; want 500", code)
		}
	})
	t.Run("PUT", func(t *testing.T) {
		r := newTrackRig(t, nil)
		if w := r.do("PUT", link, humanUA, ""); w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") == "" {
			t.Errorf("PUT = %d", w.Code)
		}
	})
}

func TestHandler_routes(t *testing.T) {
	r := newTrackRig(t, nil)
	for _, p := range []string{"/", "/x", "/t/x/abc", "/t/o"} {
		if w := r.do("GET", "https://t.example.com"+p, humanUA, ""); w.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d; want 404", p, w.Code)
		}
	}
	// Any mount prefix works: only the last two segments count.
	tok := signedURL(t, beacon.TokenOpen, "", time.Time{})
	if w := r.do("GET", "https://other.example/a/b/c/o/"+tok[strings.LastIndexByte(tok, '/')+1:], humanUA, ""); w.Code != 200 {
		t.Errorf("deeper prefix = %d", w.Code)
	}
	if s, _ := r.ledger.State("ann@example.org"); s.Opens != 1 {
		t.Errorf("opens = %d; want 1", s.Opens)
	}
}

func TestHandler_flagsAutomation(t *testing.T) {
	valid := signedURL(t, beacon.TokenOpen, "", time.Time{})
	for _, tc := range []struct {
		name, ua, remote string
		want             activity.Automation
	}{
		{"person", humanUA, "198.51.100.4:443", activity.AutomationNone},
		{"Gmail proxy", "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)", "66.249.84.1:1", activity.AutomationGoogleProxy},
		{"Yahoo proxy", "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html", "98.136.1.1:1", activity.AutomationYahooProxy},
		{"Apple MPP by address", humanUA, "17.58.100.2:1", activity.AutomationAppleMPP},
		{"Apple MPP by User-Agent", "Mozilla/5.0", "203.0.113.9:1", activity.AutomationAppleMPP},
		{"Apple MPP IPv4-mapped", humanUA, "[::ffff:17.1.2.3]:1", activity.AutomationAppleMPP},
		{"Barracuda", "Barracuda Sentinel (EE)", "203.0.113.9:1", activity.AutomationScanner},
		{"Mimecast", "mimecast-url-protect", "203.0.113.9:1", activity.AutomationScanner},
		{"Proofpoint", "Mozilla/5.0 Proofpoint URL Defense", "203.0.113.9:1", activity.AutomationScanner},
		{"Safe Links preview", "Mozilla/5.0 (compatible; BingPreview/1.0b)", "40.94.1.1:1", activity.AutomationScanner},
		{"no User-Agent", "", "203.0.113.9:1", activity.AutomationScanner},
		{"script", "python-requests/2.31", "203.0.113.9:1", activity.AutomationScanner},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []activity.Event
			h, err := beacon.NewHandler(testSigner(t), activity.SinkFunc(func(_ context.Context, e activity.Event) error {
				got = append(got, e)
				return nil
			}), nil)
			if err != nil {
				t.Fatal(err)
			}
			r := &trackRig{handler: h}
			if w := r.do("GET", valid, tc.ua, tc.remote); w.Code != 200 {
				t.Fatalf("GET = %d", w.Code)
			}
			if len(got) != 1 {
				t.Fatalf("%d events; want 1 (flagged, not dropped)", len(got))
			}
			if got[0].Automation != tc.want {
				t.Errorf("Automation = %q; want %q", got[0].Automation, tc.want)
			}
		})
	}
}

func TestNewHandler_errors(t *testing.T) {
	if _, err := beacon.NewHandler(nil, activity.NewLedger(nil), nil); err == nil {
		t.Error("nil signer accepted")
	}
	if _, err := beacon.NewHandler(testSigner(t), nil, nil); err == nil {
		t.Error("nil sink accepted")
	}
}

func TestHandler_concurrent(t *testing.T) {
	r := newTrackRig(t, nil)
	pixel := signedURL(t, beacon.TokenOpen, "", time.Time{})
	click := signedURL(t, beacon.TokenClick, "https://example.org/", time.Time{})
	done := make(chan struct{})
	for range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 25 {
				if w := r.do("GET", pixel, humanUA, ""); w.Code != 200 {
					t.Errorf("pixel = %d", w.Code)
				}
				if w := r.do("GET", click, humanUA, ""); w.Code != 302 {
					t.Errorf("click = %d", w.Code)
				}
			}
		}()
	}
	for range 8 {
		<-done
	}
	if s, _ := r.ledger.State("ann@example.org"); s.Opens != 200 || s.Clicks != 200 {
		t.Errorf("opens %d, clicks %d; want 200 each", s.Opens, s.Clicks)
	}
}
