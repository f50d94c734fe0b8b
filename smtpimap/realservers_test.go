package smtpimap_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/internal/realservers"
	"github.com/inboxkit/inboxkit/provider/providertest"
	"github.com/inboxkit/inboxkit/smtpimap"
)

// TestRealServers runs the conformance suite against Dovecot and Postfix
// started by scripts/mailservers.sh (see internal/realservers).
func TestRealServers(t *testing.T) {
	env, err := realservers.FromEnv(nil)
	if errors.Is(err, realservers.ErrNotEnabled) {
		t.Skip("real servers not started: eval \"$(bash scripts/mailservers.sh start)\" sets INBOXKIT_REAL_SERVERS=1")
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(env.Users) < 3 {
		t.Fatalf("need 3 users, have %d", len(env.Users))
	}
	owner, prospects := env.Users[0], env.Users[1:3]
	providertest.Run(t, func(t *testing.T) *providertest.Harness {
		tlsCfg, err := env.TLSConfig(env.SMTPHost)
		if err != nil {
			t.Fatal(err)
		}
		p := newProvider(t, smtpimap.Config{
			Email:     owner.Email,
			Password:  crypto.Secret(owner.Password),
			SMTP:      smtpimap.Server{Host: env.SMTPHost, Port: env.SMTPPort, Security: smtpimap.STARTTLS},
			IMAP:      &smtpimap.Server{Host: env.IMAPHost, Port: env.IMAPPort, Security: smtpimap.STARTTLS},
			TLSConfig: tlsCfg,
		})
		return &providertest.Harness{
			Provider:  p,
			Prospects: []string{prospects[0].Email, prospects[1].Email},
			Deliver: func(ctx context.Context, raw []byte) error {
				return realAppend(env, owner, "INBOX", raw)
			},
			SentCopies: func(ctx context.Context, id string) (int, error) {
				return realCount(env, owner, "Sent", id, 0)
			},
			Deliveries: func(ctx context.Context, id string) (int, error) {
				// Postfix delivers asynchronously: wait up to 2s for it.
				deadline := time.Now().Add(2 * time.Second)
				for {
					total := 0
					for _, u := range prospects {
						n, err := realCount(env, u, "INBOX", id, 0)
						if err != nil {
							return 0, err
						}
						total += n
					}
					if total > 0 || time.Now().After(deadline) {
						return total, nil
					}
					time.Sleep(100 * time.Millisecond)
				}
			},
		}
	})
}

func realClient(env *realservers.Env, u realservers.User) (*imapclient.Client, error) {
	tlsCfg, err := env.TLSConfig(env.IMAPHost)
	if err != nil {
		return nil, err
	}
	c, err := imapclient.DialStartTLS(env.IMAPAddr(), &imapclient.Options{TLSConfig: tlsCfg})
	if err != nil {
		return nil, err
	}
	if err := c.Login(u.Email, u.Password).Wait(); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func realAppend(env *realservers.Env, u realservers.User, mailbox string, raw []byte) error {
	c, err := realClient(env, u)
	if err != nil {
		return err
	}
	defer c.Close()
	cmd := c.Append(mailbox, int64(len(raw)), nil)
	if _, err := cmd.Write(raw); err != nil {
		return err
	}
	if err := cmd.Close(); err != nil {
		return err
	}
	_, err = cmd.Wait()
	return err
}

// realCount counts messages with Message-ID id in a mailbox, polling up
// to wait for one to appear.
func realCount(env *realservers.Env, u realservers.User, mailbox, id string, wait time.Duration) (int, error) {
	c, err := realClient(env, u)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	deadline := time.Now().Add(wait)
	for {
		if _, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
			return 0, err
		}
		data, err := c.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: id}}}, nil).Wait()
		if err != nil {
			return 0, err
		}
		n := len(data.AllUIDs())
		if n > 0 || time.Now().After(deadline) {
			return n, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
}
