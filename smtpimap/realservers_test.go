package smtpimap_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/internal/realservers"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
	"github.com/inboxkit/inboxkit/smtpimap"
)

// TestRealServers runs the conformance suite against Dovecot and Postfix
// started by scripts/mailservers.sh (see internal/realservers).
func TestRealServers(t *testing.T) {
	env := realEnv(t)
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

// BenchmarkFetch_dovecot10k measures a first and an idle Fetch against
// Dovecot with 10,000 messages in a folder, 100 of them replies to our
// mail (a new folder of the last user's, filled once per run).
func BenchmarkFetch_dovecot10k(b *testing.B) {
	env, err := realservers.FromEnv(nil)
	if err != nil {
		b.Skip("real servers not started: eval \"$(bash scripts/mailservers.sh start)\"")
	}
	u := env.Users[len(env.Users)-1]
	c, err := realClient(env, u)
	if err != nil {
		b.Fatal(err)
	}
	// A folder of its own per run, so runs do not pile up in one mailbox.
	folder := fmt.Sprintf("Bench-%d", time.Now().UnixNano())
	if err := c.Create(folder, nil).Wait(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if c, err := realClient(env, u); err == nil {
			_ = c.Delete(folder).Wait()
			_ = c.Close()
		}
	})
	idx := &memIndex{recs: map[string]*provider.SentRecord{}}
	size := 0
	var pending []*imapclient.AppendCommand
	for i := 0; i < 10000; i++ {
		var raw []byte
		if i%100 == 0 {
			id := fmt.Sprintf("sent-%d-%d@inboxkit.test", time.Now().UnixNano(), i)
			idx.recs[id] = &provider.SentRecord{Account: u.Email, MessageID: id}
			raw = providertest.Reply(fmt.Sprintf("p%d@client.test", i), u.Email, "Offer", id)
		} else {
			raw = append(providertest.Unrelated(fmt.Sprintf("news%d@shop.test", i), u.Email), make([]byte, 2000)...)
		}
		size += len(raw)
		// Pipelined: up to 200 APPENDs in flight, so filling takes
		// seconds, not 10,000 round trips.
		cmd := c.Append(folder, int64(len(raw)), nil)
		if _, err := cmd.Write(raw); err != nil {
			b.Fatal(err)
		}
		if err := cmd.Close(); err != nil {
			b.Fatal(err)
		}
		pending = append(pending, cmd)
		if len(pending) == 200 || i == 9999 {
			for _, cmd := range pending {
				if _, err := cmd.Wait(); err != nil {
					b.Fatal(err)
				}
			}
			pending = pending[:0]
		}
	}
	c.Close()
	tlsCfg, err := env.TLSConfig(env.IMAPHost)
	if err != nil {
		b.Fatal(err)
	}
	wire := countBytes(b, env.IMAPHost, env.IMAPPort)
	p := newProvider(b, smtpimap.Config{
		Email: u.Email, Password: crypto.Secret(u.Password),
		SMTP:      smtpimap.Server{Host: env.SMTPHost, Port: env.SMTPPort, Security: smtpimap.STARTTLS},
		IMAP:      &smtpimap.Server{Host: env.IMAPHost, Port: wire.Port(), Security: smtpimap.STARTTLS},
		TLSConfig: tlsCfg,
		Folders:   []string{folder},
	})
	ctx := context.Background()
	var cursor string
	b.Run("first", func(b *testing.B) {
		wire.Reset()
		for i := 0; i < b.N; i++ {
			batch, err := p.Fetch(ctx, "", idx)
			if err != nil || len(batch.Messages) != 100 {
				b.Fatalf("Fetch = %d messages, %v; want the 100 replies of this run", len(batch.Messages), err)
			}
			cursor = batch.Cursor
		}
		b.ReportMetric(float64(wire.Down())/float64(b.N), "wire-B/op")
		b.ReportMetric(float64(size), "mailbox-B")
	})
	b.Run("idle", func(b *testing.B) {
		wire.Reset()
		for i := 0; i < b.N; i++ {
			batch, err := p.Fetch(ctx, cursor, idx)
			if err != nil || len(batch.Messages) != 0 {
				b.Fatalf("idle Fetch = %v, %v; want nothing", batch, err)
			}
		}
		b.ReportMetric(float64(wire.Down())/float64(b.N), "wire-B/op")
	})
}

