package main

import (
	"fmt"
	"io"

	"github.com/inboxkit/inboxkit/internal/mailserver"
	"github.com/inboxkit/inboxkit/smtpimap"
)

// The people in the story. Local users have a mailbox on the in-process
// servers and can answer; the others stand for mailboxes elsewhere.
const (
	senderEmail   = "ada@acme.test" // the user who connects her inbox
	senderPass    = "ada's app password"
	managerEmail  = "max@acme.test" // a hiring manager, for delegation
	recruiter     = "rita"          // a recruiter (a host user id)
	prospectPass  = "prospect password"
	bouncingEmail = "dan@gone.example"
)

// prospect is one recipient of the sequence and what they will do.
type prospect struct {
	Name, Email string
	Local       bool   // has a mailbox here and answers through SMTP
	Behaviour   string // "reply", "ooo", "bounce", "silent"
}

var prospects = []prospect{
	{"Bob Byte", "bob@client.test", true, "reply"},
	{"Cyd Cache", "cyd@client.test", true, "ooo"},
	{"Dan Drop", bouncingEmail, false, "bounce"},
	{"Eve Edge", "eve@client.test", true, "silent"},
	{"Fay Fiber", "fay@client.test", true, "silent"},
}

// world is the running servers.
type world struct {
	srv *mailserver.Server
}

func startWorld(w io.Writer) (*world, error) {
	srv, err := mailserver.Start(nil)
	if err != nil {
		return nil, err
	}
	for _, u := range []string{senderEmail, managerEmail} {
		if err := srv.AddUser(u, senderPass); err != nil {
			return nil, err
		}
	}
	for _, p := range prospects {
		if p.Local {
			if err := srv.AddUser(p.Email, prospectPass); err != nil {
				return nil, err
			}
		}
	}
	sh, sp := srv.SMTPAddr()
	ih, ip := srv.IMAPAddr()
	fmt.Fprintf(w, "1. Mail servers   SMTP %s:%d (STARTTLS)  IMAP %s:%d (STARTTLS), throw-away TLS certificate\n", sh, sp, ih, ip)
	return &world{srv: srv}, nil
}

func (wd *world) Close() error { return wd.srv.Close() }

// config is the connection settings a user would type in (or Discover
// would find) for an account on the in-process servers.
func (wd *world) config(email string) smtpimap.Config {
	sh, sp := wd.srv.SMTPAddr()
	ih, ip := wd.srv.IMAPAddr()
	return smtpimap.Config{
		Email:     email,
		SMTP:      smtpimap.Server{Host: sh, Port: sp, Security: smtpimap.STARTTLS},
		IMAP:      &smtpimap.Server{Host: ih, Port: ip, Security: smtpimap.STARTTLS},
		TLSConfig: wd.srv.ClientTLSConfig(),
	}
}
