package gmail

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/internal/oidcjwt"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// PushAuth configures the authentication of Pub/Sub push requests. Create
// the push subscription with authentication on (--push-auth-service-account
// and --push-auth-token-audience); Pub/Sub then sends every request with
// "Authorization: Bearer <token>", an OpenID Connect token Google signs.
type PushAuth struct {
	// Audience is the subscription's token audience (by default the push
	// endpoint's URL); required.
	Audience string
	// ServiceAccount is the e-mail of the service account the
	// subscription signs as; required.
	ServiceAccount string
	// HTTPClient fetches Google's signing keys; nil means
	// http.DefaultClient.
	HTTPClient *http.Client
	// CertsURL is where the keys are published; empty means Google's
	// (https://www.googleapis.com/oauth2/v3/certs).
	CertsURL string
	// Skew is the clock difference tolerated on the token's times; zero
	// means 1 minute.
	Skew time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// PushVerifier authenticates Pub/Sub push requests before they are read.
// Google's keys are fetched once and cached for as long as Google's
// Cache-Control allows; a token signed with a new key fetches them again.
// Safe for concurrent use; make one per push endpoint.
type PushVerifier struct {
	v oidcjwt.Verifier
}

// NewPushVerifier checks auth and returns a PushVerifier.
func NewPushVerifier(auth PushAuth) (*PushVerifier, error) {
	if auth.Audience == "" {
		return nil, providerkit.Invalid("Audience", "empty: the push subscription's token audience is required")
	}
	if err := provider.ValidEmail(auth.ServiceAccount); err != nil {
		return nil, providerkit.Invalid("ServiceAccount", err.Error())
	}
	url := auth.CertsURL
	if url == "" {
		url = oidcjwt.GoogleCertsURL
	}
	return &PushVerifier{v: oidcjwt.Verifier{
		Keys:     &oidcjwt.Keys{URL: url, Client: auth.HTTPClient, Now: auth.Now},
		Issuers:  oidcjwt.GoogleIssuers(),
		Audience: auth.Audience,
		Email:    auth.ServiceAccount,
		Skew:     auth.Skew,
		Now:      auth.Now,
	}}, nil
}

// maxPushBody bounds a push request's body; Gmail's are a few hundred
// bytes.
const maxPushBody = 64 << 10

// ReadPush authenticates r and parses its body (see ParsePush), returning
// a Push marked Verified for Provider.Notify. Every push endpoint must use
// it (or an equivalent check): without it anyone who knows the endpoint
// can make the host fetch at will.
//
// A request without a valid token is a *provider.Error matching
// provider.ErrAuth (answer 401 or 403: Pub/Sub retries, and a forgery goes
// nowhere); when Google's keys cannot be fetched it matches
// provider.ErrTemporary (answer 503 so Pub/Sub redelivers later); a body
// that is not a Gmail push matches provider.ErrInvalid (answer 2xx so
// Pub/Sub does not redeliver it).
func (v *PushVerifier) ReadPush(r *http.Request) (*Push, error) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		return nil, &provider.Error{Op: "push", Provider: provider.KindGmail, Code: provider.ErrAuth, Err: errors.New("gmail: push request without a bearer token")}
	}
	if _, err := v.v.Verify(r.Context(), strings.TrimSpace(token)); err != nil {
		code := provider.ErrTemporary
		if errors.Is(err, oidcjwt.ErrInvalid) || errors.Is(err, oidcjwt.ErrMalformed) {
			code = provider.ErrAuth
		}
		return nil, &provider.Error{Op: "push", Provider: provider.KindGmail, Code: code, Err: err}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxPushBody+1))
	if err != nil {
		return nil, &provider.Error{Op: "push", Provider: provider.KindGmail, Code: provider.ErrTemporary, Err: err}
	}
	if len(body) > maxPushBody {
		return nil, &provider.Error{Op: "push", Provider: provider.KindGmail, Code: provider.ErrInvalid, Err: errors.New("gmail: push body larger than 64 KiB")}
	}
	push, err := ParsePush(body)
	if err != nil {
		return nil, &provider.Error{Op: "push", Provider: provider.KindGmail, Code: provider.ErrInvalid, Err: err}
	}
	push.Verified = true
	return push, nil
}
