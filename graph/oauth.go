package graph

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/provider"
)

// Delegated permissions of Microsoft Graph, by the short names Microsoft
// documents (https://learn.microsoft.com/graph/permissions-reference). A
// scope without a resource prefix means Microsoft Graph, so "Mail.Send"
// asks for https://graph.microsoft.com/Mail.Send. All of these can be
// granted by the user unless the tenant's admin restricts user consent
// (then an admin grants them once for the organisation, and the user sees
// "Need admin approval" until then).
const (
	// ScopeOfflineAccess: a refresh token is issued with the access token.
	// Without it the connection dies within about an hour.
	ScopeOfflineAccess = "offline_access"
	// ScopeUserRead: the signed-in user's profile; GET /me, which Verify
	// and the connect flow use to check the address (mail, else
	// userPrincipalName).
	ScopeUserRead = "User.Read"
	// ScopeSend: send mail as the signed-in user (sendMail, and send of a
	// draft). It reads nothing: not even Sent Items.
	ScopeSend = "Mail.Send"
	// ScopeRead: read the signed-in user's mail, including bodies, the
	// full MIME (GET /messages/{id}/$value) and internetMessageHeaders.
	// Fetch needs it: it returns each related message as raw RFC 5322
	// bytes, and a bounce (DSN) names our Message-ID only in its body. It
	// also serves the Sent Items look-up by internetMessageId that makes
	// a retried send idempotent, delta queries and change notifications.
	ScopeRead = "Mail.Read"
	// ScopeReadBasic: every message property except body, bodyPreview,
	// uniqueBody, attachments, extensions and extended properties. It
	// returns internetMessageId, conversationId, subject, from and the
	// recipients, and serves delta queries and change notifications, so it
	// could tell that a message belongs to a thread we started. But the
	// MIME content ($value) carries the body, so it cannot return the raw
	// message Fetch promises, settle a bounce (our Message-ID is inside the
	// DSN's body) or see In-Reply-To and References (Graph has no property
	// for them; they are only in internetMessageHeaders, which Microsoft
	// does not document as readable with this permission, and in the
	// MIME). inboxkit therefore offers no Access with it.
	ScopeReadBasic = "Mail.ReadBasic"
	// ScopeReadWrite: read, create, change and delete mail (not send).
	// Creating a draft (POST /me/messages) needs it, so the default send
	// path — a draft from our MIME, then its send, which returns the
	// message's id and conversationId at once — and a send on behalf of
	// another mailbox (a draft whose from is that mailbox) need it. It
	// includes everything ScopeRead allows.
	ScopeReadWrite = "Mail.ReadWrite"
	// ScopeSendShared: send as the signed-in user or on behalf of a
	// mailbox whose owner granted the user "Send on Behalf" (or "Send As")
	// in Exchange Online (message.from set to that mailbox). Work and
	// school accounts only: personal Microsoft accounts cannot be granted
	// it. Without the Exchange grant Graph answers 403 ErrorSendAsDenied.
	ScopeSendShared = "Mail.Send.Shared"
)

// Access is a named set of delegated permissions a host asks for, least
// first. The zero value is AccessSendRead, the usual choice.
//
// Which set a host needs depends on how the Provider sends. By default a
// send is one POST /me/sendMail, which Mail.Send allows on its own. With
// Options.SendWithDrafts, a send creates a draft from the MIME and sends
// the draft, and creating a draft needs Mail.ReadWrite: a broader
// permission (it can change and delete mail), shown to the user as "Read
// and write access to your mail", so it is a set of its own.
type Access int

// The permission sets.
const (
	// AccessSendRead sends and reads replies with the least permissions
	// (offline_access, User.Read, Mail.Send, Mail.Read). Sends go through
	// sendMail: a draft cannot be created with it.
	AccessSendRead Access = iota
	// AccessSend sends only (offline_access, User.Read, Mail.Send),
	// through sendMail: no Fetch, no push, and no Sent Items look-up, so
	// a send retried after an ambiguous failure cannot be checked for a
	// first delivery.
	AccessSend
	// AccessSendReadWrite can send through a draft (Options.SendWithDrafts),
	// which gives Sent its
	// ProviderID and ThreadID at once, and reads replies (offline_access,
	// User.Read, Mail.Send, Mail.ReadWrite; Mail.ReadWrite includes
	// reading, so Mail.Read is not asked for).
	AccessSendReadWrite
	// AccessSendOnBehalf adds sending on behalf of colleagues' mailboxes
	// (Options.OnBehalfOf), which goes through a draft whose from is the
	// owner: AccessSendReadWrite plus Mail.Send.Shared. Work and school
	// accounts only.
	AccessSendOnBehalf
)

// Scopes returns the scopes of the set; an unknown value is taken as
// AccessSendRead.
func (a Access) Scopes() []string {
	switch a {
	case AccessSend:
		return []string{ScopeOfflineAccess, ScopeUserRead, ScopeSend}
	case AccessSendReadWrite:
		return []string{ScopeOfflineAccess, ScopeUserRead, ScopeSend, ScopeReadWrite}
	case AccessSendOnBehalf:
		return []string{ScopeOfflineAccess, ScopeUserRead, ScopeSend, ScopeReadWrite, ScopeSendShared}
	default:
		return []string{ScopeOfflineAccess, ScopeUserRead, ScopeSend, ScopeRead}
	}
}

