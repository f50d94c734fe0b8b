package fakegraph_test

import (
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/internal/fakegraph"
)

func TestServer_fail(t *testing.T) {
	srv := start(t)
	srv.Fail("sendMail", 1, fakegraph.Throttled("7"))
	srv.Fail("sendMail", 1, fakegraph.Fault{Status: 429})
	srv.Fail("*", 1, fakegraph.ServerBusy())
	r := do(t, srv, "POST", "/me/sendMail", jsonBody(sendJSON(bob)))
	want(t, "first send", r, 429, "ApplicationThrottled")
	if r.header.Get("Retry-After") != "7" {
		t.Errorf("Retry-After = %q; want 7", r.header.Get("Retry-After"))
	}
	r = do(t, srv, "POST", "/me/sendMail", jsonBody(sendJSON(bob)))
	want(t, "second send", r, 429, "ApplicationThrottled")
	if r.header.Get("Retry-After") != "" {
		t.Errorf("Retry-After = %q; want none", r.header.Get("Retry-After"))
	}
	want(t, "any route", do(t, srv, "GET", "/me"), 503, "ErrorServerBusy")
	want(t, "after the faults", do(t, srv, "POST", "/me/sendMail", jsonBody(sendJSON(bob))), 202, "")
	if n := len(srv.Sends()); n != 1 {
		t.Errorf("Sends() = %d; want 1", n)
	}
	// A lost response: the send happened although the client saw 504.
	srv.Fail("sendMail", 1, fakegraph.GatewayTimeout(true))
	want(t, "lost response", do(t, srv, "POST", "/me/sendMail", jsonBody(sendJSON(bob))), 504, "UnknownError")
	if n := len(srv.Sends()); n != 2 {
		t.Errorf("Sends() = %d after an AfterApply fault; want 2", n)
	}
	st := srv.Stats()
	if st.Throttled != 2 || st.ByRoute["sendMail"] != 4 || st.ByRoute["me"] != 1 || st.Requests != 5 {
		t.Errorf("Stats = %+v", st)
	}
}

func TestServer_concurrencyLimit(t *testing.T) {
	srv := start(t)
	srv.SetConcurrencyLimit(2)
	srv.SetLatency(400 * time.Millisecond)
	var wg sync.WaitGroup
	codes := make(chan result, 5)
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes <- do(t, srv, "GET", "/me/messages")
		}()
	}
	wg.Wait()
	close(codes)
	ok, throttled := 0, 0
	for r := range codes {
		switch {
		case r.status == 200:
			ok++
		case r.status == 429 && r.code() == "ApplicationThrottled" && r.message() == "Application is over its MailboxConcurrency limit." && r.header.Get("Retry-After") != "":
			throttled++
		default:
			t.Errorf("unexpected answer %d %s", r.status, r.code())
		}
	}
	if ok < 2 || throttled == 0 || ok+throttled != 5 {
		t.Errorf("ok %d, throttled %d", ok, throttled)
	}
	if st := srv.Stats(); st.MaxConcurrent != 2 || st.Throttled != throttled {
		t.Errorf("Stats = %+v", st)
	}
	// Another mailbox has its own slots.
	srv.SetToken("bob", bob, "Mail.Read")
	srv.SetConcurrencyLimit(1)
	var wg2 sync.WaitGroup
	res := make([]result, 2)
	for i, tok := range []string{"test-token", "bob"} {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			res[i] = do(t, srv, "GET", "/me/messages", token(tok))
		}()
	}
	wg2.Wait()
	if res[0].status != 200 || res[1].status != 200 {
		t.Errorf("two mailboxes at limit 1 = %d, %d; want both 200", res[0].status, res[1].status)
	}
}
