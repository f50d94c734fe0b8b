package gmail

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/inboxkit/inboxkit/internal/oauthtoken"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/internal/watchloop"
	"github.com/inboxkit/inboxkit/provider"
	"golang.org/x/oauth2"
	gmailapi "google.golang.org/api/gmail/v1"
	"google.golang.org/api/option"
)

// Options configure a Provider. The zero value (with Email set) talks to
// Google.
type Options struct {
	// Email is the mailbox's address (required).
	Email string
	// FromName is the display name used in From when a message gives
	// none.
	FromName string
	// Endpoint is the API's base URL; empty means Google's. Tests point it
	// at a fake (see internal/fakegmail).
	Endpoint string
	// HTTPClient is the client whose transport carries the requests; the
	// Bearer token from the TokenSource is added on top. Nil means
	// http.DefaultClient.
	HTTPClient *http.Client
	// LookBack is how far an empty cursor looks back; zero means 30 days.
	LookBack time.Duration
	// SendLog remembers idempotency keys; nil keeps them in memory.
	SendLog provider.SendLog
	// UploadThreshold is the raw size above which a message is sent
	// through the media upload endpoint instead of as a JSON "raw" field;
	// zero means 4 MiB.
	UploadThreshold int
	// DailyLimit caps sends over a rolling 24 hours (see SendsToday);
	// zero means LimitWorkspace. A negative value disables the check.
	DailyLimit int
	// SendCounter keeps the daily count; share one (pgstore.Counters)
	// between every process sending from the mailbox so the limit holds
	// across replicas and restarts. Nil counts in this Provider's memory.
	SendCounter provider.SendCounter
	// SendOnly says the grant is AccessSend, with no read scope: Verify
	// then takes a 403 for the profile as proof that the token works (it
	// cannot check the address; Exchange did, from the ID token), and
	// Fetch and Watch fail with ErrPermission without calling Google.
	// Without a read scope an IdempotencyKey cannot be looked up after an
	// ambiguous failure, so such a key stays blocked rather than risk a
	// second delivery.
	SendOnly bool
	// Watch configures push notifications for the Watch method.
	Watch WatchOptions
	// Label, when set, is a label (created when missing) put on sent
	// mail and on fetched related mail. It needs ScopeModify; without it
	// labelling fails quietly (logged) and sending and fetching go on.
	// Fetch labels a message before the host has saved the cursor, so
	// the label never decides what Fetch returns.
	Label string
	// Logger receives debug records; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	// backoff is the retry policy for rate limits and transient failures
	// (the zero value: 4 attempts, capped jittered backoff, Retry-After
	// honoured up to 2 minutes); only tests change it, to run without
	// waiting (see export_test.go). A host bounds retries with its
	// context's deadline.
	backoff providerkit.Backoff
}

// Provider is one Gmail or Google Workspace mailbox. It is safe for
// concurrent use.
type Provider struct {
	svc      *gmailapi.Service
	tokens   *oauthtoken.Cache
	email    string
	name     string
	lookBack time.Duration
	upload   int
	backoff  providerkit.Backoff
	sender   providerkit.SendPath
	log      *slog.Logger
	now      func() time.Time
	closed   atomic.Bool
	daily    dailyCounter
	watch    WatchOptions
	pushes   watchloop.Signal
	stop     *watchloop.Stop
	lastPush atomic.Uint64
	label    labeler
	sendOnly bool

	aliasMu sync.Mutex
	aliases []string // accepted send-as addresses, nil until listed
}

var _ provider.Provider = (*Provider)(nil)