// String returns "send+read", "send", "send+readwrite" or
// "send+on-behalf".
func (a Access) String() string {
	switch a {
	case AccessSend:
		return "send"
	case AccessSendReadWrite:
		return "send+readwrite"
	case AccessSendOnBehalf:
		return "send+on-behalf"
	default:
		return "send+read"
	}
}

// LoginURL is the Microsoft identity platform's sign-in host (the global
// cloud; a national cloud's host can be put in the Config's Endpoint).
const LoginURL = "https://login.microsoftonline.com"

// Tenants that are not a single directory.
const (
	// TenantCommon signs in work, school and personal accounts.
	TenantCommon = "common"
	// TenantOrganizations signs in work and school accounts only.
	TenantOrganizations = "organizations"
	// TenantConsumers signs in personal Microsoft accounts only.
	TenantConsumers = "consumers"
)

// Endpoint returns the v2.0 authorize and token endpoints of tenant
// (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow).
// The client secret goes in the form body, as Microsoft's examples do;
// a public client sends none.
func Endpoint(tenant string) oauth2.Endpoint {
	if tenant == "" {
		tenant = TenantCommon
	}
	base := LoginURL + "/" + url.PathEscape(tenant) + "/oauth2/v2.0"
	return oauth2.Endpoint{AuthURL: base + "/authorize", TokenURL: base + "/token", AuthStyle: oauth2.AuthStyleInParams}
}

// OAuthConfig returns the oauth2.Config for an app registered in Microsoft Entra
// ID asking for the permissions of access. tenant is "common",
// "organizations", "consumers", a directory (tenant) ID or one of its
// verified domains; empty means "common". Config does not fail: check a
// tenant from configuration with ValidTenant (Flow.Start checks it too).
// clientSecret is empty for a public client (a "Mobile and desktop
// applications" registration using PKCE alone).
func OAuthConfig(tenant, clientID, clientSecret, redirectURL string, access Access) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     clientID,
		ClientSecret: clientSecret,
		RedirectURL:  redirectURL,
		Scopes:       access.Scopes(),
		Endpoint:     Endpoint(tenant),
	}
}

var errBadTenant = errors.New(`graph: tenant must be "common", "organizations", "consumers", a tenant ID (GUID) or a domain name`)

// ValidTenant reports whether tenant can name a Microsoft Entra tenant in
// the sign-in URL: "common", "organizations", "consumers", a GUID, or a
// domain name such as contoso.onmicrosoft.com. It is an ErrInvalid
// *provider.Error naming "tenant" otherwise. It does not ask Microsoft
// whether the tenant exists (a wrong one fails at sign-in with AADSTS90002).
func ValidTenant(tenant string) error {
	if validTenant(tenant) {
		return nil
	}
	return &provider.Error{Op: "config", Provider: provider.KindGraph, Code: provider.ErrInvalid, Field: "tenant",
		Err: fmt.Errorf("%w: %q", errBadTenant, tenant)}
}

func validTenant(t string) bool {
	switch strings.ToLower(t) {
	case TenantCommon, TenantOrganizations, TenantConsumers:
		return true
	}
	return isGUID(t) || isDomain(t)
}

func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

func isDomain(s string) bool {
	if len(s) > 253 || !strings.Contains(s, ".") {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '-') {
				return false
			}
		}
	}
	return true
}

// tenantOf returns the tenant in a v2.0 authorize URL, and false when the
// URL is not of that shape (a host's own endpoint).
func tenantOf(authURL string) (string, bool) {
	u, err := url.Parse(authURL)
	if err != nil {
		return "", false
	}
	rest, ok := strings.CutSuffix(u.EscapedPath(), "/oauth2/v2.0/authorize")
	if !ok || !strings.HasPrefix(rest, "/") || strings.Count(rest, "/") != 1 {
		return "", false
	}
	t, err := url.PathUnescape(rest[1:])
	return t, err == nil
}

// graphResource is the prefix of a full Microsoft Graph scope.
const graphResource = "https://graph.microsoft.com/"

// grantedBy lists, for each scope inboxkit asks for, the granted scopes
// that include it. Microsoft puts every permission the user consented to
// for the app in the token's scope, so a broader earlier grant shows up
// instead of the narrower one asked for.
var grantedBy = map[string][]string{
	"mail.read":      {"mail.read", "mail.readwrite"},
	"mail.readbasic": {"mail.readbasic", "mail.read", "mail.readwrite"},
	"user.read":      {"user.read", "user.readwrite"},
}

// missingScope returns the first scope of want that the token response's
// scope value does not cover, or "". The value holds short names
// ("Mail.Send") or full URIs, in any case, possibly percent-encoded (as in
// Microsoft's own examples). offline_access and the OpenID scopes are not
// listed there and are not checked (offline_access shows as the refresh
// token instead).
func missingScope(want []string, granted string) string {
	if s, err := url.QueryUnescape(granted); err == nil {
		granted = s
	}
	have := map[string]bool{}
	for _, g := range strings.Fields(granted) {
		g = strings.ToLower(g)
		g = strings.TrimPrefix(g, graphResource)
		have[g] = true
	}
	for _, w := range want {
		lw := strings.ToLower(strings.TrimPrefix(w, graphResource))
		switch lw {
		case "offline_access", "openid", "profile", "email":
			continue
		}
		ok := have[lw]
		for _, g := range grantedBy[lw] {
			ok = ok || have[g]
		}
		if !ok {
			return w
		}
	}
	return ""
}
