// Command connect runs the real "connect your inbox" flow for Google and
// Microsoft in a small local web app and prints the connected address.
//
// Google: create an OAuth client of type "Web application" in a Google
// Cloud project with the Gmail API enabled, with the redirect URI
// http://localhost:8080/callback/google.
//
// Microsoft: register an app in Microsoft Entra ID (App registrations),
// with "Accounts in any organizational directory and personal Microsoft
// accounts" for the tenant "common", and the Web redirect URI
// http://localhost:8080/callback/microsoft; add a client secret. (A
// "Mobile and desktop applications" redirect URI instead makes it a public
// client: leave MICROSOFT_CLIENT_SECRET empty.) The delegated permissions
// offline_access, User.Read, Mail.Send and Mail.Read are asked for at
// sign-in; listing them under "API permissions" is optional.
//
// Then, with either or both set:
//
//	export GOOGLE_CLIENT_ID=....apps.googleusercontent.com GOOGLE_CLIENT_SECRET=...
//	export MICROSOFT_CLIENT_ID=00001111-aaaa-2222-bbbb-3333cccc4444 MICROSOFT_CLIENT_SECRET=...
//	go run ./examples/connect --email you@example.com [--tenant common]
//
// and open http://localhost:8080 in a browser. Each flow asks for the least
// permissions that send and read replies (Google: gmail.send +
// gmail.readonly; Microsoft: graph.AccessSendRead), uses state and PKCE
// (S256), and refuses a sign-in as any other address than --email
// (provider.ErrAccountMismatch). After the Microsoft sign-in the app builds
// a graph.Provider over a graph.TokenSource, as a host would, and checks
// it with Verify.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/inboxkit/inboxkit/gmail"
	"github.com/inboxkit/inboxkit/graph"
)

func main() {
	a, addr, err := newApp(os.Args[1:], os.Getenv, os.Stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, err)
		}
		os.Exit(2)
	}
	srv := &http.Server{Addr: addr, Handler: a.routes(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Fatal(err)
		}
	}()
	fmt.Printf("open http://%s to connect %s\n", addr, a.email)
	fmt.Println("connected:", <-a.done)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
}

const usage = `usage: [GOOGLE_CLIENT_ID=… GOOGLE_CLIENT_SECRET=…] [MICROSOFT_CLIENT_ID=… [MICROSOFT_CLIENT_SECRET=…] [MICROSOFT_TENANT=common]]
       go run ./examples/connect --email you@example.com [--addr localhost:8080] [--tenant common]
At least one of GOOGLE_CLIENT_ID or MICROSOFT_CLIENT_ID must be set.`

// newApp reads the flags and the environment. It fails with the usage when
// no address or no OAuth client is given, so the program runs without any
// account and says what it needs.
func newApp(args []string, getenv func(string) string, stderr io.Writer) (*app, string, error) {
	fs := flag.NewFlagSet("connect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "localhost:8080", "where the local web app listens")
	email := fs.String("email", "", "the address to connect (required)")
	tenant := fs.String("tenant", getenv("MICROSOFT_TENANT"), `Microsoft tenant: "common", "organizations", "consumers", a tenant ID or domain (default "common")`)
	fs.Usage = func() { fmt.Fprintln(stderr, usage); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		return nil, "", err
	}
	gid, gsecret := getenv("GOOGLE_CLIENT_ID"), getenv("GOOGLE_CLIENT_SECRET")
	mid, msecret := getenv("MICROSOFT_CLIENT_ID"), getenv("MICROSOFT_CLIENT_SECRET")
	if *email == "" || (gid == "" || gsecret == "") && mid == "" {
		return nil, "", errors.New(usage)
	}
	if *tenant == "" {
		*tenant = graph.TenantCommon
	}
	if mid != "" {
		if err := graph.ValidTenant(*tenant); err != nil {
			return nil, "", err
		}
	}
	a := &app{email: *email, pending: map[string]*signIn{}, done: make(chan string, 1)}
	if gid != "" && gsecret != "" {
		a.google = &gmail.Flow{Config: gmail.OAuthConfig(gid, gsecret, "http://"+*addr+"/callback/google", gmail.AccessSendRead)}
	}
	if mid != "" {
		a.microsoft = &graph.Flow{Config: graph.OAuthConfig(*tenant, mid, msecret, "http://"+*addr+"/callback/microsoft", graph.AccessSendRead)}
	}
	return a, *addr, nil
}
