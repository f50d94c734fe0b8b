package main

import (
	"context"
	"errors"
	"html/template"
	"log"
	"net/http"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/gmail"
	"github.com/inboxkit/inboxkit/graph"
	"github.com/inboxkit/inboxkit/provider"
)

// app is the host side of the flows: it keeps each pending sign-in (state
// and PKCE verifier) until the provider redirects back.
type app struct {
	email     string
	google    *gmail.Flow // nil: no Google client configured
	microsoft *graph.Flow // nil: no Microsoft client configured

	mu      sync.Mutex
	pending map[string]*signIn // by state
	done    chan string
}

// signIn is one started flow: exactly one of the two is set.
type signIn struct {
	google    *gmail.Pending
	microsoft *graph.Pending
}

func (a *app) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", a.index)
	mux.HandleFunc("GET /connect/google", a.startGoogle)
	mux.HandleFunc("GET /connect/microsoft", a.startMicrosoft)
	mux.HandleFunc("GET /callback/google", a.callbackGoogle)
	mux.HandleFunc("GET /callback/microsoft", a.callbackMicrosoft)
	return mux
}

var (
	indexPage = template.Must(template.New("index").Parse(`<!doctype html><title>inboxkit</title>
<p>Connect {{.Email}}:</p><ul>
{{if .Google}}<li><a href="/connect/google">Connect Google</a>{{end}}
{{if .Microsoft}}<li><a href="/connect/microsoft">Connect Microsoft</a>{{end}}
</ul>`))
	page = template.Must(template.New("done").Parse(`<!doctype html><title>inboxkit</title><p>{{.}}</p>`))
)

func (a *app) index(w http.ResponseWriter, r *http.Request) {
	_ = indexPage.Execute(w, map[string]any{"Email": a.email, "Google": a.google != nil, "Microsoft": a.microsoft != nil})
}

func (a *app) startGoogle(w http.ResponseWriter, r *http.Request) {
	if a.google == nil {
		http.NotFound(w, r)
		return
	}
	p, err := a.google.Start(a.email)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	a.remember(p.State, &signIn{google: p})
	http.Redirect(w, r, p.URL, http.StatusFound)
}

func (a *app) startMicrosoft(w http.ResponseWriter, r *http.Request) {
	if a.microsoft == nil {
		http.NotFound(w, r)
		return
	}
	p, err := a.microsoft.Start(a.email)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	a.remember(p.State, &signIn{microsoft: p})
	http.Redirect(w, r, p.URL, http.StatusFound)
}

func (a *app) remember(state string, s *signIn) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.pending[state] = s
}

// take returns and forgets the sign-in of the callback's state: a state
// is good for one callback only.
func (a *app) take(r *http.Request) *signIn {
	state := r.URL.Query().Get("state")
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.pending[state]
	delete(a.pending, state)
	return s
}

// refused reports a callback that carries the provider's error instead of
// a code (the user cancelled or declined consent, or an admin must
// approve the app).
func refused(w http.ResponseWriter, r *http.Request, who string) bool {
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		_ = page.Execute(w, who+" said: "+e+" "+q.Get("error_description"))
		return true
	}
	return false
}

func (a *app) callbackGoogle(w http.ResponseWriter, r *http.Request) {
	s := a.take(r)
	if s == nil || s.google == nil {
		http.Error(w, "unknown or reused state: start again", http.StatusBadRequest)
		return
	}
	if refused(w, r, "Google") {
		return
	}
	tok, err := a.google.Exchange(r.Context(), s.google, r.URL.Query().Get("state"), r.URL.Query().Get("code"))
	if a.failed(w, err) {
		return
	}
	a.connected(w, "Google", tok)
}

func (a *app) callbackMicrosoft(w http.ResponseWriter, r *http.Request) {
	s := a.take(r)
	if s == nil || s.microsoft == nil {
		http.Error(w, "unknown or reused state: start again", http.StatusBadRequest)
		return
	}
	if refused(w, r, "Microsoft") {
		return
	}
	tok, err := a.microsoft.Exchange(r.Context(), s.microsoft, r.URL.Query().Get("state"), r.URL.Query().Get("code"))
	if a.failed(w, err) {
		return
	}
	// What a host does next: seal tok in its credential store, and build
	// the Provider over a TokenSource that saves every rotated refresh
	// token. Verify turns the account green.
	f := a.microsoft
	ts := graph.NewTokenSource(f.Config, tok, &graph.TokenSourceOptions{
		HTTPClient: f.HTTPClient,
		Save: func(ctx context.Context, tok *oauth2.Token) error {
			log.Printf("refreshed token for %s: store it sealed (crypto.CredentialStore)", a.email)
			return nil
		},
	})
	// AccessSendRead has no Mail.ReadWrite, so the Provider sends with
	// sendMail (the default) rather than through a draft.
	p, err := graph.New(r.Context(), ts, &graph.Options{Email: a.email, BaseURL: f.BaseURL, HTTPClient: f.HTTPClient})
	if a.failed(w, err) {
		return
	}
	defer p.Close()
	if a.failed(w, p.Verify(r.Context())) {
		return
	}
	a.connected(w, "Microsoft", tok)
}

// failed answers the browser when err is not nil.
func (a *app) failed(w http.ResponseWriter, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, provider.ErrAccountMismatch):
		_ = page.Execute(w, "You signed in as another account than "+a.email+". Try again with that one.")
	case errors.Is(err, provider.ErrPermission):
		_ = page.Execute(w, "A permission this app needs was not granted: "+err.Error())
	default:
		http.Error(w, err.Error(), http.StatusBadGateway)
	}
	return true
}

func (a *app) connected(w http.ResponseWriter, who string, tok *oauth2.Token) {
	_ = page.Execute(w, "Connected "+a.email+" ("+who+"). You can close this tab.")
	log.Printf("%s token for %s: refresh token present=%v, expires %s (store it sealed: see crypto.CredentialStore)",
		who, a.email, tok.RefreshToken != "", tok.Expiry.Format(time.RFC3339))
	select {
	case a.done <- a.email:
	default: // already connected once; the first one ends the program
	}
}