// TestRealServers_faults checks the security and auth failures against
// Dovecot and Postfix: a wrong password is ErrAuth (Postfix refuses it first),
// a certificate the client does not trust is ErrInsecure, and a good login
// verifies both servers.
func TestRealServers_faults(t *testing.T) {
	env := realEnv(t)
	u := env.Users[0]
	tlsCfg, err := env.TLSConfig(env.SMTPHost)
	if err != nil {
		t.Fatal(err)
	}
	cfg := smtpimap.Config{
		Email:     u.Email,
		Password:  crypto.Secret(u.Password),
		SMTP:      smtpimap.Server{Host: env.SMTPHost, Port: env.SMTPPort, Security: smtpimap.STARTTLS},
		IMAP:      &smtpimap.Server{Host: env.IMAPHost, Port: env.IMAPPort, Security: smtpimap.STARTTLS},
		TLSConfig: tlsCfg,
	}
	if err := newProvider(t, cfg).Verify(ctxT(t)); err != nil {
		t.Fatalf("Verify with the right password = %v", err)
	}

	bad := cfg
	bad.Password = crypto.Secret("not-" + u.Password)
	err = newProvider(t, bad).Verify(ctxT(t))
	if !errors.Is(err, provider.ErrAuth) || !provider.NeedsReconnect(err) {
		t.Errorf("Verify with a wrong password = %v; want ErrAuth", err)
	}
	if err != nil && containsSecret(err.Error(), string(bad.Password)) {
		t.Errorf("the error %q shows the password", err)
	}

	untrusted := cfg
	untrusted.TLSConfig = nil // system roots: the self-signed certificate is not among them
	if err := newProvider(t, untrusted).Verify(ctxT(t)); !errors.Is(err, provider.ErrInsecure) {
		t.Errorf("Verify against an untrusted certificate = %v; want ErrInsecure", err)
	}
}

// BenchmarkSend_postfix compares the kept connection with a dial per
// message against Postfix (recipients outside the test domain, which
// Postfix accepts and discards; no copy to Sent).
func BenchmarkSend_postfix(b *testing.B) {
	env, err := realservers.FromEnv(nil)
	if err != nil {
		b.Skip("real servers not started: eval \"$(bash scripts/mailservers.sh start)\"")
	}
	tlsCfg, err := env.TLSConfig(env.SMTPHost)
	if err != nil {
		b.Fatal(err)
	}
	u := env.Users[0]
	cfg := smtpimap.Config{
		Email: u.Email, Password: crypto.Secret(u.Password),
		SMTP:      smtpimap.Server{Host: env.SMTPHost, Port: env.SMTPPort, Security: smtpimap.STARTTLS},
		TLSConfig: tlsCfg,
	}
	ctx := context.Background()
	b.Run("reused", func(b *testing.B) {
		p := newProvider(b, cfg)
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := p.Send(ctx, hello("prospect@example.com")); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("dialPerMessage", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			p := newProvider(b, cfg)
			if _, err := p.Send(ctx, hello("prospect@example.com")); err != nil {
				b.Fatal(err)
			}
			p.Close()
		}
	})
}

