package gmail

import (
	"golang.org/x/oauth2"
)

// OAuth 2.0 scopes of the Gmail API
// (https://developers.google.com/workspace/gmail/api/auth/scopes).
const (
	// ScopeSend: send mail only. Google classes it "sensitive" (app
	// verification, no security assessment). It cannot read anything,
	// not even the profile, so Fetch, Verify, the Message-ID look-up
	// that makes retries idempotent, and send-as aliases are unavailable.
	ScopeSend = "https://www.googleapis.com/auth/gmail.send"
	// ScopeReadonly: read all messages and settings. "Restricted": a
	// public app needs Google's security assessment. Enough for Fetch
	// (history, metadata, raw, q search), the rfc822msgid: look-up and
	// send-as aliases.
	ScopeReadonly = "https://www.googleapis.com/auth/gmail.readonly"
	// ScopeMetadata: ids, labels and header fields only. Also
	// "restricted", yet it forbids the q parameter of messages.list and
	// format=raw or full, so Fetch could spot a reply by header but
	// could not return its raw bytes, settle a bounce (its tie to our mail
	// is in the body), look back by date, or find a sent message by
	// Message-ID. inboxkit therefore offers no Access with it.
	ScopeMetadata = "https://www.googleapis.com/auth/gmail.metadata"
	// ScopeModify: read, and change labels (never delete for good).
	// "Restricted". Needed only to label sent mail and replies.
	ScopeModify = "https://www.googleapis.com/auth/gmail.modify"
	// ScopeOpenID and ScopeEmail add an ID token with the signed-in
	// address, which is how Exchange checks the account when no read
	// scope is granted. Not sensitive.
	ScopeOpenID = "openid"
	ScopeEmail  = "email"
)

// Access is a named set of scopes a host asks for, least first. The zero
// value is AccessSendRead, the usual choice.
type Access int

// The scope sets.
const (
	// AccessSendRead sends and reads replies: everything a Provider does
	// except labels (ScopeSend, ScopeReadonly, openid, email).
	AccessSendRead Access = iota
	// AccessSend sends only (ScopeSend, openid, email): no Fetch, no
	// idempotent-retry look-up, no aliases; set Options.SendOnly.
	AccessSend
	// AccessSendLabel adds labelling of sent mail and replies (ScopeSend,
	// ScopeModify, openid, email); modify includes read access, so
	// readonly is not asked for.
	AccessSendLabel
)

// Scopes returns the OAuth scopes of the set; an unknown value is taken
// as AccessSendRead.
func (a Access) Scopes() []string {
	switch a {
	case AccessSend:
		return []string{ScopeOpenID, ScopeEmail, ScopeSend}
	case AccessSendLabel:
		return []string{ScopeOpenID, ScopeEmail, ScopeSend, ScopeModify}
	default:
		return []string{ScopeOpenID, ScopeEmail, ScopeSend, ScopeReadonly}
	}
}

// String returns "send", "send+read" or "send+label".
func (a Access) String() string {
	switch a {
	case AccessSend:
		return "send"
	case AccessSendLabel:
		return "send+label"
	default:
		return "send+read"
	}
}

// Google's OAuth 2.0 endpoints.
const (
	AuthURL   = "https://accounts.google.com/o/oauth2/v2/auth"
	TokenURL  = "https://oauth2.googleapis.com/token"
	RevokeURL = "https://oauth2.googleapis.com/revoke"
)

// OAuthConfig returns the oauth2.Config for a Google OAuth client (a "Web
// application" client of the host's Google Cloud project) asking for the
// scopes of access.
func OAuthConfig(clientID, clientSecret, redirectURL string, access Access) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     clientID,
		ClientSecret: clientSecret,
		RedirectURL:  redirectURL,
		Scopes:       access.Scopes(),
		Endpoint: oauth2.Endpoint{
			AuthURL:   AuthURL,
			TokenURL:  TokenURL,
			AuthStyle: oauth2.AuthStyleInParams,
		},
	}
}

// readScope reports whether scopes let the app read the profile.
func readScope(scopes []string) bool {
	for _, s := range scopes {
		switch s {
		case ScopeReadonly, ScopeModify, ScopeMetadata, "https://mail.google.com/":
			return true
		}
	}
	return false
}
