// Command connect runs the real "connect your inbox" flow for Google in a
// small local web app and prints the connected address.
//
// Create an OAuth client of type "Web application" in a Google Cloud
// project with the Gmail API enabled, add the redirect URI
// http://localhost:8080/callback, then:
//
//	export GOOGLE_CLIENT_ID=....apps.googleusercontent.com
//	export GOOGLE_CLIENT_SECRET=...
//	go run ./examples/connect --email you@example.com
//
// and open http://localhost:8080 in a browser. The flow asks for the least
// scopes that send and read replies (gmail.send + gmail.readonly), uses
// state and PKCE (S256), and refuses a sign-in as any other address than
// --email (provider.ErrAccountMismatch). Microsoft joins when the graph
// provider lands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"log"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/inboxkit/inboxkit/gmail"
	"github.com/inboxkit/inboxkit/provider"
)

func main() {
	addr := flag.String("addr", "localhost:8080", "where the local web app listens")
	email := flag.String("email", "", "the Google address to connect (required)")
	flag.Parse()
	id, secret := os.Getenv("GOOGLE_CLIENT_ID"), os.Getenv("GOOGLE_CLIENT_SECRET")
	if *email == "" || id == "" || secret == "" {
		fmt.Fprintln(os.Stderr, "usage: GOOGLE_CLIENT_ID=… GOOGLE_CLIENT_SECRET=… go run ./examples/connect --email you@example.com [--addr localhost:8080]")
		os.Exit(2)
	}
	app := &app{
		flow:    &gmail.Flow{Config: gmail.Config(id, secret, "http://"+*addr+"/callback", gmail.AccessSendRead)},
		email:   *email,
		pending: map[string]*gmail.Pending{},
		done:    make(chan string, 1),
	}
	srv := &http.Server{Addr: *addr, Handler: app.routes(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Fatal(err)
		}
	}()
	fmt.Printf("open http://%s to connect %s\n", *addr, *email)
	fmt.Println("connected:", <-app.done)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
}

// app is the host side of the flow: it keeps each pending sign-in (state
// and PKCE verifier) until Google redirects back.
type app struct {
	flow    *gmail.Flow
	email   string
	mu      sync.Mutex
	pending map[string]*gmail.Pending // by state
	done    chan string
}

func (a *app) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", a.start)
	mux.HandleFunc("GET /callback", a.callback)
	return mux
}

func (a *app) start(w http.ResponseWriter, r *http.Request) {
	p, err := a.flow.Start(a.email)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	a.mu.Lock()
	a.pending[p.State] = p
	a.mu.Unlock()
	http.Redirect(w, r, p.URL, http.StatusFound)
}

var page = template.Must(template.New("done").Parse(`<!doctype html><title>inboxkit</title><p>{{.}}</p>`))

func (a *app) callback(w http.ResponseWriter, r *http.Request) {
	state := r.URL.Query().Get("state")
	a.mu.Lock()
	p := a.pending[state]
	delete(a.pending, state)
	a.mu.Unlock()
	if p == nil {
		http.Error(w, "unknown or reused state: start again", http.StatusBadRequest)
		return
	}
	if e := r.URL.Query().Get("error"); e != "" {
		_ = page.Execute(w, "Google said: "+e)
		return
	}
	tok, err := a.flow.Exchange(r.Context(), p, state, r.URL.Query().Get("code"))
	switch {
	case errors.Is(err, provider.ErrAccountMismatch):
		_ = page.Execute(w, "You signed in as another account than "+a.email+". Try again with that one.")
		return
	case err != nil:
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	_ = page.Execute(w, "Connected "+a.email+". You can close this tab.")
	log.Printf("token for %s: refresh token present=%v, expires %s (store it sealed: see crypto.CredentialStore)", a.email, tok.RefreshToken != "", tok.Expiry.Format(time.RFC3339))
	a.done <- a.email
}
