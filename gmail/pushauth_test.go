package gmail_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/gmail"
	"github.com/inboxkit/inboxkit/internal/oidcjwt/oidcjwttest"
	"github.com/inboxkit/inboxkit/provider"
)

const (
	pushAudience = "https://app.example/gmail/push"
	pushAccount  = "push@project.iam.gserviceaccount.com"
)

var pushKeySet oidcjwttest.Keys

func pushKeys(t *testing.T) (google, evil *rsa.PrivateKey) { return pushKeySet.Get(t) }

// googleToken signs the token Pub/Sub would attach, with claims changed
// by edit.
func googleToken(t *testing.T, key *rsa.PrivateKey, edit func(map[string]any)) string {
	t.Helper()
	now := time.Now()
	claims := map[string]any{
		"iss": "https://accounts.google.com", "aud": pushAudience, "sub": "1077",
		"email": pushAccount, "email_verified": true, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	}
	if edit != nil {
		edit(claims)
	}
	return oidcjwttest.Sign(t, key, "google-1", claims)
}

// googleCerts plays https://www.googleapis.com/oauth2/v3/certs.
func googleCerts(t *testing.T, pub *rsa.PublicKey, status *atomic.Int32) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s := status.Load(); s != 0 {
			http.Error(w, "unavailable", int(s))
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=21600")
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{oidcjwttest.JWK("google-1", pub)}})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func pushRequest(token string, historyID uint64) *http.Request {
	data := base64.StdEncoding.EncodeToString(fmt.Appendf(nil, `{"emailAddress":%q,"historyId":%d}`, account, historyID))
	body := `{"message":{"data":"` + data + `","messageId":"136969346945"},"subscription":"projects/p/subscriptions/gmail"}`
	r := httptest.NewRequest(http.MethodPost, pushAudience, bytes.NewBufferString(body))
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	return r
}

func newPushVerifier(t *testing.T, certs *httptest.Server) *gmail.PushVerifier {
	t.Helper()
	v, err := gmail.NewPushVerifier(gmail.PushAuth{Audience: pushAudience, ServiceAccount: pushAccount, HTTPClient: certs.Client(), CertsURL: certs.URL})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// #12 item 10: ReadPush accepts only requests that carry Google's token
// for the configured audience and service account.
func TestItem10_ReadPushAuthenticates(t *testing.T) {
	google, evil := pushKeys(t)
	var status atomic.Int32
	v := newPushVerifier(t, googleCerts(t, &google.PublicKey, &status))
	for _, tc := range []struct {
		name  string
		token string
		want  error // nil: accepted
	}{
		{"Google's token", googleToken(t, google, nil), nil},
		{"no token", "", provider.ErrAuth},
		{"signed by someone else", googleToken(t, evil, nil), provider.ErrAuth},
		{"another audience", googleToken(t, google, func(c map[string]any) { c["aud"] = "https://evil.example" }), provider.ErrAuth},
		{"another service account", googleToken(t, google, func(c map[string]any) { c["email"] = "x@evil.iam.gserviceaccount.com" }), provider.ErrAuth},
		{"expired", googleToken(t, google, func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() }), provider.ErrAuth},
		{"garbage", "not.a.token", provider.ErrAuth},
	} {
		t.Run(tc.name, func(t *testing.T) {
			push, err := v.ReadPush(pushRequest(tc.token, 777))
			if tc.want == nil {
				if err != nil || !push.Verified || push.HistoryID != 777 || push.Email != account {
					t.Fatalf("ReadPush = %+v, %v; want a verified push", push, err)
				}
				return
			}
			if push != nil || !errors.Is(err, tc.want) {
				t.Fatalf("ReadPush = %+v, %v; want %v", push, err, tc.want)
			}
		})
	}
	// Google's keys unreachable: temporary (Pub/Sub redelivers), never
	// accepted.
	status.Store(http.StatusServiceUnavailable)
	fresh := newPushVerifier(t, googleCerts(t, &google.PublicKey, &status))
	if push, err := fresh.ReadPush(pushRequest(googleToken(t, google, nil), 1)); push != nil || !errors.Is(err, provider.ErrTemporary) {
		t.Errorf("ReadPush with the keys unreachable = %+v, %v; want ErrTemporary", push, err)
	}
	if _, err := gmail.NewPushVerifier(gmail.PushAuth{ServiceAccount: pushAccount}); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("NewPushVerifier without an audience = %v; want ErrInvalid", err)
	}
}

// #12 item 10: a forged push never suppresses later real ones: ReadPush
// refuses it, and a host that hands an unverified push to Notify anyway
// gets a Fetch at most, while the historyId that repeats are skipped by
// stays where verified pushes put it.
func TestItem10_forgedPushNeverSuppressesRealOnes(t *testing.T) {
	google, evil := pushKeys(t)
	var status atomic.Int32
	v := newPushVerifier(t, googleCerts(t, &google.PublicKey, &status))
	srv := startFake(t)
	p := newProvider(t, srv, nil, &gmail.Options{Watch: gmail.WatchOptions{Topic: "projects/inboxkit/topics/gmail", PollInterval: time.Hour}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var notified atomic.Int32
	done := make(chan error, 1)
	go func() { done <- p.Watch(ctx, func() { notified.Add(1) }) }()
	waitFor(t, func() bool { return srv.Watching() != nil })

	const forgedID = 1 << 60
	if _, err := v.ReadPush(pushRequest(googleToken(t, evil, nil), forgedID)); !errors.Is(err, provider.ErrAuth) {
		t.Fatalf("forged ReadPush = %v; want ErrAuth", err)
	}
	// A careless host parses it without checking and notifies anyway.
	forged, err := gmail.ParsePush(mustBody(t, pushRequest("", forgedID)))
	if err != nil {
		t.Fatal(err)
	}
	p.Notify(forged)
	waitFor(t, func() bool { return notified.Load() == 1 })
	genuine, err := v.ReadPush(pushRequest(googleToken(t, google, nil), 5000))
	if err != nil {
		t.Fatal(err)
	}
	if !p.Notify(genuine) {
		t.Fatal("Notify refused the real push")
	}
	waitFor(t, func() bool { return notified.Load() == 2 })
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Watch = %v", err)
	}
}

func mustBody(t *testing.T, r *http.Request) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := b.ReadFrom(r.Body); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
