package graph_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/graph"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
)

// encodings records each request's Content-Encoding by path.
type encodings struct {
	base http.RoundTripper
	mu   sync.Mutex
	seen map[string]string
}

func (e *encodings) RoundTrip(r *http.Request) (*http.Response, error) {
	e.mu.Lock()
	e.seen[r.URL.Path] = r.Header.Get("Content-Encoding")
	e.mu.Unlock()
	return e.base.RoundTrip(r)
}

// A large message goes gzipped and arrives intact (the fake, like Graph,
// inflates Content-Encoding: gzip bodies); a small one goes as it is.
func TestLargeBodiesGzipped(t *testing.T) {
	srv := startFake(t)
	rec := &encodings{base: srv.Client().Transport, seen: map[string]string{}}
	p, err := graph.New(context.Background(), oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "test-token"}), graph.WithBackoff(&graph.Options{
		Email: account, BaseURL: srv.URL(), HTTPClient: &http.Client{Transport: rec},
	}, noWait))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Send(ctx(t), msg("Small one")); err != nil {
		t.Fatal(err)
	}
	if enc := rec.seen["/v1.0/me/sendMail"]; enc != "" {
		t.Errorf("small body sent with Content-Encoding %q", enc)
	}
	m := msg("Big one")
	m.Attachments = []provider.Attachment{{Filename: "notes.txt", ContentType: "text/plain", Data: []byte(strings.Repeat("inboxkit ", 20000))}}
	sent, err := p.Send(ctx(t), m)
	if err != nil {
		t.Fatal(err)
	}
	if enc := rec.seen["/v1.0/me/sendMail"]; enc != "gzip" {
		t.Errorf("large body sent with Content-Encoding %q; want gzip", enc)
	}
	s := srv.Sends()
	if len(s) != 2 || providertest.MessageIDOf(s[1].Raw) != sent.MessageID || len(s[1].Raw) < 180000 {
		t.Fatalf("fake got %d sends; want the whole large message", len(s))
	}
}
