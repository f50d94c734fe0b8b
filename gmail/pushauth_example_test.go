package gmail_test

import (
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/inboxkit/inboxkit/gmail"
	"github.com/inboxkit/inboxkit/provider"
)

// A push endpoint authenticates every Pub/Sub request before it reads it;
// here a request without Google's token is refused.
func ExamplePushVerifier_ReadPush() {
	verifier, err := gmail.NewPushVerifier(gmail.PushAuth{
		Audience:       "https://app.example/gmail/push",
		ServiceAccount: "gmail-push@my-project.iam.gserviceaccount.com",
	})
	if err != nil {
		log.Fatal(err)
	}
	var providers map[string]*gmail.Provider // the host's open mailboxes, by address
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		push, err := verifier.ReadPush(r)
		switch {
		case errors.Is(err, provider.ErrAuth):
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		case errors.Is(err, provider.ErrTemporary):
			http.Error(w, "try again", http.StatusServiceUnavailable) // Pub/Sub redelivers
			return
		case err != nil:
			w.WriteHeader(http.StatusNoContent) // not a Gmail push: do not redeliver
			return
		}
		if p := providers[strings.ToLower(push.Email)]; p != nil {
			p.Notify(push)
		}
		w.WriteHeader(http.StatusNoContent)
	})
	forged := httptest.NewRequest(http.MethodPost, "/gmail/push", strings.NewReader(`{"message":{}}`))
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, forged)
	fmt.Println(rec.Code)
	// Output: 403
}
