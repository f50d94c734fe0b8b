package smtpimap_test

import (
	"errors"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/internal/realservers"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
	"github.com/inboxkit/inboxkit/smtpimap"
)

// TestRealServers_POP3 receives over Dovecot's POP3 (STLS and implicit
// TLS) what Postfix delivered: the owner sends to a prospect, the
// prospect replies through Postfix, and Fetch over POP3 returns the reply
// once, while the message stays in the Maildir for IMAP.
func TestRealServers_POP3(t *testing.T) {
	env := realEnv(t)
	if env.POP3Port == 0 || env.POP3SPort == 0 {
		t.Skip("INBOXKIT_REAL_POP3 / INBOXKIT_REAL_POP3S not set (an older mailservers.sh)")
	}
	if len(env.Users) < 2 {
		t.Fatalf("need 2 users, have %d", len(env.Users))
	}
	owner, prospect := env.Users[0], env.Users[1]
	tlsCfg, err := env.TLSConfig(env.SMTPHost)
	if err != nil {
		t.Fatal(err)
	}
	config := func(u realservers.User, pop3 *smtpimap.Server) smtpimap.Config {
		return smtpimap.Config{
			Email:     u.Email,
			Password:  crypto.Secret(u.Password),
			SMTP:      smtpimap.Server{Host: env.SMTPHost, Port: env.SMTPPort, Security: smtpimap.STARTTLS},
			POP3:      pop3,
			TLSConfig: tlsCfg,
		}
	}
	for _, tc := range []struct {
		name string
		srv  smtpimap.Server
	}{
		{"STLS", smtpimap.Server{Host: env.POP3Host, Port: env.POP3Port, Security: smtpimap.STARTTLS}},
		{"implicit TLS", smtpimap.Server{Host: env.POP3SHost, Port: env.POP3SPort, Security: smtpimap.TLS}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := ctxT(t)
			p := newProvider(t, config(owner, &tc.srv))
			if err := p.Verify(ctx); err != nil {
				t.Fatalf("Verify = %v", err)
			}
			if f := p.Features(); f.Receive != "pop3" || f.SentCopy != smtpimap.SentCopyUnknown {
				t.Errorf("Features = %+v; want pop3, SentCopyUnknown", f)
			}
			bad := config(owner, &tc.srv)
			bad.Password = crypto.Secret(owner.Password + "-wrong")
			if _, err := newProvider(t, bad).Fetch(ctx, "", nil); !errors.Is(err, provider.ErrAuth) {
				t.Errorf("Fetch with a wrong password = %v; want ErrAuth", err)
			}

			idx := &memIndex{recs: map[string]*provider.SentRecord{}}
			start, err := p.Fetch(ctx, "", idx)
			if err != nil {
				t.Fatalf("Fetch(\"\") = %v", err)
			}
			m := hello(prospect.Email)
			sent, err := p.Send(ctx, m)
			if err != nil {
				t.Fatal(err)
			}
			idx.recs[sent.MessageID] = provider.RecordOf(owner.Email, m, sent)
			replier := newProvider(t, config(prospect, nil))
			if _, err := replier.Send(ctx, &provider.Message{
				To: []provider.Address{{Email: owner.Email}}, Subject: "Re: hello", Text: "Sounds good.",
				InReplyTo: sent.MessageID, References: []string{sent.MessageID},
			}); err != nil {
				t.Fatal(err)
			}
			// Postfix delivers asynchronously: poll with a bounded deadline.
			var got []provider.Incoming
			cursor := start.Cursor
			for deadline := time.Now().Add(15 * time.Second); len(got) == 0 && time.Now().Before(deadline); {
				b, err := p.Fetch(ctx, cursor, idx)
				if err != nil {
					t.Fatalf("Fetch = %v", err)
				}
				got, cursor = b.Messages, b.Cursor
				if len(got) == 0 {
					time.Sleep(200 * time.Millisecond)
				}
			}
			if len(got) != 1 || got[0].Record == nil || got[0].Record.MessageID != sent.MessageID || got[0].ProviderID == "" {
				t.Fatalf("Fetch over POP3 returned %d messages (%+v); want the one reply to %s", len(got), got, sent.MessageID)
			}
			if again, err := p.Fetch(ctx, cursor, idx); err != nil || len(again.Messages) != 0 {
				t.Errorf("Fetch(cursor) = %v, %v; want nothing", again, err)
			}
			n, err := realCount(env, owner, "INBOX", providertest.MessageIDOf(got[0].Raw), 0)
			if err != nil || n != 1 {
				t.Errorf("the reply over IMAP: %d copies, %v; want it still in INBOX", n, err)
			}
		})
	}
}
