package gmail_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"time"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/gmail"
	"github.com/inboxkit/inboxkit/internal/fakegmail"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
	"golang.org/x/oauth2"
)

// memIndex is the host's SentIndex, here a map.
type memIndex map[string]*provider.SentRecord

func (x memIndex) ByMessageID(_ context.Context, id string) (*provider.SentRecord, error) {
	if r, ok := x[id]; ok {
		return r, nil
	}
	return nil, provider.ErrNotFound
}

func (x memIndex) ByThread(_ context.Context, account, thread string) (*provider.SentRecord, error) {
	for _, r := range x {
		if r.ThreadID == thread {
			return r, nil
		}
	}
	return nil, provider.ErrNotFound
}

// Send a message and fetch the reply, against the fake Gmail API (a host
// leaves Endpoint empty and passes the TokenSource of its connect flow).
func Example() {
	ctx := context.Background()
	fake := fakegmail.New(fakegmail.Options{Email: "ada@inboxkit.test"})
	defer fake.Close()

	p, err := gmail.New(ctx, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "test-token"}), &gmail.Options{
		Email:    "ada@inboxkit.test",
		FromName: "Ada Lovelace",
		Endpoint: fake.URL(),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	if err := p.Verify(ctx); err != nil {
		log.Fatal(err)
	}

	m := &provider.Message{
		To:      []provider.Address{{Name: "Bob", Email: "bob@prospect.example"}},
		Subject: "Quick question",
		Text:    "Do you have ten minutes this week?\r\n",
	}
	sent, err := p.Send(ctx, m)
	if err != nil {
		log.Fatal(err)
	}
	idx := memIndex{sent.MessageID: provider.RecordOf("ada@inboxkit.test", m, sent)}
	first, err := p.Fetch(ctx, "", idx)
	if err != nil {
		log.Fatal(err)
	}

	// Bob answers; the next poll returns the reply and nothing else.
	_, _, _ = fake.Deliver(providertest.Reply("bob@prospect.example", "ada@inboxkit.test", m.Subject, sent.MessageID))
	_, _, _ = fake.Deliver(providertest.Unrelated("news@shop.example", "ada@inboxkit.test"))
	batch, err := p.Fetch(ctx, first.Cursor, idx)
	if err != nil {
		log.Fatal(err)
	}
	for _, in := range batch.Messages {
		fmt.Println("reply to", in.Record.Subject, "matched by", in.MatchedBy, "in the same thread:", in.ThreadID == sent.ThreadID)
	}
	fmt.Println("quota units used:", fake.Stats().Units)
	// Output:
	// reply to Quick question matched by in-reply-to in the same thread: true
	// quota units used: 120
}

// Start the connect flow: send the user to the URL, keep the Pending in
// the server-side session, and call Exchange from the callback.
func ExampleFlow_Start() {
	f := &gmail.Flow{Config: gmail.OAuthConfig("CLIENT_ID", "CLIENT_SECRET", "https://app.example/oauth/google", gmail.AccessSendRead)}
	pending, err := f.Start("ada@inboxkit.test")
	if err != nil {
		log.Fatal(err)
	}
	u, _ := url.Parse(pending.URL)
	q := u.Query()
	fmt.Println(u.Host + u.Path)
	fmt.Println("state matches:", q.Get("state") == pending.State)
	fmt.Println("PKCE:", q.Get("code_challenge_method"))
	fmt.Println("offline:", q.Get("access_type"))
	fmt.Println("login_hint:", q.Get("login_hint"))
	fmt.Println("scope:", q.Get("scope"))
	// Output:
	// accounts.google.com/o/oauth2/v2/auth
	// state matches: true
	// PKCE: S256
	// offline: offline
	// login_hint: ada@inboxkit.test
	// scope: openid email https://www.googleapis.com/auth/gmail.send https://www.googleapis.com/auth/gmail.readonly
}

// Read a Pub/Sub push and hand it to the mailbox's Provider, whose Watch
// then calls notify.
func ExampleParsePush() {
	data := base64.StdEncoding.EncodeToString([]byte(`{"emailAddress":"ada@inboxkit.test","historyId":9876543210}`))
	body := []byte(`{"message":{"data":"` + data + `","messageId":"1"},"subscription":"projects/p/subscriptions/gmail"}`)
	push, err := gmail.ParsePush(body)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(push.Email, push.HistoryID)
	// Output: ada@inboxkit.test 9876543210
}

// Keep a connected mailbox's token sealed: every refreshed (and rotated)
// token goes through Save into the crypto package's credential store.
func ExampleNewTokenSource() {
	ctx := context.Background()
	// Google's token endpoint, played by a test server that rotates the
	// refresh token.
	google := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"ya29.new","refresh_token":"1//rotated","expires_in":3599,"token_type":"Bearer"}`)
	}))
	defer google.Close()

	ring, err := crypto.NewKeyring("k1", map[string][]byte{"k1": bytes.Repeat([]byte{7}, 64)}) // a host loads its key from its secret manager
	if err != nil {
		log.Fatal(err)
	}
	creds, err := crypto.NewCredentialStore(crypto.NewMemoryStore(), ring)
	if err != nil {
		log.Fatal(err)
	}
	cfg := gmail.OAuthConfig("CLIENT_ID", "CLIENT_SECRET", "https://app.example/oauth/google", gmail.AccessSendRead)
	cfg.Endpoint.TokenURL = google.URL
	stored := &oauth2.Token{AccessToken: "ya29.old", RefreshToken: "1//first", Expiry: time.Now().Add(-time.Minute)}
	ts := gmail.NewTokenSource(cfg, stored, &gmail.TokenSourceOptions{
		Save: func(ctx context.Context, tok *oauth2.Token) error {
			return creds.Save(ctx, &crypto.Credentials{Kind: "gmail", Account: "ada@inboxkit.test", Token: tok})
		},
	})
	tok, err := ts.Token() // expired: refreshes once and saves
	if err != nil {
		log.Fatal(err)
	}
	saved, err := creds.Load(ctx, "gmail", "ada@inboxkit.test")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.AccessToken, ts.Refreshes(), saved.Token.RefreshToken)
	// Output: ya29.new 1 1//rotated
}
