package beacon_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"regexp"
	"time"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking/activity"
	"github.com/inboxkit/inboxkit/tracking/beacon"
)

// outbox stands in for a Gmail, Graph or SMTP provider: it keeps what it
// is asked to send.
type outbox struct{ sent []*provider.Message }

func (o *outbox) Kind() provider.Kind              { return provider.KindSMTPIMAP }
func (o *outbox) Account() provider.Account        { return provider.Account{Email: "me@example.com"} }
func (o *outbox) Verify(ctx context.Context) error { return nil }
func (o *outbox) Close() error                     { return nil }
func (o *outbox) Send(_ context.Context, m *provider.Message) (*provider.Sent, error) {
	o.sent = append(o.sent, m)
	return &provider.Sent{MessageID: m.MessageID, SentAt: time.Now()}, nil
}
func (o *outbox) Fetch(context.Context, string, provider.SentIndex) (*provider.Batch, error) {
	return &provider.Batch{}, nil
}

func ExampleWrap() {
	ctx := context.Background()
	ledger := activity.NewLedger(nil) // the host's activity.Sink; here in memory
	signer, err := beacon.NewSigner("k1", map[string][]byte{"k1": []byte("use crypto.GenerateKey for a real key!!")})
	if err != nil {
		log.Fatal(err)
	}
	handler, err := beacon.NewHandler(signer, ledger, nil)
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	defer srv.Close()

	box := &outbox{}
	p, err := beacon.Wrap(box, signer, &beacon.Options{BaseURL: srv.URL + "/t", Sink: ledger})
	if err != nil {
		log.Fatal(err)
	}
	m := &provider.Message{
		To:      []provider.Address{{Email: "ann@example.org"}},
		Subject: "Pricing",
		Text:    "See https://example.org/pricing",
		HTML:    `<p>See <a href="https://example.org/pricing">pricing</a>.</p>`,
	}
	if err := beacon.Track(m, beacon.All("spring")); err != nil {
		log.Fatal(err)
	}
	if _, err := p.Send(ctx, m); err != nil {
		log.Fatal(err)
	}
	for _, h := range box.sent[0].Headers {
		fmt.Println(h.Name+":", regexp.MustCompile(`<http[^>]*>`).ReplaceAllString(h.Value, "<URL>"))
	}

	// Ann's mail client loads the pixel, then she clicks the link.
	html := box.sent[0].HTML
	pixel := regexp.MustCompile(`<img src="([^"]+)"`).FindStringSubmatch(html)[1]
	link := regexp.MustCompile(`<a href="([^"]+)"`).FindStringSubmatch(html)[1]
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, u := range []string{pixel, link} {
		req, _ := http.NewRequest("GET", u, nil)
		req.Header.Set("User-Agent", "Mozilla/5.0 (Windows NT 10.0) Thunderbird/128.0")
		resp, err := client.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode, resp.Header.Get("Content-Type")+resp.Header.Get("Location"))
	}

	s, _ := ledger.State("ann@example.org")
	fmt.Printf("sent %d, opens %d, clicks %d, may continue: %v\n", s.Sent, s.Opens, s.Clicks, s.MayContinue(time.Now()).Continue)
	r := ledger.Rates("spring")
	fmt.Printf("open rate %.0f%%, click rate %.0f%%\n", 100*r.OpenRate(), 100*r.ClickRate())
	// Output:
	// List-Unsubscribe: <URL>
	// List-Unsubscribe-Post: List-Unsubscribe=One-Click
	// 200 image/gif
	// 302 https://example.org/pricing
	// sent 1, opens 1, clicks 1, may continue: true
	// open rate 100%, click rate 100%
}
