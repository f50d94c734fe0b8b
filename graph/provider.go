package graph

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/inboxkit/inboxkit/internal/oauthtoken"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/internal/watchloop"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
	"golang.org/x/oauth2"
)

// DefaultBaseURL is Microsoft Graph's v1.0 endpoint.
const DefaultBaseURL = "https://graph.microsoft.com/v1.0"

// Options configure a Provider. The zero value (with Email set) talks to
// Microsoft Graph.
type Options struct {
	// Email is the mailbox's address (required).
	Email string
	// FromName is the display name used in From when a message gives
	// none.
	FromName string
	// BaseURL is the API root; empty means DefaultBaseURL. Tests point it
	// at a fake (see internal/fakegraph).
	BaseURL string
	// HTTPClient's transport carries the requests (its Timeout is kept);
	// the Bearer token from the TokenSource is added on top. Nil means
	// http.DefaultClient.
	HTTPClient *http.Client
	// LookBack is how far an empty cursor looks back; zero means 30 days.
	LookBack time.Duration
	// Folders are the mail folders Fetch reads and Watch subscribes to, by
	// well-known name or folder id; nil means inbox and junkemail (where
	// many bounces land). Repeats are dropped.
	Folders []string
	// SendLog remembers idempotency keys; nil keeps them in memory.
	SendLog provider.SendLog
	// Limiter bounds concurrent requests per mailbox. Share one Limiter
	// between every Provider of a process so two Providers for the same
	// mailbox share its budget; nil gives this Provider its own, allowing
	// MaxConcurrent requests.
	Limiter *Limiter
	// SendLimits are Exchange Online's per-mailbox sending limits, checked
	// before a send reaches Graph; the zero value means the defaults.
	SendLimits SendLimits
	// SendCounter keeps the counts behind SendLimits; share one
	// (pgstore.Counters) between every process sending from the mailbox
	// so the limits hold across replicas. Nil counts in this Provider's
	// memory.
	SendCounter provider.SendCounter
	// PageSize is the delta page size asked for with Prefer:
	// odata.maxpagesize; zero means 50.
	PageSize int
	// SendWithDrafts sends by creating a draft from the MIME and sending
	// it (two requests) instead of POST /me/sendMail (one request, plus
	// the look-up of the copy in Sent Items for its ids). The draft gives
	// Sent its ProviderID and ThreadID at once and makes a retry after a
	// lost answer safe even before Exchange files the copy, but creating
	// a draft needs Mail.ReadWrite (AccessSendReadWrite). Sends on behalf
	// of another mailbox always use a draft.
	SendWithDrafts bool
	// SentLookupWait bounds how long a sendMail send waits for Exchange
	// to file the copy in Sent Items, to report its ids; zero means 3
	// seconds, negative means not at all.
	SentLookupWait time.Duration
	// OnBehalfOf lists mailboxes whose owners granted this account "send
	// on behalf" in Exchange (needs ScopeSendShared). A message whose From
	// is one of them is sent as a draft with from set to that owner.
	OnBehalfOf []string
	// Watch configures change notifications for the Watch method.
	Watch WatchOptions
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

// Provider is one Outlook.com or Microsoft 365 mailbox over Microsoft
// Graph. It is safe for concurrent use.
type Provider struct {
	api        *client
	me         *users.UserItemRequestBuilder
	tokens     *oauthtoken.Cache
	email      string
	name       string
	onBehalf   []string
	drafts     bool
	lookupWait time.Duration
	lookBack   time.Duration
	folders    []string
	pageSize   int
	backoff    providerkit.Backoff
	sender     providerkit.SendPath
	quota      *sendQuota
	watch      WatchOptions
	log        *slog.Logger
	now        func() time.Time
	closed     atomic.Bool
	stop       *watchloop.Stop // closed by Close: ends a running Watch
}

var _ provider.Provider = (*Provider)(nil)

var (
	errNilTokenSource = errors.New("graph: nil oauth2.TokenSource")
	errBadName        = errors.New("graph: display name contains CR, LF or NUL")
)

// New returns a Provider for the mailbox opts.Email, signing requests with
// tokens from ts. It does not touch the network; call Verify for that.
//
// When Microsoft rejects an access token (401), the request is retried once
// with a new one. A token source with a method Invalidate(*oauth2.Token),
// such as this package's TokenSource, is first told to drop the rejected
// token; any other (a plain oauth2.ReuseTokenSource) is asked once more
// and the call fails with ErrAuth if it hands out the same token.
func New(ctx context.Context, ts oauth2.TokenSource, opts *Options) (*Provider, error) {
	if opts == nil {
		opts = &Options{}
	}
	invalid := func(field string, err error) error {
		return &provider.Error{Op: "new", Provider: provider.KindGraph, Code: provider.ErrInvalid, Field: field, Err: err}
	}
	if err := provider.ValidEmail(opts.Email); err != nil {
		return nil, invalid("Email", err)
	}
	if ts == nil {
		return nil, invalid("TokenSource", errNilTokenSource)
	}
	if strings.ContainsAny(opts.FromName, "\r\n\x00") {
		return nil, invalid("FromName", errBadName)
	}
	for i, a := range opts.OnBehalfOf {
		if err := provider.ValidEmail(a); err != nil {
			return nil, invalid("OnBehalfOf["+itoa(i)+"]", err)
		}
	}
	folders, err := checkFolders(opts.Folders)
	if err != nil {
		return nil, err
	}
	p := &Provider{
		tokens:     oauthtoken.NewCache(ts),
		folders:    folders,
		email:      opts.Email,
		name:       opts.FromName,
		onBehalf:   opts.OnBehalfOf,
		drafts:     opts.SendWithDrafts,
		lookupWait: opts.SentLookupWait,
		lookBack:   opts.LookBack,
		pageSize:   opts.PageSize,
		backoff:    opts.backoff,
		watch:      opts.Watch,
		log:        opts.Logger,
		now:        opts.Now,
		stop:       watchloop.NewStop(),
	}
	if p.lookBack <= 0 {
		p.lookBack = 30 * 24 * time.Hour
	}
	if p.lookupWait == 0 {
		p.lookupWait = 3 * time.Second
	}
	if p.pageSize <= 0 {
		p.pageSize = 50
	}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	if p.now == nil {
		p.now = time.Now
	}
	p.quota = newSendQuota(opts.SendLimits, p.now).shared(opts.SendCounter, p.email)
	p.sender = providerkit.SendPath{
		Kind: provider.KindGraph, Account: p.email, Closed: &p.closed,
		Dedupe:    providerkit.NewDeduper(opts.SendLog, p.now),
		CheckFrom: p.checkFrom, Limit: p.quota,
		Deliver: p.sendOnce, Lookup: p.lookup,
	}
	limiter := opts.Limiter
	if limiter == nil {
		limiter = NewLimiter(MaxConcurrent)
	}
	api, err := newClient(opts.BaseURL, opts.HTTPClient, p.tokens, limiter, p.email)
	if err != nil {
		return nil, invalid("BaseURL", err)
	}
	p.api = api
	p.me = api.users.ByUserId(meToken)
	return p, nil
}

// Kind reports provider.KindGraph.
func (p *Provider) Kind() provider.Kind { return provider.KindGraph }

// Account describes the mailbox. Aliases is empty: Graph sends as the
// signed-in mailbox (whether Exchange keeps a proxy address as From is a
// tenant setting Graph does not report), or on behalf of the owners in
// Options.OnBehalfOf, who are other mailboxes, not aliases.
func (p *Provider) Account() provider.Account {
	return provider.Account{Email: p.email, Name: p.name}
}

// Close marks the Provider closed; later calls fail with ErrClosed.
func (p *Provider) Close() error {
	p.closed.Store(true)
	p.stop.Close()
	return nil
}

func (p *Provider) checkOpen(op string) error {
	if p.closed.Load() {
		return providerkit.Closed(provider.KindGraph, op)
	}
	return nil
}
