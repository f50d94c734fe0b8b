// Command discover finds the SMTP and IMAP settings of an email address
// with smtpimap.Discover and prints them.
//
//	go run ./examples/discover you@example.com
//	go run ./examples/discover --json you@gmail.com
//
// It uses the real network: the domain's autoconfig host and
// /.well-known path, the Thunderbird ISPDB, and DNS (SRV and MX records).
// No credential is asked for or sent; nothing connects to the mail
// servers themselves. The exit status is 0 when settings were found, 1
// when none were, 2 on bad usage.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/smtpimap"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("discover", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the settings as one JSON object")
	timeout := fs.Duration("timeout", smtpimap.DefaultDiscoverTimeout, "time limit for each step (HTTP fetch, DNS lookups)")
	total := fs.Duration("total", time.Minute, "time limit for the whole search")
	ispdb := fs.String("ispdb", smtpimap.DefaultISPDBURL, "ISPDB base URL (https); the domain is appended")
	fs.Usage = func() {
		fmt.Fprintf(stderr, `usage: discover [flags] EMAIL...

Finds the SMTP (and IMAP) server settings for each address by trying, in
order: https://autoconfig.<domain>/mail/config-v1.1.xml, the domain's
/.well-known/autoconfig path, the Thunderbird ISPDB, RFC 6186 SRV records,
and MX records that point at a known provider (Google, Microsoft, Zoho,
Fastmail, Yahoo, iCloud). Uses the real network; sends no credentials.

flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), *total)
	defer cancel()
	opts := &smtpimap.DiscoverOptions{ISPDBURL: *ispdb, Timeout: *timeout}
	status := 0
	for _, email := range fs.Args() {
		s, err := smtpimap.Discover(ctx, email, opts)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", email, err)
			if errors.Is(err, provider.ErrInvalid) {
				return 2
			}
			status = 1
			continue
		}
		if *asJSON {
			printJSON(stdout, email, s)
		} else {
			printText(stdout, email, s)
		}
	}
	return status
}

func printText(w io.Writer, email string, s *smtpimap.Settings) {
	fmt.Fprintf(w, "%s (from %s)\n", email, s.Source)
	fmt.Fprintf(w, "  smtp      %s:%d %s\n", s.SMTP.Host, s.SMTP.Port, s.SMTP.Security)
	if s.IMAP != nil {
		fmt.Fprintf(w, "  imap      %s:%d %s\n", s.IMAP.Host, s.IMAP.Port, s.IMAP.Security)
	} else if s.POP3 != nil {
		fmt.Fprintf(w, "  pop3      %s:%d %s (no IMAP published; sent mail reaches Sent only if the SMTP server saves it)\n", s.POP3.Host, s.POP3.Port, s.POP3.Security)
	} else {
		fmt.Fprintf(w, "  imap      (none found: receiving needs it entered by hand)\n")
	}
	fmt.Fprintf(w, "  username  %s\n", s.Username)
	if s.Provider != "" {
		fmt.Fprintf(w, "  provider  %s\n", s.Provider)
	}
	if s.PreferOAuth {
		fmt.Fprintf(w, "  note      connect this mailbox with OAuth (Gmail / Outlook), not a password\n")
	}
}

type serverJSON struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Security string `json:"security"`
}

func printJSON(w io.Writer, email string, s *smtpimap.Settings) {
	out := struct {
		Email       string      `json:"email"`
		SMTP        serverJSON  `json:"smtp"`
		IMAP        *serverJSON `json:"imap,omitempty"`
		POP3        *serverJSON `json:"pop3,omitempty"`
		Username    string      `json:"username"`
		Source      string      `json:"source"`
		Provider    string      `json:"provider,omitempty"`
		PreferOAuth bool        `json:"prefer_oauth,omitempty"`
	}{
		Email:       email,
		SMTP:        serverJSON{s.SMTP.Host, s.SMTP.Port, s.SMTP.Security.String()},
		Username:    s.Username,
		Source:      s.Source,
		Provider:    s.Provider,
		PreferOAuth: s.PreferOAuth,
	}
	if s.IMAP != nil {
		out.IMAP = &serverJSON{s.IMAP.Host, s.IMAP.Port, s.IMAP.Security.String()}
	}
	if s.POP3 != nil {
		out.POP3 = &serverJSON{s.POP3.Host, s.POP3.Port, s.POP3.Security.String()}
	}
	enc := json.NewEncoder(w)
	_ = enc.Encode(out)
}
