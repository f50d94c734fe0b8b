package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"golang.org/x/net/html"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking/activity"
	"github.com/inboxkit/inboxkit/tracking/beacon"
)

// tracked is the host's tracking setup: a signing key, the HTTP handler
// for pixels, clicks and unsubscribes (here on an in-process server), and
// the sender wrapped so tracked messages are instrumented.
type tracked struct {
	provider *beacon.Instrumented
	server   *httptest.Server
}

func newTracked(sender provider.Provider, ledger *activity.Ledger) (*tracked, error) {
	key := make([]byte, 32)
	copy(key, "quickstart tracking key, 32 byte")
	signer, err := beacon.NewSigner("t1", map[string][]byte{"t1": key})
	if err != nil {
		return nil, err
	}
	h, err := beacon.NewHandler(signer, ledger, nil)
	if err != nil {
		return nil, err
	}
	srv := httptest.NewServer(h)
	p, err := beacon.Wrap(sender, signer, &beacon.Options{BaseURL: srv.URL + "/t", Sink: ledger})
	if err != nil {
		srv.Close()
		return nil, err
	}
	return &tracked{provider: p, server: srv}, nil
}

// runTracking plays what recipients' mail clients do with the tracked
// mail: Eve opens it and clicks the link; Fay's provider prefetches the
// images through Google's image proxy (flagged, not counted as a human
// open); Fay then unsubscribes with one click (RFC 8058).
func runTracking(ctx context.Context, w io.Writer, wd *world, seq *sequence) error {
	defer seq.tracked.server.Close()
	fmt.Fprintln(w, "8. Tracking")
	eve, err := trackedLinks(wd, "eve@client.test")
	if err != nil {
		return err
	}
	if err := hit(ctx, http.MethodGet, eve.pixel, "Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 Mail"); err != nil {
		return err
	}
	if err := hit(ctx, http.MethodGet, eve.click, "Mozilla/5.0 (Macintosh) Safari/605.1.15"); err != nil {
		return err
	}
	fay, err := trackedLinks(wd, "fay@client.test")
	if err != nil {
		return err
	}
	if err := hit(ctx, http.MethodGet, fay.pixel, "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)"); err != nil {
		return err
	}
	if err := hitForm(ctx, fay.unsubscribe, "List-Unsubscribe=One-Click"); err != nil {
		return err
	}
	for _, p := range prospects {
		st, _ := seq.ledger.State(p.Email)
		d := seq.ledger.MayContinue(p.Email, time.Now())
		next := "continue"
		if !d.Continue {
			next = "stop (" + d.Reason + ")"
		} else if d.Reason != "" {
			next = "continue (" + d.Reason + ")"
		}
		fmt.Fprintf(w, "   %-17s %s → %s\n", p.Email, describeState(st), next)
	}
	r := seq.ledger.Rates(campaign)
	fmt.Fprintf(w, "   campaign %s: sent %d, opened %.0f%% (%d incl. proxy prefetch), clicked %.0f%%, replied %.0f%% (interested %.0f%% of them), bounced %.0f%%, unsubscribed %.0f%%\n",
		campaign, r.Sent, 100*r.OpenRate(), r.OpenedAny, 100*r.ClickRate(), 100*r.ReplyRate(), 100*r.InterestRate(), 100*r.BounceRate(), 100*r.UnsubscribeRate())
	return nil
}

type links struct{ pixel, click, unsubscribe string }

// trackedLinks reads the step-1 mail as it arrived in the recipient's
// INBOX and finds the pixel, the rewritten link and the List-Unsubscribe
// URL — what the recipient's mail client sees.
func trackedLinks(wd *world, recipient string) (links, error) {
	msgs, err := wd.srv.Mailbox(recipient, "INBOX")
	if err != nil || len(msgs) == 0 {
		return links{}, fmt.Errorf("no mail for %s: %v", recipient, err)
	}
	raw := msgs[0]
	var l links
	hdr, htmlPart, err := htmlPart(raw)
	if err != nil {
		return l, err
	}
	for _, part := range strings.Split(hdr.Get("List-Unsubscribe"), ",") {
		part = strings.Trim(strings.TrimSpace(part), "<>")
		if strings.HasPrefix(part, "http") {
			l.unsubscribe = part
		}
	}
	z := html.NewTokenizer(strings.NewReader(htmlPart))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		for _, a := range tok.Attr {
			switch {
			case tok.Data == "img" && a.Key == "src" && strings.HasPrefix(a.Val, "http"):
				l.pixel = a.Val
			case tok.Data == "a" && a.Key == "href" && l.click == "" && strings.HasPrefix(a.Val, "http"):
				l.click = a.Val
			}
		}
	}
	if l.pixel == "" || l.click == "" || l.unsubscribe == "" {
		return l, fmt.Errorf("tracked mail to %s lacks pixel, link or List-Unsubscribe: %+v", recipient, l)
	}
	return l, nil
}

func hit(ctx context.Context, method, url, userAgent string) error {
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", userAgent)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		return fmt.Errorf("%s %s: %s", method, url, resp.Status)
	}
	return nil
}

func hitForm(ctx context.Context, url, body string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		return fmt.Errorf("POST %s: %s", url, resp.Status)
	}
	return nil
}

func describeState(st activity.RecipientState) string {
	return fmt.Sprintf("sent %d, opens %d, clicks %d, auto-replies %d", st.Sent, st.Opens, st.Clicks, st.AutoReplies)
}