// New returns a Provider for the mailbox opts.Email, signing requests with
// tokens from ts. It does not touch the network; call Verify for that.
//
// When Google rejects an access token (401), the request is retried once
// with a new one. A token source with a method Invalidate(*oauth2.Token),
// such as this package's TokenSource, is first told to drop the rejected
// token; any other (a plain oauth2.ReuseTokenSource) is asked once more
// and the call fails with ErrAuth if it hands out the same token.
func New(ctx context.Context, ts oauth2.TokenSource, opts *Options) (*Provider, error) {
	if opts == nil {
		opts = &Options{}
	}
	if err := provider.ValidEmail(opts.Email); err != nil {
		return nil, &provider.Error{Op: "new", Provider: provider.KindGmail, Code: provider.ErrInvalid, Field: "Email", Err: err}
	}
	if ts == nil {
		return nil, &provider.Error{Op: "new", Provider: provider.KindGmail, Code: provider.ErrInvalid, Field: "TokenSource", Err: errNilTokenSource}
	}
	if strings.ContainsAny(opts.FromName, "\r\n\x00") {
		return nil, &provider.Error{Op: "new", Provider: provider.KindGmail, Code: provider.ErrInvalid, Field: "FromName", Err: errBadName}
	}
	p := &Provider{
		tokens:   oauthtoken.NewCache(ts),
		email:    opts.Email,
		name:     opts.FromName,
		lookBack: opts.LookBack,
		upload:   opts.UploadThreshold,
		backoff:  opts.backoff,
		log:      opts.Logger,
		now:      opts.Now,
		watch:    opts.Watch,
		pushes:   watchloop.NewSignal(),
		stop:     watchloop.NewStop(),
		label:    labeler{name: opts.Label},
		sendOnly: opts.SendOnly,
	}
	if p.lookBack <= 0 {
		p.lookBack = 30 * 24 * time.Hour
	}
	if p.upload <= 0 {
		p.upload = 4 << 20
	}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	if p.now == nil {
		p.now = time.Now
	}
	p.daily = newDailyCounter(p.email, opts.DailyLimit, opts.SendCounter, p.now)
	p.sender = providerkit.SendPath{
		Kind: provider.KindGmail, Account: p.email, Closed: &p.closed,
		Dedupe:    providerkit.NewDeduper(opts.SendLog, p.now),
		CheckFrom: p.checkFrom, Limit: &p.daily,
		Deliver: p.sendOnce, Lookup: p.lookup,
	}

	base := opts.HTTPClient
	if base == nil {
		base = http.DefaultClient
	}
	hc := &http.Client{
		Transport:     &oauth2.Transport{Source: p.tokens, Base: base.Transport},
		CheckRedirect: base.CheckRedirect,
		Jar:           base.Jar,
		Timeout:       base.Timeout,
	}
	copts := []option.ClientOption{option.WithHTTPClient(hc)}
	if opts.Endpoint != "" {
		copts = append(copts, option.WithEndpoint(opts.Endpoint))
	}
	svc, err := gmailapi.NewService(ctx, copts...)
	if err != nil {
		return nil, &provider.Error{Op: "new", Provider: provider.KindGmail, Code: provider.ErrInvalid, Field: "Endpoint", Err: err}
	}
	p.svc = svc
	return p, nil
}

// Kind returns provider.KindGmail.
func (p *Provider) Kind() provider.Kind { return provider.KindGmail }

// Account describes the mailbox; Aliases holds the accepted send-as
// addresses once Verify, or a Send from an address that is not the
// account's, has listed them.
func (p *Provider) Account() provider.Account {
	p.aliasMu.Lock()
	defer p.aliasMu.Unlock()
	return provider.Account{Email: p.email, Name: p.name, Aliases: append([]string(nil), p.aliases...)}
}

// Verify reads the profile (users.getProfile, 1 quota unit) and checks the
// token belongs to the expected address: ErrAccountMismatch otherwise,
// ErrAuth when the token is rejected. It then lists the send-as aliases
// (1 unit) for Account.
func (p *Provider) Verify(ctx context.Context) error {
	if err := p.checkOpen("verify"); err != nil {
		return err
	}
	prof, err := p.profile(ctx, "verify")
	if p.sendOnly && errors.Is(err, provider.ErrPermission) {
		return nil // the token works; it just may not read
	}
	if err != nil {
		return err
	}
	if !strings.EqualFold(prof.EmailAddress, p.email) {
		return &provider.Error{Op: "verify", Provider: provider.KindGmail, Code: provider.ErrAccountMismatch,
			Err: mismatchError(p.email, prof.EmailAddress)}
	}
	// Learn the send-as aliases for Account; a grant that may read mail
	// may list them, and a refusal here says nothing about the mailbox.
	if err := p.refreshAliases(ctx); err != nil && !errors.Is(err, provider.ErrPermission) {
		return err
	}
	return nil
}

// Close marks the Provider closed; later calls fail with provider.ErrClosed.
func (p *Provider) Close() error {
	p.closed.Store(true)
	p.stop.Close() // ends a running Watch
	return nil
}

var errSendOnly = errors.New("gmail: the grant has no read scope (Options.SendOnly)")

func (p *Provider) checkRead(op string) error {
	if err := p.checkOpen(op); err != nil {
		return err
	}
	if p.sendOnly {
		return &provider.Error{Op: op, Provider: provider.KindGmail, Code: provider.ErrPermission, Err: errSendOnly}
	}
	return nil
}

func (p *Provider) checkOpen(op string) error {
	if p.closed.Load() {
		return providerkit.Closed(provider.KindGmail, op)
	}
	return nil
}

func (p *Provider) profile(ctx context.Context, op string) (*gmailapi.Profile, error) {
	var prof *gmailapi.Profile
	err := p.call(ctx, op, func(ctx context.Context) error {
		var err error
		prof, err = p.svc.Users.GetProfile("me").Context(ctx).Do()
		return err
	})
	return prof, err
}
