package smtpimap_test

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/inboxkit/inboxkit/internal/mailserver"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/smtpimap"
)

// #12 item 7: an APPEND lost with its connection (the server stored the
// copy and closed without answering) is not repeated blindly: the retry on
// a new connection looks the Message-ID up in Sent first.
func TestItem7_appendNotRepeatedBlindly(t *testing.T) {
	srv := testServer(t, nil)
	p := newProvider(t, configFor(srv))
	if err := p.Verify(ctxT(t)); err != nil { // the IMAP connection is kept and reused
		t.Fatal(err)
	}
	srv.DropAfterAppend(1)
	sent, err := p.Send(ctxT(t), hello("bob@inboxkit.test"))
	if err != nil || sent.SentCopyErr != nil {
		t.Fatalf("Send = %+v, %v; want a clean success", sent, err)
	}
	if got, want := sentCount(t, srv, sent.MessageID), 1; got != want {
		t.Errorf("%d copies in Sent; want %d", got, want)
	}
	if sent.ProviderID == "" {
		t.Error("ProviderID is empty; want the UID of the copy found in Sent")
	}
}

// #12 item 7: without IMAP there is no Sent folder to look in, so after a
// connection lost during DATA a retry with the same key is refused with
// ErrOutcomeUnknown, never sent again.
func TestItem7_withoutIMAPAmbiguousNeverResent(t *testing.T) {
	srv := testServer(t, nil)
	cfg := configFor(srv)
	cfg.IMAP = nil
	p := newProvider(t, cfg)
	srv.DropDuringData(1)
	m := hello("bob@inboxkit.test")
	m.IdempotencyKey = "no-imap/1"
	for i := range 2 {
		sent, err := p.Send(ctxT(t), m)
		if sent != nil || !errors.Is(err, provider.ErrOutcomeUnknown) || provider.IsTemporary(err) {
			t.Fatalf("attempt %d: Send = %+v, %v; want ErrOutcomeUnknown", i+1, sent, err)
		}
	}
	if got := outboxCount(srv, m.MessageID); got != 1 {
		t.Errorf("delivered %d times; want 1", got)
	}
}

// #12 item 7: a failure that surely delivered nothing (the connection was
// never made) may be retried with the same key without IMAP.
func TestItem7_withoutIMAPDefiniteFailureRetries(t *testing.T) {
	srv := testServer(t, nil)
	cfg := configFor(srv)
	cfg.IMAP = nil
	var refuse atomic.Bool
	refuse.Store(true)
	cfg.Dialer = &net.Dialer{Control: func(string, string, syscall.RawConn) error {
		if refuse.Load() {
			return errEgress
		}
		return nil
	}}
	p := newProvider(t, cfg)
	m := hello("bob@inboxkit.test")
	m.IdempotencyKey = "no-imap/2"
	if _, err := p.Send(ctxT(t), m); err == nil || errors.Is(err, provider.ErrOutcomeUnknown) {
		t.Fatalf("Send through a refusing dialer = %v; want a definite failure", err)
	}
	refuse.Store(false)
	sent, err := p.Send(ctxT(t), m)
	if err != nil || sent.Duplicate {
		t.Fatalf("retry = %+v, %v; want a first delivery", sent, err)
	}
	if got := outboxCount(srv, sent.MessageID); got != 1 {
		t.Errorf("delivered %d times; want 1", got)
	}
}

var errEgress = errors.New("egress policy: refused")

// refusingDialer is a host's egress policy as a Control hook that refuses
// everything, remembering what it was asked.
type refusingDialer struct {
	net.Dialer
	asked chan string
}

func newRefusingDialer() *refusingDialer {
	d := &refusingDialer{asked: make(chan string, 64)}
	d.Control = func(_, address string, _ syscall.RawConn) error {
		select {
		case d.asked <- address:
		default:
		}
		return errEgress
	}
	return d
}

// #12 item 9: Config.Dialer carries every SMTP, IMAP and POP3 dial, so a
// refusing hook stops Verify, Send, Fetch and Watch before any byte
// reaches a server.
func TestItem9_dialerHookStopsEveryDial(t *testing.T) {
	srv, pop3Cfg := pop3Setup(t, mailserver.SecurityTLS)
	imapCfg := configFor(srv)
	type call struct {
		name string
		pop3 bool
		run  func(ctx context.Context, p *providerT) error
	}
	calls := []call{
		{"Verify", false, func(ctx context.Context, p *providerT) error { return p.Verify(ctx) }},
		{"Send", false, func(ctx context.Context, p *providerT) error {
			_, err := p.Send(ctx, hello("bob@inboxkit.test"))
			return err
		}},
		{"Fetch IMAP", false, func(ctx context.Context, p *providerT) error {
			_, err := p.Fetch(ctx, "", emptyIndex{})
			return err
		}},
		{"Fetch POP3", true, func(ctx context.Context, p *providerT) error {
			_, err := p.Fetch(ctx, "", emptyIndex{})
			return err
		}},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			cfg := imapCfg
			if c.pop3 {
				cfg = pop3Cfg
			}
			d := newRefusingDialer()
			cfg.Dialer = d
			srv.ResetCounters()
			err := c.run(ctxT(t), newProvider(t, cfg))
			if !errors.Is(err, errEgress) {
				t.Fatalf("%s = %v; want the hook's refusal", c.name, err)
			}
			if len(d.asked) == 0 {
				t.Error("the hook was never asked")
			}
			if n := srv.SMTPConnections() + srv.IMAPCommands() + srv.POP3RoundTrips(); n != 0 {
				t.Errorf("the server saw %d connections or commands; want 0", n)
			}
		})
	}
	for _, pop3 := range []bool{false, true} {
		name := "Watch IMAP"
		cfg := imapCfg
		if pop3 {
			name, cfg = "Watch POP3", pop3Cfg
		}
		t.Run(name, func(t *testing.T) {
			d := newRefusingDialer()
			cfg.Dialer = d
			srv.ResetCounters()
			p := newProvider(t, cfg)
			ctx, cancel := context.WithCancel(ctxT(t))
			done := make(chan error, 1)
			go func() { done <- p.Watch(ctx, func() {}) }()
			<-d.asked // the watch tried to connect, and was refused
			cancel()
			if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("Watch = %v; want it to end when ctx does", err)
			}
			if n := srv.IMAPCommands() + srv.POP3RoundTrips(); n != 0 {
				t.Errorf("the server saw %d commands; want 0", n)
			}
		})
	}
}

type providerT = smtpimap.Provider

// emptyIndex knows no sent mail.
type emptyIndex struct{}

func (emptyIndex) ByMessageID(context.Context, string) (*provider.SentRecord, error) {
	return nil, provider.ErrNotFound
}

func (emptyIndex) ByThread(context.Context, string, string) (*provider.SentRecord, error) {
	return nil, provider.ErrNotFound
}