// Postfix refuses an unknown local recipient at RCPT: Send says ErrInvalid
// and the kept connection stays usable (the session was reset, not lost),
// so a list with a few dead addresses does not cost a TLS handshake and a
// login for each of them.
func TestRealServers_rejectedRecipientKeepsConnection(t *testing.T) {
	env := realEnv(t)
	tlsCfg, err := env.TLSConfig(env.SMTPHost)
	if err != nil {
		t.Fatal(err)
	}
	relay := countBytes(t, env.SMTPHost, env.SMTPPort)
	u := env.Users[0]
	p := newProvider(t, smtpimap.Config{
		Email: u.Email, Password: crypto.Secret(u.Password),
		SMTP:      smtpimap.Server{Host: env.SMTPHost, Port: relay.Port(), Security: smtpimap.STARTTLS},
		TLSConfig: tlsCfg,
	})
	ctx := ctxT(t)
	if _, err := p.Send(ctx, hello("prospect@example.com")); err != nil {
		t.Fatal(err)
	}
	_, err = p.Send(ctx, hello("nobody-here@inboxkit.test"))
	var pe *provider.Error
	if !errors.Is(err, provider.ErrInvalid) || !errors.As(err, &pe) || pe.Field != "To[0].Email" {
		t.Errorf("Send to an unknown local user = %v; want ErrInvalid naming To[0].Email", err)
	}
	m := hello("prospect@example.com")
	m.Cc = []provider.Address{{Email: "carol@example.com"}, {Email: "nobody-either@inboxkit.test"}}
	if _, err := p.Send(ctx, m); !errors.As(err, &pe) || pe.Field != "Cc[1].Email" {
		t.Errorf("Send with an unknown Cc = %v; want ErrInvalid naming Cc[1].Email", err)
	}
	if _, err := p.Send(ctx, hello("prospect@example.com")); err != nil {
		t.Fatalf("Send after a refused recipient = %v", err)
	}
	if n := relay.Conns(); n != 1 {
		t.Errorf("%d SMTP connections for four sends; want 1: a refused recipient should not cost a new connection", n)
	}
}

// TestRealServers_uidValidityResync rebuilds a folder on Dovecot (a new
// UIDVALIDITY) between two Fetches: the resync returns exactly the new
// replies.
func TestRealServers_uidValidityResync(t *testing.T) {
	env := realEnv(t)
	tlsCfg, err := env.TLSConfig(env.SMTPHost)
	if err != nil {
		t.Fatal(err)
	}
	owner := env.Users[0]
	folder := fmt.Sprintf("Replies-%d", time.Now().UnixNano())
	p := newProvider(t, smtpimap.Config{
		Email: owner.Email, Password: crypto.Secret(owner.Password),
		SMTP:      smtpimap.Server{Host: env.SMTPHost, Port: env.SMTPPort, Security: smtpimap.STARTTLS},
		IMAP:      &smtpimap.Server{Host: env.IMAPHost, Port: env.IMAPPort, Security: smtpimap.STARTTLS},
		TLSConfig: tlsCfg,
		Folders:   []string{folder},
	})
	c, err := realClient(env, owner)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = c.Delete(folder).Wait()
		_ = c.Close()
	})
	resyncScenario(t, p, c, owner.Email, []string{env.Users[1].Email, env.Users[2].Email}, folder)
}

// TestRealServers_watch: Dovecot's IDLE reports mail appended by another
// client, and Watch ends with the context.
func TestRealServers_watch(t *testing.T) {
	env := realEnv(t)
	tlsCfg, err := env.TLSConfig(env.SMTPHost)
	if err != nil {
		t.Fatal(err)
	}
	owner := env.Users[0]
	p := newProvider(t, smtpimap.Config{
		Email: owner.Email, Password: crypto.Secret(owner.Password),
		SMTP:      smtpimap.Server{Host: env.SMTPHost, Port: env.SMTPPort, Security: smtpimap.STARTTLS},
		IMAP:      &smtpimap.Server{Host: env.IMAPHost, Port: env.IMAPPort, Security: smtpimap.STARTTLS},
		TLSConfig: tlsCfg,
	})
	ctx, cancel := context.WithCancel(ctxT(t))
	defer cancel()
	notes := make(chan struct{}, 16)
	done := make(chan error, 1)
	go func() { done <- p.Watch(ctx, func() { notes <- struct{}{} }) }()
	waitNote(t, notes, "at start")
	deliverUntilNoted(t, notes, func() error {
		return realAppend(env, owner, "INBOX", providertest.Unrelated("x@example.net", owner.Email))
	}, "after mail was appended")
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Watch = %v; want nil after cancel (as every provider's Watch)", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Watch did not return after cancel")
	}
}

// realEnv returns the real servers' environment, skipping the test when
// scripts/mailservers.sh has not started them.
func realEnv(tb testing.TB) *realservers.Env {
	tb.Helper()
	env, err := realservers.FromEnv(nil)
	if errors.Is(err, realservers.ErrNotEnabled) {
		tb.Skip("real servers not started: eval \"$(bash scripts/mailservers.sh start)\" sets INBOXKIT_REAL_SERVERS=1")
	}
	if err != nil {
		tb.Fatal(err)
	}
	return env
}
