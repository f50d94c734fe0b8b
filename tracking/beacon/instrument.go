package beacon

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking/activity"
)

// Options configures [Wrap].
type Options struct {
	// BaseURL is the absolute http(s) URL where the [Handler] is mounted,
	// such as "https://t.example.com/t". Required.
	BaseURL string
	// TTL is how long open and click tokens are recorded; an expired click
	// still redirects to its signed URL. Zero means 400 days. Unsubscribe
	// tokens never expire (an opt-out must keep working).
	TTL time.Duration
	// UnsubscribeMailto, when set, is added to List-Unsubscribe as a
	// mailto: alternative for clients without RFC 8058 support.
	UnsubscribeMailto string
	// MaxHTML is the largest HTML part that is rewritten; a larger one is
	// sent without pixel or click tracking (the headers are still added).
	// Zero means 4 MiB.
	MaxHTML int
	// MaxLinks caps the links rewritten per message; later links stay as
	// they are. Zero means 1000.
	MaxLinks int
	// Sink receives a Sent event per recipient after each successful send
	// (tracked or not; not for a Duplicate). Nil means none.
	Sink activity.Sink
	// Logger reports sink failures; nil discards.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Instrumented is a [provider.Provider] that adds open, click and unsubscribe
// tracking to the messages that ask for it ([Track]) and passes everything
// else through to the provider it wraps, so Gmail, Graph and SMTP mail is
// tracked the same way. Like oauth2.Transport around a RoundTripper, it
// changes only what it must: the HTML part gets a pixel and rewritten
// links, the headers get List-Unsubscribe and List-Unsubscribe-Post, and
// the text part is untouched (apart from [UnsubscribePlaceholder]).
//
// Tracking needs the Message-ID before sending, so Instrumented fills an
// empty Message.MessageID the way providers do (from the IdempotencyKey
// when there is one) and writes it back to the caller's message.
// Recipient-level events need one recipient per message; a tracked
// message to several recipients carries an empty Recipient in its open
// and click tokens.
//
// An Instrumented is safe for concurrent use if the wrapped one is.
type Instrumented struct {
	inner  provider.Provider
	signer *Signer
	opts   Options
	base   string // BaseURL without a trailing slash
}

var _ provider.Provider = (*Instrumented)(nil)

// Wrap returns an Instrumented provider around inner.
func Wrap(inner provider.Provider, s *Signer, opts *Options) (*Instrumented, error) {
	if inner == nil || s == nil {
		return nil, errors.New("beacon: wrap: nil provider or signer")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	u, err := url.Parse(o.BaseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("beacon: wrap: BaseURL must be an absolute http(s) URL without query or fragment")
	}
	if o.TTL <= 0 {
		o.TTL = 400 * 24 * time.Hour
	}
	if o.MaxHTML <= 0 {
		o.MaxHTML = 4 << 20
	}
	if o.MaxLinks <= 0 {
		o.MaxLinks = 1000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.UnsubscribeMailto != "" {
		if err := provider.ValidEmail(o.UnsubscribeMailto); err != nil {
			return nil, errors.New("beacon: wrap: UnsubscribeMailto is not an address")
		}
	}
	return &Instrumented{inner: inner, signer: s, opts: o, base: strings.TrimRight(o.BaseURL, "/")}, nil
}

// Kind returns the wrapped provider's kind.
func (p *Instrumented) Kind() provider.Kind { return p.inner.Kind() }

// Account returns the wrapped provider's account.
func (p *Instrumented) Account() provider.Account { return p.inner.Account() }

// Verify calls the wrapped provider.
func (p *Instrumented) Verify(ctx context.Context) error { return p.inner.Verify(ctx) }

// Fetch calls the wrapped provider.
func (p *Instrumented) Fetch(ctx context.Context, cursor string, idx provider.SentIndex) (*provider.Batch, error) {
	return p.inner.Fetch(ctx, cursor, idx)
}

// Close closes the wrapped provider.
func (p *Instrumented) Close() error { return p.inner.Close() }

// Send instruments m as its plan says (see [Track]), sends it through the
// wrapped provider and records a Sent event per recipient. The caller's
// message is not modified except for an empty MessageID, which is filled.
// A malformed plan is an ErrInvalid error and nothing is sent. A sink
// failure is logged and does not fail the send: the mail has gone.
func (p *Instrumented) Send(ctx context.Context, m *provider.Message) (*provider.Sent, error) {
	out, plan, err := p.instrument(m)
	if err != nil {
		return nil, err
	}
	sent, err := p.inner.Send(ctx, out)
	if err != nil || sent == nil || sent.Duplicate || p.opts.Sink == nil {
		return sent, err
	}
	at := sent.SentAt
	if at.IsZero() {
		at = p.opts.Now()
	}
	account := strings.ToLower(p.inner.Account().Email)
	for _, r := range out.Recipients() {
		e := activity.Event{
			Type:      activity.EventSent,
			At:        at,
			Account:   account,
			MessageID: sent.MessageID,
			Recipient: strings.ToLower(r.Email),
			Campaign:  plan.Campaign,
		}
		if rerr := p.opts.Sink.Record(ctx, e); rerr != nil {
			p.opts.Logger.WarnContext(ctx, "beacon: recording a sent event failed",
				"message_id", sent.MessageID, "err", rerr)
		}
	}
	return sent, nil
}

// Instrument returns the message Send would hand to the wrapped provider:
// a copy of m with its tracking plan applied and TrackHeader removed. It
// fills an empty m.MessageID. Hosts use it to preview tracked mail.
func (p *Instrumented) Instrument(m *provider.Message) (*provider.Message, error) {
	out, _, err := p.instrument(m)
	return out, err
}
