package graph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/inboxkit/inboxkit/internal/oauthtoken"
	"github.com/microsoft/kiota-abstractions-go/authentication"
	"github.com/microsoft/kiota-abstractions-go/serialization"
	khttp "github.com/microsoft/kiota-http-go"
	jsonserialization "github.com/microsoft/kiota-serialization-json-go"
	textserialization "github.com/microsoft/kiota-serialization-text-go"
	core "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

// meToken is the user id the SDK rewrites to /me (core.ReplacementPairs),
// so requests address the signed-in user whatever their UPN is.
const meToken = "me-token-to-replace"

// sdkVersion is the msgraph-sdk-go version reported in SdkVersion.
const sdkVersion = "1.89.0"

// client is the kiota request adapter and the typed builders over it. Every
// request, typed or not, goes through the adapter, so authentication,
// compression, the per-mailbox limiter and error mapping are in one place.
type client struct {
	adapter *core.GraphRequestAdapterBase
	users   *users.UsersRequestBuilder
	base    string
}

// accessTokens adapts an oauth2.TokenSource to kiota's AccessTokenProvider.
// It hands a token only to the API's own host, so a URL from a tampered
// cursor or a redirect can never carry it elsewhere.
type accessTokens struct {
	src   *oauthtoken.Cache
	host  string // the API's host[:port], compared exactly
	hosts authentication.AllowedHostsValidator
}

// GetAuthorizationToken implements authentication.AccessTokenProvider.
func (a *accessTokens) GetAuthorizationToken(ctx context.Context, u *url.URL, _ map[string]any) (string, error) {
	if u == nil || u.Scheme != "https" || !strings.EqualFold(u.Host, a.host) {
		return "", nil
	}
	tok, err := a.src.Token()
	if err != nil {
		return "", err
	}
	return tok.AccessToken, nil
}

// GetAllowedHostsValidator implements authentication.AccessTokenProvider.
func (a *accessTokens) GetAllowedHostsValidator() *authentication.AllowedHostsValidator {
	return &a.hosts
}

func newClient(baseURL string, hc *http.Client, tokens *oauthtoken.Cache, limiter *Limiter, mailbox string) (*client, error) {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	baseURL = strings.TrimRight(baseURL, "/")
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("graph: base URL %q is not an absolute https URL", baseURL)
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	parent := hc.Transport
	if parent == nil {
		parent = khttp.GetDefaultTransport()
	}
	// kiota's default pipeline minus its RetryHandler: retries go through
	// providerkit.Retry, which honours Retry-After with capped, jittered
	// backoff and the caller's context, and through the one 401 refresh.
	middlewares := []khttp.Middleware{
		khttp.NewUrlReplaceHandler(true, core.ReplacementPairs),
		khttp.NewRedirectHandler(),
		largeBodyGzip{},
		khttp.NewParametersNameDecodingHandler(),
		khttp.NewUserAgentHandler(),
		khttp.NewHeadersInspectionHandler(),
		limiter.middleware(mailbox),
	}
	httpClient := &http.Client{
		Transport: khttp.NewCustomTransportWithParentTransport(parent, middlewares...),
		Timeout:   hc.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // the RedirectHandler decides
		},
	}
	auth := authentication.NewBaseBearerTokenAuthenticationProvider(&accessTokens{
		src:   tokens,
		host:  u.Host,
		hosts: authentication.NewAllowedHostsValidator([]string{u.Hostname()}),
	})
	parsers := serialization.NewParseNodeFactoryRegistry()
	parsers.ContentTypeAssociatedFactories["application/json"] = jsonserialization.NewJsonParseNodeFactory()
	parsers.ContentTypeAssociatedFactories["text/plain"] = textserialization.NewTextParseNodeFactory()
	writers := serialization.NewSerializationWriterFactoryRegistry()
	writers.ContentTypeAssociatedFactories["application/json"] = jsonserialization.NewJsonSerializationWriterFactory()
	writers.ContentTypeAssociatedFactories["text/plain"] = textserialization.NewTextSerializationWriterFactory()
	adapter, err := core.NewGraphRequestAdapterBaseWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(
		auth, core.GraphClientOptions{GraphServiceLibraryVersion: sdkVersion}, parsers, writers, httpClient)
	if err != nil {
		return nil, err
	}
	adapter.SetBaseUrl(baseURL)
	return &client{
		adapter: adapter,
		users:   users.NewUsersRequestBuilderInternal(map[string]string{"baseurl": baseURL}, adapter),
		base:    baseURL,
	}, nil
}

// errCrossHost is returned for a paging link that points away from the API.
var errCrossHost = errors.New("graph: link points outside the API base URL")

// sameAPI reports whether link is under the client's base URL, so it may be
// followed with the mailbox's token.
func (c *client) sameAPI(link string) bool {
	return strings.HasPrefix(link, c.base+"/")
}
