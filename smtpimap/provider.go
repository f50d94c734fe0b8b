package smtpimap

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/inboxkit/inboxkit/internal/compose"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/internal/watchloop"
	"github.com/inboxkit/inboxkit/provider"
)

// Provider is one mailbox over SMTP (and optionally IMAP). It is safe for
// concurrent use: sends share one SMTP connection in turn, and IMAP work
// shares one IMAP connection in turn.
type Provider struct {
	cfg     Config
	account provider.Account
	log     *slog.Logger
	sender  providerkit.SendPath
	smtp    smtpConn
	imap    imapConn
	closed  atomic.Bool
	stop    *watchloop.Stop // closed by Close: ends a running Watch
	budget  fetchBudget     // zero: defaultBudget

	sentMu     sync.Mutex
	sentFolder string   // found once, then cached
	folders    []string // folders Fetch reads, found once

}

var (
	_ provider.Provider = (*Provider)(nil)
	_ provider.Watcher  = (*Provider)(nil)
)

// New checks cfg and returns a Provider; it does not touch the network
// (call Verify for that). Missing ports or security are inferred (see
// Server.Resolve); anything unusable is a provider.ErrInvalid naming the
// field.
func New(cfg Config) (*Provider, error) {
	if err := provider.ValidEmail(cfg.Email); err != nil {
		return nil, providerkit.Invalid("Email", err.Error())
	}
	if strings.ContainsAny(cfg.FromName, "\r\n\x00") {
		return nil, providerkit.Invalid("FromName", "contains CR, LF or NUL")
	}
	for i, a := range cfg.Aliases {
		if err := provider.ValidEmail(a); err != nil {
			return nil, providerkit.Invalid("Aliases["+strconv.Itoa(i)+"]", err.Error())
		}
	}
	if strings.ContainsAny(cfg.Username, "\r\n\x00") {
		return nil, providerkit.Invalid("Username", "contains CR, LF or NUL")
	}
	if cfg.Password.Empty() && cfg.TokenSource == nil {
		return nil, providerkit.Invalid("Password", "empty, and no TokenSource")
	}
	var err error
	if cfg.SMTP, err = cfg.SMTP.Resolve(false, "SMTP"); err != nil {
		return nil, err
	}
	if cfg.IMAP != nil {
		imapSrv, err := cfg.IMAP.Resolve(true, "IMAP")
		if err != nil {
			return nil, err
		}
		cfg.IMAP = &imapSrv
	}
	if err := resolvePOP3(&cfg); err != nil {
		return nil, err
	}
	if cfg.Auth < AuthAuto || cfg.Auth > AuthXOAUTH2 {
		return nil, providerkit.Invalid("Auth", "unknown mechanism")
	}
	if cfg.Auth == AuthXOAUTH2 && cfg.TokenSource == nil {
		return nil, providerkit.Invalid("TokenSource", "XOAUTH2 needs a TokenSource")
	}
	if cfg.SentFolder != "" && strings.ContainsAny(cfg.SentFolder, "\r\n\x00") {
		return nil, providerkit.Invalid("SentFolder", "contains CR, LF or NUL")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p := &Provider{
		cfg: cfg,
		account: provider.Account{
			Email:   cfg.Email,
			Name:    cfg.FromName,
			Aliases: append([]string(nil), cfg.Aliases...),
		},
		log:  log.With("provider", "smtpimap", "account", cfg.Email),
		stop: watchloop.NewStop(),
	}
	p.sender = providerkit.SendPath{
		Kind: provider.KindSMTPIMAP, Account: cfg.Email, Closed: &p.closed,
		Dedupe:    providerkit.NewDeduper(cfg.SendLog, cfg.Now),
		CheckFrom: p.checkFrom,
		Deliver:   p.sendOnce, Lookup: p.lookupEarlier,
	}
	p.smtp.p = p
	p.imap.p = p
	return p, nil
}

// Kind returns provider.KindSMTPIMAP.
func (p *Provider) Kind() provider.Kind { return provider.KindSMTPIMAP }

// Account returns the mailbox's address, name and aliases.
func (p *Provider) Account() provider.Account { return p.account }

// Close closes the SMTP and IMAP connections. Later calls fail with
// provider.ErrClosed.
func (p *Provider) Close() error {
	if p.closed.Swap(true) {
		return nil
	}
	p.stop.Close()
	return errors.Join(p.smtp.close(), p.imap.close())
}

// Verify signs in to SMTP and, when receiving is on, to IMAP (or POP3). A rejected
// password is provider.ErrAuth; a server without TLS is provider.ErrInsecure.
// The connections it opens are kept for later sends and fetches.
func (p *Provider) Verify(ctx context.Context) error {
	if p.closed.Load() {
		return providerkit.Closed(provider.KindSMTPIMAP, "verify")
	}
	p.smtp.mu.Lock()
	err := p.smtp.dial(ctx)
	p.smtp.mu.Unlock()
	if err != nil {
		return err
	}
	if p.cfg.IMAP == nil {
		return p.verifyPOP3(ctx)
	}
	return p.imap.do(ctx, func(s *imapSession) error { return nil })
}

// Send validates m, sends it over SMTP as the account and appends the
// exact bytes sent to the Sent folder. From must be the account or one of
// its aliases (provider.ErrNotAllowed otherwise). With an IdempotencyKey,
// a retry after an ambiguous failure finds the earlier copy in the Sent
// folder instead of delivering twice.
//
// Send returns a *Sent or an error, never both. When the connection is
// lost after the whole message was handed over, the outcome is unknown:
// the error matches provider.ErrOutcomeUnknown, the copy is still saved to
// Sent (so that a retry with the same key finds it and does not deliver
// again), and a host must never resend the message under a new Message-ID.
// Without a Sent folder to look in (IMAP off, or SaveSentNever on a server
// that does not file sent mail itself), a retry after an unknown outcome
// fails with provider.ErrOutcomeUnknown again instead of sending blindly.
// When SMTP accepted the message but the copy to Sent failed, Send
// succeeds and says so in Sent.SentCopyErr.
func (p *Provider) Send(ctx context.Context, m *provider.Message) (*provider.Sent, error) {
	return p.sender.Send(ctx, m)
}

// checkFrom lets a From other than the account through when it is one of
// Config.Aliases.
func (p *Provider) checkFrom(_ context.Context, from string) error {
	if p.account.MaySendAs(from) {
		return nil
	}
	return providerkit.NotAllowedFrom(provider.KindSMTPIMAP, from+" is neither the account nor one of its aliases")
}

func (p *Provider) sendOnce(ctx context.Context, m *provider.Message) (*provider.Sent, error) {
	built, err := compose.Build(m, compose.Options{Account: p.cfg.Email, FromName: p.cfg.FromName, Now: p.now(), Validated: true})
	if err != nil {
		return nil, err
	}
	sendErr := p.smtp.send(ctx, built, p.sender.Dedupe.Handover(p.cfg.Email, m))
	ambiguous := errors.Is(sendErr, provider.ErrOutcomeUnknown)
	if sendErr != nil && !ambiguous {
		nameRecipient(sendErr, m)
		return nil, sendErr
	}
	// Delivered, or transferred whole with the reply lost. At most once:
	// the latter is saved to Sent too, so that a retry with the same key
	// finds it and the user sees what recipients probably got.
	sent := &provider.Sent{MessageID: built.MessageID, ThreadID: threadRoot(m), SentAt: built.Date}
	if p.saveSent() {
		uid, err := p.appendSent(ctx, built)
		if err != nil {
			p.log.Warn("message sent, but saving the copy to Sent failed", "message_id", built.MessageID, "error", err)
			sent.SentCopyErr = err
		}
		sent.ProviderID = uid
	}
	if ambiguous {
		return nil, sendErr
	}
	return sent, nil
}

// nameRecipient turns the "Recipients[i]" field of a refused RCPT into
// the Message field it came from (To[i].Email, Cc[j].Email, Bcc[k].Email):
// compose lists the envelope recipients as To, then Cc, then Bcc.
func nameRecipient(err error, m *provider.Message) {
	var pe *provider.Error
	if !errors.As(err, &pe) || !strings.HasPrefix(pe.Field, "Recipients[") {
		return
	}
	i, convErr := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(pe.Field, "Recipients["), "]"))
	if convErr != nil || i < 0 {
		return
	}
	for _, list := range []struct {
		name  string
		addrs []provider.Address
	}{{"To", m.To}, {"Cc", m.Cc}, {"Bcc", m.Bcc}} {
		if i < len(list.addrs) {
			pe.Field = list.name + "[" + strconv.Itoa(i) + "].Email"
			return
		}
		i -= len(list.addrs)
	}
}

// threadRoot is the Message-ID of the thread's first message: the first
// References entry, else In-Reply-To, else the given ThreadID, else the
// message itself.
func threadRoot(m *provider.Message) string {
	switch {
	case len(m.References) > 0:
		return m.References[0]
	case m.InReplyTo != "":
		return m.InReplyTo
	case m.ThreadID != "":
		return m.ThreadID
	}
	return m.MessageID
}

func (p *Provider) saveSent() bool {
	if p.cfg.IMAP == nil {
		return false
	}
	switch p.cfg.SaveSent {
	case SaveSentAlways:
		return true
	case SaveSentNever:
		return false
	}
	return !savesSentItself(p.cfg.SMTP.Host)
}

// savesSentItself reports hosts whose SMTP service files a copy of every
// message in Sent on its own (Gmail; Outlook / Office 365), where an
// APPEND would make a second copy.
func savesSentItself(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, h := range []string{"smtp.gmail.com", "smtp.googlemail.com", "smtp.office365.com", "smtp-mail.outlook.com", "outlook.office365.com"} {
		if host == h {
			return true
		}
	}
	return false
}

func (p *Provider) timeout() time.Duration {
	if p.cfg.Timeout > 0 {
		return p.cfg.Timeout
	}
	return 30 * time.Second
}

func (p *Provider) now() time.Time {
	if p.cfg.Now != nil {
		return p.cfg.Now()
	}
	return time.Now()
}

func (p *Provider) helloName() string {
	if p.cfg.HelloName != "" {
		return p.cfg.HelloName
	}
	at := strings.LastIndexByte(p.cfg.Email, '@')
	return p.cfg.Email[at+1:]
}
